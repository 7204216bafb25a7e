# Tests for RBAC-WILDCARD (wildcard.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.wildcard_test

import data.palisade.rbac.wildcard

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

paths(findings) := {f.path | some f in findings}

test_full_wildcard_cluster_role_is_critical if {
	v := wildcard.deny with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	paths(v) == {"/rules/0/apiGroups/0", "/rules/0/resources/0", "/rules/0/verbs/0"}
	every f in v { f.severity == "critical" }
}

test_full_wildcard_role_is_high if {
	v := wildcard.deny with input as role("Role", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(v) == 3
	every f in v { f.severity == "high" }
}

test_wildcard_verb_points_at_entry if {
	v := wildcard.deny with input as role("Role", [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "*"]},
	])
	paths(v) == {"/rules/1/verbs/1"}
	every f in v { f.severity == "medium" }
}

test_wildcard_resource_and_group if {
	v := wildcard.deny with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["get"]}, {"apiGroups": ["apps"], "resources": ["*"], "verbs": ["list"]}])
	paths(v) == {"/rules/0/apiGroups/0", "/rules/1/resources/0"}
}

test_star_slash_subresource_is_a_wildcard if {
	v := wildcard.deny with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*/scale"], "verbs": ["update"]}])
	paths(v) == {"/rules/0/apiGroups/0", "/rules/0/resources/0"}
	some f in v
	f.path == "/rules/0/resources/0"
	contains(f.msg, "\"scale\" subresource")
}

test_resource_slash_star_grants_nothing if {
	input_ := role("Role", [{"apiGroups": [""], "resources": ["pods/*"], "verbs": ["create"]}])
	count(wildcard.deny) == 0 with input as input_
	w := wildcard.warn with input as input_
	paths(w) == {"/rules/0/resources/0"}
	every f in w { f.severity == "info" }
}

test_no_wildcard_no_finding if {
	v := wildcard.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}])
	count(v) == 0
}

test_empty_or_missing_rules if {
	count(wildcard.deny) == 0 with input as role("Role", null)
	count(wildcard.deny) == 0 with input as {"review": {"object": {"kind": "Role", "metadata": {"name": "r"}}}}
}

test_aggregated_cluster_role_is_skipped if {
	agg := {"review": {"object": {"kind": "ClusterRole", "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"x": "y"}}]}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}}}
	count(wildcard.deny) == 0 with input as agg
}
