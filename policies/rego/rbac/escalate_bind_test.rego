# Tests for RBAC-ESCALATE-BIND (escalate_bind.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.escalate_bind_test

import data.palisade.rbac.escalate_bind

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

rbac_group := "rbac.authorization.k8s.io"

severities(findings) := {f.severity | some f in findings}

test_escalate_on_clusterroles_is_critical if {
	v := escalate_bind.deny with input as role("ClusterRole", [{"apiGroups": [rbac_group], "resources": ["clusterroles"], "verbs": ["get", "escalate"]}])
	count(v) == 1
	some f in v
	f.severity == "critical"
	f.path == "/rules/0/verbs/1"
}

test_bind_on_roles_is_high if {
	v := escalate_bind.deny with input as role("ClusterRole", [{"apiGroups": [rbac_group, "apps"], "resources": ["deployments", "roles"], "verbs": ["bind", "list"]}])
	severities(v) == {"high"}
}

test_wildcard_verbs_reach_escalate if {
	v := escalate_bind.deny with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	severities(v) == {"critical"}
}

test_bind_on_clusterroles_in_role_is_effective if {
	v := escalate_bind.deny with input as role("Role", [{"apiGroups": [rbac_group], "resources": ["clusterroles"], "verbs": ["bind"]}])
	severities(v) == {"high"}
}

test_escalate_on_clusterroles_in_role_grants_nothing if {
	input_ := role("Role", [{"apiGroups": [rbac_group], "resources": ["clusterroles"], "verbs": ["update", "escalate"]}])
	count(escalate_bind.deny) == 0 with input as input_
	count(escalate_bind.warn) == 1 with input as input_
}

test_narrowed_bind_is_low if {
	v := escalate_bind.deny with input as role("ClusterRole", [{"apiGroups": [rbac_group], "resources": ["clusterroles"], "verbs": ["bind"], "resourceNames": ["view", "edit"]}])
	severities(v) == {"low"}
	some f in v
	f.path == "/rules/0/resourceNames"
	contains(f.msg, "edit, view")
}

test_narrowed_bind_to_cluster_admin_is_critical if {
	v := escalate_bind.deny with input as role("ClusterRole", [{"apiGroups": [rbac_group], "resources": ["clusterroles"], "verbs": ["bind"], "resourceNames": ["view", "cluster-admin"]}])
	count(v) == 1
	some f in v
	f.severity == "critical"
	f.path == "/rules/0/resourceNames/1"
}

test_narrowed_bind_to_inventory_superuser_role_is_critical if {
	inv := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRole": {"root": {"kind": "ClusterRole", "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}}}}}
	v := escalate_bind.deny with input as role("ClusterRole", [{"apiGroups": [rbac_group], "resources": ["clusterroles"], "verbs": ["bind"], "resourceNames": ["root"]}]) with data.inventory as inv
	severities(v) == {"critical"}
}

test_plain_role_writes_are_not_escalation if {
	count(escalate_bind.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [rbac_group], "resources": ["clusterroles", "roles"], "verbs": ["get", "update", "list"]}])
}

test_wrong_group_is_not_escalation if {
	count(escalate_bind.deny) == 0 with input as role("ClusterRole", [{"apiGroups": ["apps"], "resources": ["roles"], "verbs": ["bind", "escalate"]}])
}

test_role_binding_cluster_admin_by_name_is_high if {
	v := escalate_bind.deny with input as role("Role", [{"apiGroups": [rbac_group], "resources": ["clusterroles"], "verbs": ["bind"], "resourceNames": ["cluster-admin"]}])
	count(v) == 1
	some f in v
	f.severity == "high"
	f.path == "/rules/0/resourceNames/0"
}
