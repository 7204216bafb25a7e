# Tests for RBAC-WEBHOOK-CONFIG (webhook_config.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.webhook_config_test

import data.palisade.rbac.webhook_config

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

admission := "admissionregistration.k8s.io"

hooks := ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]

test_write_webhooks_is_high if {
	v := webhook_config.deny with input as role("ClusterRole", [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": [admission], "resources": hooks, "verbs": ["get", "create", "update", "patch"]},
	])
	count(v) == 1
	some f in v
	f.path == "/rules/1/verbs/1"
	not f.severity
}

test_delete_counts_as_write if {
	count(webhook_config.deny) == 1 with input as role("ClusterRole", [{"apiGroups": [admission], "resources": ["validatingwebhookconfigurations"], "verbs": ["delete"]}])
}

test_wildcards_reach_webhooks if {
	count(webhook_config.deny) == 1 with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(webhook_config.deny) == 1 with input as role("ClusterRole", [{"apiGroups": [admission], "resources": ["*"], "verbs": ["patch"]}])
}

test_read_only_is_fine if {
	count(webhook_config.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [admission], "resources": hooks, "verbs": ["get", "list", "watch"]}])
}

test_narrowed_patch_is_low if {
	v := webhook_config.deny with input as role("ClusterRole", [{"apiGroups": [admission], "resources": hooks, "verbs": ["get", "patch"], "resourceNames": ["palisade"]}])
	{f.severity | some f in v} == {"low"}
}

test_narrowed_create_is_ineffective if {
	input_ := role("ClusterRole", [{"apiGroups": [admission], "resources": hooks, "verbs": ["create"], "resourceNames": ["palisade"]}])
	count(webhook_config.deny) == 0 with input as input_
	w := webhook_config.warn with input as input_
	{f.severity | some f in w} == {"info"}
}

policies := ["validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"]

test_write_admission_policies_is_high if {
	every res in policies {
		v := webhook_config.deny with input as role("ClusterRole", [{"apiGroups": [admission], "resources": [res], "verbs": ["get", "delete"]}])
		count(v) == 1
		some f in v
		not f.severity
		f.path == "/rules/0/verbs/1"
		contains(f.msg, res)
	}
}

test_admission_policy_status_and_reads_are_fine if {
	count(webhook_config.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [admission], "resources": policies, "verbs": ["get", "list", "watch"]}])
	count(webhook_config.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [admission], "resources": ["*/status", "validatingadmissionpolicies/status"], "verbs": ["update", "patch"]}])
	count(webhook_config.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": policies, "verbs": ["patch"]}])
}

test_narrowed_admission_policy_patch_is_low if {
	input_ := role("ClusterRole", [{"apiGroups": [admission], "resources": ["validatingadmissionpolicies"], "verbs": ["patch", "create"], "resourceNames": ["require-labels"]}])
	v := webhook_config.deny with input as input_
	{f.severity | some f in v} == {"low"}
	w := webhook_config.warn with input as input_
	{f.severity | some f in w} == {"info"}
}

test_wrong_case_verbs_grant_nothing if {
	input_ := role("ClusterRole", [{"apiGroups": [admission], "resources": ["mutatingadmissionpolicies"], "verbs": ["Create", "Patch"]}])
	count(webhook_config.deny) == 0 with input as input_
	w := webhook_config.warn with input as input_
	count(w) == 1
}

test_role_grants_nothing_on_admission_configuration if {
	input_ := role("Role", [{"apiGroups": [admission], "resources": ["mutatingwebhookconfigurations", "validatingadmissionpolicies"], "verbs": ["*"]}])
	count(webhook_config.deny) == 0 with input as input_
	w := webhook_config.warn with input as input_
	count(w) == 1
	some f in w
	f.severity == "info"
}
