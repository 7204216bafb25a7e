# RBAC-CSR-APPROVE: approving a CertificateSigningRequest takes update (or patch) on
# certificatesigningrequests/approval and approve on the signer (signers in certificates.k8s.io,
# named `<signer>` or `<domain>/*`). Together, with the kube-apiserver-client signer, they issue a
# client certificate for any user or group, system:masters included. Either half alone approves
# nothing (low: another role bound to the same subject could complete it). Signers and CSRs are
# cluster-scoped, so only a ClusterRole can grant them (a Role naming them grants nothing: an info
# note); they are not in the core group.
package palisade.rbac.csr_approve

metadata := {
	"id": "RBAC-CSR-APPROVE",
	"title": "Approve certificate signing requests",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Grant CSR approval only to the controller that needs it, with approve narrowed by resourceNames to its own signer.",
}

group := "certificates.k8s.io"

approval_verbs := {"update", "patch"}

client_signers := {"kubernetes.io/kube-apiserver-client", "kubernetes.io/*"}

# Rules granting each half of an approval.
approval_rules contains x if {
	some x in relevant
	count(data.palisade.lib.rbac.granted(x.rule, group, "certificatesigningrequests/approval", approval_verbs)) > 0
}

signer_rules contains x if {
	some x in relevant
	data.palisade.lib.rbac.allows(x.rule, group, "signers", "approve")
}

# True when some signer rule reaches the kube-apiserver-client signer.
client_signer if {
	some x in signer_rules
	not x.rule.narrowed
}

client_signer if {
	some x in signer_rules
	some name in x.rule.resourceNames
	name in client_signers
}

# One half alone approves nothing, for no signer: a note (low) that another role could complete it.
severity := "critical" if {
	count(approval_rules) > 0
	client_signer
} else := "high" if {
	count(approval_rules) > 0
	count(signer_rules) > 0
} else := "low"

both := "together with approve on signers" if count(signer_rules) > 0

both := "but not approve on signers, which is also needed: alone it approves nothing" if count(signer_rules) == 0

approval_too := "" if count(approval_rules) > 0

approval_too := " but not update on certificatesigningrequests/approval, which is also needed: alone it approves nothing" if count(approval_rules) == 0

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({group}, {"certificatesigningrequests/approval", "signers"})

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in approval_rules
	verbs := data.palisade.lib.rbac.granted(x.rule, group, "certificatesigningrequests/approval", approval_verbs)
	v := {
		"msg": sprintf("%s can approve certificate signing requests (%s certificatesigningrequests/approval) %s", [x.name, data.palisade.lib.rbac.list(verbs), both]),
		"path": data.palisade.lib.rbac.verb_path(x, approval_verbs),
		"severity": severity,
	}
}

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in signer_rules
	v := {
		"msg": sprintf("%s can approve requests for %s%s", [x.name, signers(x.rule), approval_too]),
		"path": data.palisade.lib.rbac.verb_path(x, {"approve"}),
		"severity": severity,
	}
}

signers(r) := sprintf("the signers %s", [data.palisade.lib.rbac.list(r.resourceNames)]) if r.narrowed

signers(r) := "any signer, kubernetes.io/kube-apiserver-client included" if not r.narrowed

# The CSR resources live in certificates.k8s.io; naming them under the core group grants nothing.
warn contains v if {
	some x in data.palisade.lib.rbac.rules
	"" in x.rule.apiGroups
	not group in x.rule.apiGroups
	not "*" in x.rule.apiGroups
	some j, res in x.rule.resources
	res in {"certificatesigningrequests", "certificatesigningrequests/approval", "signers"}
	v := {
		"msg": sprintf("%s names %s in the core API group, where it does not exist (it is in certificates.k8s.io), so it grants nothing", [x.name, res]),
		"path": data.palisade.lib.rbac.field_path(x, sprintf("/resources/%d", [j])),
		"severity": "info",
	}
}

targets := [
	{"group": group, "resource": "certificatesigningrequests/approval", "verbs": approval_verbs},
	{"group": group, "resource": "signers", "verbs": {"approve"}},
]

warn contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, approval_verbs | {"approve"})
}

warn contains v if {
	some v in data.palisade.lib.rbac.cluster_scoped_notes(targets)
}
