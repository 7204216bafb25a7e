# Tests for RBAC-POD-EXEC (pod_exec.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.pod_exec_test

import data.palisade.rbac.pod_exec

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

by_path(findings) := {f.path: f.severity | some f in findings}

test_exec_attach_portforward if {
	v := pod_exec.deny with input as role("Role", [{"apiGroups": [""], "resources": ["pods/exec", "pods/attach", "pods/portforward"], "verbs": ["create"]}])
	count(v) == 3
	{f.severity | some f in v} == {"high", "medium"}
}

test_get_only_exec_is_medium if {
	v := pod_exec.deny with input as role("Role", [{"apiGroups": [""], "resources": ["pods", "pods/exec"], "verbs": ["get", "list"]}])
	by_path(v) == {"/rules/0/verbs/0": "medium"}
}

test_narrowed_exec_is_medium if {
	v := pod_exec.deny with input as role("Role", [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"], "resourceNames": ["toolbox"]}])
	by_path(v) == {"/rules/0/verbs/0": "medium"}
	some f in v
	contains(f.msg, "toolbox")
}

test_wildcards_reach_exec if {
	v := pod_exec.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["*"], "verbs": ["*"]}])
	count(v) == 3
	v2 := pod_exec.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["*/exec"], "verbs": ["create"]}])
	count(v2) == 1
}

test_pods_slash_star_is_not_exec if {
	count(pod_exec.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["pods/*"], "verbs": ["create"]}])
}

test_plain_pods_is_not_exec if {
	count(pod_exec.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "create"]}])
}
