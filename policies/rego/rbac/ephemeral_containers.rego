# RBAC-EPHEMERAL-CONTAINERS: update or patch on pods/ephemeralcontainers adds a container of any
# image to a running pod, sharing its service account, volumes and namespaces: exec by another name.
# A rule narrowed by resourceNames reaches only the named pods.
package palisade.rbac.ephemeral_containers

import data.palisade.lib.rbac

metadata := {
	"id": "RBAC-EPHEMERAL-CONTAINERS",
	"title": "Add ephemeral containers to pods",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Grant pods/ephemeralcontainers only for break-glass debugging, bound in the namespaces concerned. Aggregated ClusterRoles (aggregationRule) are not checked yet.",
}

write_verbs := {"update", "patch"}

deny contains v if {
	some x in rbac.rules
	verbs := rbac.granted(x.rule, "", "pods/ephemeralcontainers", write_verbs)
	count(verbs) > 0
	v := {
		"msg": sprintf("rule %d can add ephemeral containers (%s pods/ephemeralcontainers) to %s", [x.index, rbac.list(verbs), reach(x.rule)]),
		"path": rbac.verb_path(x, write_verbs),
		"severity": severity(x.rule),
	}
}

reach(r) := sprintf("the pods named %s", [rbac.list(rbac.names(r))]) if rbac.narrowed(r)

reach(r) := sprintf("any pod in %s", [rbac.scope]) if not rbac.narrowed(r)

severity(r) := "medium" if rbac.narrowed(r)

severity(r) := "high" if not rbac.narrowed(r)
