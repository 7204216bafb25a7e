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
