# Tests for RBAC-PERSISTENT-VOLUMES (persistent_volumes.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.persistent_volumes_test

import data.palisade.rbac.persistent_volumes

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

test_create_persistent_volumes_is_high if {
	v := persistent_volumes.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["get", "create", "delete"]}])
	{f.path | some f in v} == {"/rules/0/verbs/1", "/rules/0/verbs/2"}
	some f in v
	f.path == "/rules/0/verbs/1"
	not f.severity
}

test_modify_is_medium if {
	v := persistent_volumes.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["patch"]}])
	{f.severity | some f in v} == {"medium"}
}

test_claims_are_fine if {
	count(persistent_volumes.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["persistentvolumeclaims"], "verbs": ["create", "delete"]}])
}

test_role_cannot_reach_persistent_volumes if {
	count(persistent_volumes.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["create"]}])
}

test_narrowed if {
	input_ := role("ClusterRole", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["create", "update"], "resourceNames": ["pv-data"]}])
	v := persistent_volumes.deny with input as input_
	{f.severity | some f in v} == {"low"}
	w := persistent_volumes.warn with input as input_
	count(w) == 1
}

test_wildcard_reaches_persistent_volumes if {
	count(persistent_volumes.deny) == 2 with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
}
