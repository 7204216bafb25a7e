# RBAC-NAMESPACES-WRITE: update or patch on namespaces rewrites their labels: strip the Pod
# Security labels (pod-security.kubernetes.io/enforce) and privileged pods are admitted there, or
# set the labels an admission webhook's namespaceSelector exempts (Palisade's included) or a
# NetworkPolicy's namespaceSelector admits. High, as RBAC-WEBHOOK-CONFIG: it switches admission
# control off, one namespace at a time. Namespaces are cluster-scoped, so only a ClusterRole grants
# this; a Role naming them grants nothing (an info note). resourceNames narrow it to the named
# namespaces (low).
package palisade.rbac.namespaces_write

metadata := {
	"id": "RBAC-NAMESPACES-WRITE",
	"title": "Update or patch namespaces (their Pod Security and selector labels)",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Leave namespace labels to cluster administrators and the tooling that creates namespaces; narrow the rule with resourceNames to the namespaces a controller owns.",
}

modify_verbs := {"update", "patch"}

targets := [{"group": "", "resource": "namespaces", "verbs": modify_verbs}]

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {"namespaces"})

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	not x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, modify_verbs)
	v := {
		"msg": sprintf("%s can %s: strip the Pod Security labels, or set labels that exempt a namespace from admission webhooks", [x.name, granted]),
		"path": data.palisade.lib.rbac.verb_path(x, modify_verbs),
	}
}

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, modify_verbs)
	v := {
		"msg": sprintf("%s can %s only for the namespaces named %s", [x.name, granted, data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "low",
		"remediation": data.palisade.lib.rbac.narrowed_remediation,
	}
}

warn contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, modify_verbs)
}

warn contains v if {
	some v in data.palisade.lib.rbac.cluster_scoped_notes(targets)
}
