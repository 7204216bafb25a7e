# Tests for RBAC-NODES-PROXY (nodes_proxy.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.nodes_proxy_test

import data.palisade.rbac.nodes_proxy

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

test_get_nodes_proxy_is_critical if {
	v := nodes_proxy.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes/proxy", "namespaces"], "verbs": ["get", "watch", "list"]}])
	count(v) == 1
	some f in v
	f.severity == "critical"
	f.path == "/rules/0/verbs/0"
}

test_other_proxy_verbs_are_high if {
	v := nodes_proxy.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["patch"]}])
	{f.severity | some f in v} == {"high"}
}

test_wildcards_reach_nodes_proxy if {
	count(nodes_proxy.deny) == 1 with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(nodes_proxy.deny) == 1 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["*/proxy"], "verbs": ["get"]}])
}

test_nodes_and_metrics_are_fine if {
	count(nodes_proxy.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes", "nodes/metrics", "nodes/stats"], "verbs": ["get", "list", "watch"]}])
}

test_role_cannot_grant_nodes_proxy if {
	input_ := role("Role", [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}])
	count(nodes_proxy.deny) == 0 with input as input_
	count(nodes_proxy.warn) == 1 with input as input_
}
