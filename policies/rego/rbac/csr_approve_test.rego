# Tests for RBAC-CSR-APPROVE (csr_approve.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.csr_approve_test

import data.palisade.rbac.csr_approve

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

certs := "certificates.k8s.io"

approval := {"apiGroups": [certs], "resources": ["certificatesigningrequests/approval"], "verbs": ["update"]}

severities(findings) := {f.severity | some f in findings}

test_approval_with_any_signer_is_critical if {
	v := csr_approve.deny with input as role("ClusterRole", [approval, {"apiGroups": [certs], "resources": ["signers"], "verbs": ["approve"]}])
	{f.path | some f in v} == {"/rules/0/verbs/0", "/rules/1/verbs/0"}
	severities(v) == {"critical"}
}

test_approval_with_named_signer_is_high if {
	v := csr_approve.deny with input as role("ClusterRole", [approval, {"apiGroups": [certs], "resources": ["signers"], "verbs": ["approve"], "resourceNames": ["example.com/my-signer"]}])
	severities(v) == {"high"}
	some f in v
	contains(f.msg, "example.com/my-signer")
}

test_approval_with_apiserver_client_signer_is_critical if {
	v := csr_approve.deny with input as role("ClusterRole", [approval, {"apiGroups": [certs], "resources": ["signers"], "verbs": ["approve"], "resourceNames": ["kubernetes.io/kube-apiserver-client"]}])
	severities(v) == {"critical"}
}

# Either half alone approves for no signer: a low note, below the default fail-on.
test_one_half_is_low if {
	v := csr_approve.deny with input as role("ClusterRole", [approval])
	severities(v) == {"low"}
	some f in v
	contains(f.msg, "alone it approves nothing")
	w := csr_approve.deny with input as role("ClusterRole", [{"apiGroups": [certs], "resources": ["signers"], "verbs": ["approve"]}])
	severities(w) == {"low"}
	some g in w
	contains(g.msg, "any signer")
	contains(g.msg, "alone it approves nothing")
}

test_wildcard_role_is_critical if {
	v := csr_approve.deny with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(v) == 2
	severities(v) == {"critical"}
}

test_read_only_is_fine if {
	count(csr_approve.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [certs], "resources": ["certificatesigningrequests", "certificatesigningrequests/approval", "signers"], "verbs": ["get", "list"]}])
}

test_core_group_grants_nothing if {
	input_ := role("ClusterRole", [{"apiGroups": [""], "resources": ["certificatesigningrequests/approval"], "verbs": ["update", "approve"]}, {"apiGroups": [""], "resources": ["signers"], "verbs": ["approve"]}])
	count(csr_approve.deny) == 0 with input as input_
	count(csr_approve.warn) == 2 with input as input_
}
