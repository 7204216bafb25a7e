# Tests that findings about rules already narrowed by resourceNames carry a remediation of their
# own (not the rule's "narrow it with resourceNames"), and that the others carry none.
package palisade.rbac.narrowed_remediation_test

import data.palisade.lib.rbac
import data.palisade.rbac.impersonate
import data.palisade.rbac.nodes_write
import data.palisade.rbac.secrets_read
import data.palisade.rbac.secrets_write
import data.palisade.rbac.workload_modify

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r", "namespace": "apps"}, "rules": rules}}}

test_narrowed_findings_say_to_check_the_names if {
	narrowed := {"apiGroups": [""], "resources": ["secrets"], "verbs": ["update"], "resourceNames": ["tls"]}
	some f in secrets_write.deny with input as role("Role", [narrowed])
	f.severity == "low"
	f.remediation == rbac.narrowed_remediation
	some g in workload_modify.deny with input as role("ClusterRole", [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["patch"], "resourceNames": ["web"]}])
	g.remediation == rbac.narrowed_remediation
	some h in secrets_read.warn with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["ca"]}])
	h.remediation == rbac.narrowed_remediation
}

test_open_findings_keep_the_rule_remediation if {
	some f in secrets_write.deny with input as role("Role", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["update"]}])
	not f.remediation
	some g in nodes_write.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["patch"]}])
	not g.remediation
}

test_unnarrowable_verbs_say_to_move_them if {
	some f in nodes_write.warn with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["deletecollection"], "resourceNames": ["n1"]}])
	f.severity == "info"
	f.remediation == rbac.unnamed_remediation
}

test_a_name_that_holds_cluster_admin_is_to_be_removed if {
	v := impersonate.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["groups"], "verbs": ["impersonate"], "resourceNames": ["system:masters"]}])
	some f in v
	f.severity == "critical"
	f.remediation == rbac.admin_name_remediation
}
