# RBAC-POD-DELETE: deleting pods, or evicting them (create pods/eviction), takes workloads down,
# and with a node one controls (RBAC-NODES-WRITE) moves them there: their controllers recreate
# them where the scheduler now sends them, tokens and all. Medium: disruption by itself, an
# escalation only with another power; below RBAC-NODES-WRITE, beside RBAC-WORKLOAD-MODIFY.
# resourceNames narrow delete and eviction (a subresource request names its pod) to the named
# pods (low); deletecollection cannot be narrowed, so such a rule grants none of it (info).
package palisade.rbac.pod_delete

metadata := {
	"id": "RBAC-POD-DELETE",
	"title": "Delete or evict pods",
	"severity": "medium",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Leave deleting and evicting pods to controllers and operators that need it (drain, descheduler), bound in the namespaces they tend. Aggregated ClusterRoles (aggregationRule) are not checked yet.",
}

targets := [
	{"group": "", "resource": "pods", "verbs": {"delete", "deletecollection"}},
	{"group": "", "resource": "pods/eviction", "verbs": {"create"}},
]

delete_verbs := {"delete", "deletecollection", "create"}

named_verbs := {"delete", "create"}

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {"pods", "pods/eviction"})

deny contains v if {
	some x in relevant
	not x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, delete_verbs)
	v := {
		"msg": sprintf("rule %d can %s in %s: workloads go down, and come back wherever the scheduler now sends them", [x.index, granted, data.palisade.lib.rbac_scope.scope]),
		"path": data.palisade.lib.rbac.verb_path(x, delete_verbs),
	}
}

deny contains v if {
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, named_verbs)
	v := {
		"msg": sprintf("rule %d can %s only for the pods named %s", [x.index, granted, data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "low",
	}
}

warn contains v if {
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, {"deletecollection"})
	v := {
		"msg": sprintf("rule %d: resourceNames cannot narrow deletecollection (its request names no object), so it grants none of it (%s)", [x.index, granted]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "info",
	}
}

warn contains v if {
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, delete_verbs)
}
