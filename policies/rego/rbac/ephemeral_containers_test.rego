# Tests for RBAC-EPHEMERAL-CONTAINERS (ephemeral_containers.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.ephemeral_containers_test

import data.palisade.rbac.ephemeral_containers

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

test_patch_ephemeral_containers_is_high if {
	v := ephemeral_containers.deny with input as role("Role", [{"apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["get", "patch"]}])
	count(v) == 1
	some f in v
	f.severity == "high"
	f.path == "/rules/0/verbs/1"
}

test_narrowed_is_medium if {
	v := ephemeral_containers.deny with input as role("Role", [{"apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["update"], "resourceNames": ["web-0"]}])
	{f.severity | some f in v} == {"medium"}
}

test_wildcard_subresource_reaches_it if {
	count(ephemeral_containers.deny) == 1 with input as role("Role", [{"apiGroups": ["*"], "resources": ["*/ephemeralcontainers"], "verbs": ["*"]}])
}

test_read_only_is_fine if {
	count(ephemeral_containers.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["get"]}])
}
