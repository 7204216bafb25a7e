# Tests for RBAC-TOKEN-REQUEST (token_request.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.token_request_test

import data.palisade.rbac.token_request

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

severities(findings) := {f.severity | some f in findings}

token_rule := {"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]}

test_cluster_wide_token_request_is_critical if {
	v := token_request.deny with input as role("ClusterRole", [token_rule])
	severities(v) == {"critical"}
}

test_namespaced_token_request_is_high if {
	v := token_request.deny with input as role("Role", [token_rule])
	severities(v) == {"high"}
}

test_narrowed_token_request_is_medium if {
	v := token_request.deny with input as role("Role", [object.union(token_rule, {"resourceNames": ["builder"]})])
	severities(v) == {"medium"}
	some f in v
	f.path == "/rules/0/resourceNames"
}

test_narrowed_to_admin_service_account_is_critical if {
	crb := {"kind": "ClusterRoleBinding", "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"}, "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]}
	inv := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRoleBinding": {"ci-admin": crb}}}}
	v := token_request.deny with input as role("ClusterRole", [object.union(token_rule, {"resourceNames": ["builder", "deployer"]})]) with data.inventory as inv
	count(v) == 1
	some f in v
	f.severity == "critical"
	f.path == "/rules/0/resourceNames/1"
}

test_reading_service_accounts_is_fine if {
	count(token_request.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["serviceaccounts", "serviceaccounts/token"], "verbs": ["get", "list"]}])
}
