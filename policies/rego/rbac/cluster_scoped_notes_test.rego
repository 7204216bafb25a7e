# Tests that every rule judging a cluster-scoped resource notes it, the same way, when a Role names
# it (a Role grants nothing there), and that the rules note verbs written in the wrong case.
package palisade.rbac.cluster_scoped_notes_test

import data.palisade.rbac.csr_approve
import data.palisade.rbac.escalate_bind
import data.palisade.rbac.nodes_proxy
import data.palisade.rbac.persistent_volumes
import data.palisade.rbac.pod_exec
import data.palisade.rbac.secrets_read

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r", "namespace": "apps"}, "rules": rules}}}

# The one info note of `notes`, at `path`, saying `text`.
one_note(notes, path, text) if {
	count(notes) == 1
	some f in notes
	f.severity == "info"
	f.path == path
	f.msg == text
}

test_cluster_scoped_resources_in_a_role_are_noted_alike if {
	one_note(persistent_volumes.warn, "/rules/0", "rule 0 grants persistentvolumes in a Role; these are cluster-scoped, so this grants nothing") with input as role("Role", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["create"]}])
	one_note(nodes_proxy.warn, "/rules/1", "rule 1 grants nodes/proxy in a Role; these are cluster-scoped, so this grants nothing") with input as role("Role", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}, {"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}])
	one_note(csr_approve.warn, "/rules/0", "rule 0 grants certificatesigningrequests/approval, signers in a Role; these are cluster-scoped, so this grants nothing") with input as role("Role", [{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/approval", "signers"], "verbs": ["update", "approve"]}])
}

test_a_role_naming_them_has_no_finding_but_the_note if {
	count(persistent_volumes.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["create", "delete"]}])
	count(csr_approve.deny) == 0 with input as role("Role", [{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/approval", "signers"], "verbs": ["update", "approve"]}])
	count(nodes_proxy.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}])
}

test_narrowed_or_not_a_role_grants_nothing_there if {
	one_note(persistent_volumes.warn, "/rules/0", "rule 0 grants persistentvolumes in a Role; these are cluster-scoped, so this grants nothing") with input as role("Role", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["update"], "resourceNames": ["pv-1"]}])
}

test_a_cluster_role_naming_them_is_not_noted if {
	count(persistent_volumes.warn) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["create"]}])
	count(nodes_proxy.warn) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}])
	count(csr_approve.warn) == 0 with input as role("ClusterRole", [{"apiGroups": ["certificates.k8s.io"], "resources": ["signers"], "verbs": ["approve"]}])
}

test_a_wildcard_in_a_role_is_not_noted if {
	count(persistent_volumes.warn) == 0 with input as role("Role", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
}

test_wrong_case_verbs_are_noted if {
	one_note(persistent_volumes.warn, "/rules/0", "rule 0 lists Patch: verbs are case-sensitive, so these grant nothing") with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["get", "Patch"]}])
	count(persistent_volumes.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["get", "Patch"]}])
	one_note(nodes_proxy.warn, "/rules/0", "rule 0 lists Get: verbs are case-sensitive, so these grant nothing") with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["Get"]}])
	one_note(csr_approve.warn, "/rules/0", "rule 0 lists Approve: verbs are case-sensitive, so these grant nothing") with input as role("ClusterRole", [{"apiGroups": ["certificates.k8s.io"], "resources": ["signers"], "verbs": ["Approve"]}])
	one_note(escalate_bind.warn, "/rules/0", "rule 0 lists Bind: verbs are case-sensitive, so these grant nothing") with input as role("Role", [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["Bind"]}])
	one_note(secrets_read.warn, "/rules/0", "rule 0 lists GET, List: verbs are case-sensitive, so these grant nothing") with input as role("Role", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["GET", "List"]}])
	one_note(pod_exec.warn, "/rules/0", "rule 0 lists Create: verbs are case-sensitive, so these grant nothing") with input as role("Role", [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["Create"]}])
}
