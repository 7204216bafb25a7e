# RBAC-EPHEMERAL-CONTAINERS: update or patch on pods/ephemeralcontainers adds a container of any
# image to a running pod, sharing its service account, volumes and namespaces: exec by another name.
# A rule narrowed by resourceNames reaches only the named pods.
package palisade.rbac.ephemeral_containers

metadata := {
	"id": "RBAC-EPHEMERAL-CONTAINERS",
	"title": "Add ephemeral containers to pods",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Grant pods/ephemeralcontainers only for break-glass debugging, bound in the namespaces concerned.",
}

write_verbs := {"update", "patch"}

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {"pods/ephemeralcontainers"})

deny contains v if {
	some x in relevant
	verbs := data.palisade.lib.rbac.granted(x.rule, "", "pods/ephemeralcontainers", write_verbs)
	count(verbs) > 0
	v := {
		"msg": sprintf("%s can add ephemeral containers (%s pods/ephemeralcontainers) to %s", [x.name, data.palisade.lib.rbac.list(verbs), reach(x.rule)]),
		"path": data.palisade.lib.rbac.verb_path(x, write_verbs),
		"severity": severity(x.rule),
	}
}

reach(r) := sprintf("the pods named %s", [data.palisade.lib.rbac.list(r.resourceNames)]) if r.narrowed

reach(r) := sprintf("any pod in %s", [data.palisade.lib.rbac_scope.scope]) if not r.narrowed

severity(r) := "medium" if r.narrowed

severity(r) := "high" if not r.narrowed

warn contains v if {
	targets := [{"group": "", "resource": "pods/ephemeralcontainers", "verbs": write_verbs}]
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, write_verbs)
}
