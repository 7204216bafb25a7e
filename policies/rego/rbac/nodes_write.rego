# RBAC-NODES-WRITE: update or patch on nodes or nodes/status changes taints, labels and
# conditions, which steer where the scheduler puts pods (draw other workloads, and their service
# account tokens, onto a node one controls, or away from every other node); deleting a node evicts
# every pod on it. High, as RBAC-NODES-PROXY's non-exec verbs and RBAC-PERSISTENT-VOLUMES: one step
# from another workload's identity, not cluster-admin by itself. Nodes are cluster-scoped, so only
# a ClusterRole grants this; a Role naming them grants nothing (an info note). resourceNames narrow
# update, patch and delete to the named nodes (low); deletecollection cannot be narrowed.
package palisade.rbac.nodes_write

metadata := {
	"id": "RBAC-NODES-WRITE",
	"title": "Write nodes (taints, labels, conditions) or delete them",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Leave node writes to the kubelet, the node lifecycle controller and cluster tooling that needs them (autoscaler, drain); narrow the rule with resourceNames where it only tends named nodes.",
}

targets := [
	{"group": "", "resource": "nodes", "verbs": {"update", "patch", "delete", "deletecollection"}},
	{"group": "", "resource": "nodes/status", "verbs": {"update", "patch"}},
]

write_verbs := {"update", "patch", "delete", "deletecollection"}

named_verbs := {"update", "patch", "delete"}

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {"nodes", "nodes/status"})

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	not x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, write_verbs)
	v := {
		"msg": sprintf("%s can %s on every node: taints, labels and conditions steer where pods land, and deleting a node evicts its pods", [x.name, granted]),
		"path": data.palisade.lib.rbac.verb_path(x, write_verbs),
	}
}

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, named_verbs)
	v := {
		"msg": sprintf("%s can %s only on the nodes named %s", [x.name, granted, data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "low",
		"remediation": data.palisade.lib.rbac.narrowed_remediation,
	}
}

warn contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, {"deletecollection"})
	v := {
		"msg": sprintf("%s: resourceNames cannot narrow deletecollection (its request names no object), so it grants none of it (%s)", [x.name, granted]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "info",
		"remediation": data.palisade.lib.rbac.unnamed_remediation,
	}
}

warn contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, write_verbs)
}

warn contains v if {
	some v in data.palisade.lib.rbac.cluster_scoped_notes(targets)
}
