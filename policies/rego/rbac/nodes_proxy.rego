# RBAC-NODES-PROXY: nodes/proxy reaches the kubelet API of a node through the API server, past
# admission and most audit: with get or create it can run commands in any pod on the node.
# Nodes are cluster-scoped, so only a ClusterRole can grant it. Narrowing by resourceNames limits it
# to the named nodes, each of which is still fully exposed.
package palisade.rbac.nodes_proxy

metadata := {
	"id": "RBAC-NODES-PROXY",
	"title": "Kubelet access through nodes/proxy",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Remove nodes/proxy; read node metrics through nodes/metrics or nodes/stats instead.",
}

# The HTTP methods the proxy forwards, as RBAC verbs.
proxy_verbs := {"get", "create", "update", "patch", "delete"}

exec_verbs := {"get", "create"}

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {"nodes/proxy"})

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	verbs := data.palisade.lib.rbac.granted(x.rule, "", "nodes/proxy", proxy_verbs)
	count(verbs) > 0
	v := {
		"msg": sprintf("%s can %s nodes/proxy on %s: the kubelet API, past admission and audit", [x.name, data.palisade.lib.rbac.list(verbs), reach(x.rule)]),
		"path": data.palisade.lib.rbac.verb_path(x, proxy_verbs),
		"severity": severity(verbs),
	}
}

reach(r) := sprintf("the nodes named %s", [data.palisade.lib.rbac.list(r.resourceNames)]) if r.narrowed

reach(r) := "every node" if not r.narrowed

severity(verbs) := "critical" if {
	some verb in verbs
	verb in exec_verbs
} else := "high"

targets := [{"group": "", "resource": "nodes/proxy", "verbs": proxy_verbs}]

warn contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, proxy_verbs)
}

warn contains v if {
	some v in data.palisade.lib.rbac.cluster_scoped_notes(targets)
}
