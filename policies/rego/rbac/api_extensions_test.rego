# Tests for RBAC-API-EXTENSIONS (api_extensions.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.api_extensions_test

import data.palisade.rbac.api_extensions

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

registration := "apiregistration.k8s.io"

extensions := "apiextensions.k8s.io"

test_write_apiservices_is_high if {
	v := api_extensions.deny with input as role("ClusterRole", [
		{"apiGroups": [registration], "resources": ["apiservices"], "verbs": ["get", "list"]},
		{"apiGroups": [registration], "resources": ["apiservices"], "verbs": ["get", "update"]},
	])
	count(v) == 1
	some f in v
	not f.severity
	f.path == "/rules/1/verbs/1"
	contains(f.msg, "update apiservices")
}

test_write_crds_is_medium if {
	v := api_extensions.deny with input as role("ClusterRole", [{"apiGroups": [extensions], "resources": ["customresourcedefinitions"], "verbs": ["create", "delete"]}])
	count(v) == 1
	some f in v
	f.severity == "medium"
	contains(f.msg, "create, delete customresourcedefinitions")
}

test_wildcards_reach_both if {
	v := api_extensions.deny with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(v) == 2
	{object.get(f, "severity", "high") | some f in v} == {"high", "medium"}
	count(api_extensions.deny) == 1 with input as role("ClusterRole", [{"apiGroups": [registration], "resources": ["*"], "verbs": ["patch"]}])
}

test_read_status_and_wrong_group_are_fine if {
	count(api_extensions.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [registration, extensions], "resources": ["apiservices", "customresourcedefinitions"], "verbs": ["get", "list", "watch"]}])
	count(api_extensions.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [registration, extensions], "resources": ["*/status"], "verbs": ["update", "patch"]}])
	count(api_extensions.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["apiservices", "customresourcedefinitions"], "verbs": ["patch"]}])
}

test_narrowed_is_low_and_create_is_ineffective if {
	input_ := role("ClusterRole", [{"apiGroups": [extensions], "resources": ["customresourcedefinitions"], "verbs": ["create", "get", "update"], "resourceNames": ["widgets.example.org"]}])
	v := api_extensions.deny with input as input_
	count(v) == 1
	some f in v
	f.severity == "low"
	f.path == "/rules/0/resourceNames"
	w := api_extensions.warn with input as input_
	count(w) == 1
	some g in w
	g.severity == "info"
	contains(g.msg, "create customresourcedefinitions")
}

test_role_grants_nothing_on_cluster_scoped_extensions if {
	input_ := role("Role", [{"apiGroups": [extensions], "resources": ["customresourcedefinitions"], "verbs": ["*"]}])
	count(api_extensions.deny) == 0 with input as input_
	w := api_extensions.warn with input as input_
	count(w) == 1
	some f in w
	f.severity == "info"
	contains(f.msg, "cluster-scoped")
}

test_wrong_case_verbs_grant_nothing if {
	input_ := role("ClusterRole", [{"apiGroups": [registration], "resources": ["apiservices"], "verbs": ["Patch"]}])
	count(api_extensions.deny) == 0 with input as input_
	count(api_extensions.warn) == 1 with input as input_
}
