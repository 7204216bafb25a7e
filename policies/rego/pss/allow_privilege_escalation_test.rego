# Tests for PSS-ALLOW-PRIVILEGE-ESCALATION.
package palisade.pss.allow_privilege_escalation_test

import data.palisade.pss.allow_privilege_escalation

at(spec, version) := {"review": {"object": {"kind": "Pod", "spec": spec}}, "parameters": {"pss_level": "restricted", "pss_version": version}}

test_unset_or_true_denied_with_nearest_path if {
	spec := {
		"containers": [{"name": "a"}, {"name": "b", "securityContext": {}}, {"name": "c", "securityContext": {"allowPrivilegeEscalation": true}}],
		"initContainers": [{"name": "i", "securityContext": {"allowPrivilegeEscalation": false}}],
	}
	v := allow_privilege_escalation.deny with input as at(spec, 37)
	{f.path | some f in v} == {"/spec/containers/0", "/spec/containers/1/securityContext", "/spec/containers/2/securityContext/allowPrivilegeEscalation"}
	every f in v {
		contains(f.msg, "allowPrivilegeEscalation")
	}
}

test_false_allowed if {
	spec := {"containers": [{"name": "a", "securityContext": {"allowPrivilegeEscalation": false}}]}
	count(allow_privilege_escalation.deny) == 0 with input as at(spec, 37)
}

test_windows_exempt_from_1_25 if {
	spec := {"os": {"name": "windows"}, "containers": [{"name": "a"}]}
	count(allow_privilege_escalation.deny) == 1 with input as at(spec, 24)
	count(allow_privilege_escalation.deny) == 0 with input as at(spec, 25)
	count(allow_privilege_escalation.deny) == 1 with input as at({"os": {"name": "linux"}, "containers": [{"name": "a"}]}, 25)
}

test_deployment_ephemeral_container if {
	deployment := {"kind": "Deployment", "spec": {"template": {"spec": {
		"containers": [{"name": "a", "securityContext": {"allowPrivilegeEscalation": false}}],
		"ephemeralContainers": [{"name": "debug"}],
	}}}}
	v := allow_privilege_escalation.deny with input as {"review": {"object": deployment}}
	{f.path | some f in v} == {"/spec/template/spec/ephemeralContainers/0"}
}

test_patch_adds_false_where_unset if {
	spec := {
		"containers": [{"name": "a"}, {"name": "b", "securityContext": {}}, {"name": "c", "securityContext": null}],
		"initContainers": [{"name": "i", "securityContext": {"runAsUser": 1}}],
		"ephemeralContainers": [{"name": "e"}],
	}
	allow_privilege_escalation.patch == {
		{"op": "add", "path": "/spec/containers/0/securityContext", "value": {"allowPrivilegeEscalation": false}},
		{"op": "add", "path": "/spec/containers/1/securityContext/allowPrivilegeEscalation", "value": false},
		{"op": "add", "path": "/spec/containers/2/securityContext", "value": {"allowPrivilegeEscalation": false}},
		{"op": "add", "path": "/spec/initContainers/0/securityContext/allowPrivilegeEscalation", "value": false},
		{"op": "add", "path": "/spec/ephemeralContainers/0/securityContext", "value": {"allowPrivilegeEscalation": false}},
	} with input as at(spec, 37)
}

test_patch_never_overwrites if {
	spec := {"containers": [
		{"name": "a", "securityContext": {"allowPrivilegeEscalation": true}},
		{"name": "b", "securityContext": {"allowPrivilegeEscalation": false}},
		{"name": "c", "securityContext": "not an object"},
	]}
	count(allow_privilege_escalation.patch) == 0 with input as at(spec, 37)
}

test_patch_not_where_the_api_server_refuses_it if {
	spec := {"containers": [
		{"name": "a", "securityContext": {"privileged": true}},
		{"name": "b", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}},
		{"name": "c", "securityContext": {"capabilities": {"add": ["CAP_SYS_ADMIN"]}}},
	]}
	count(allow_privilege_escalation.patch) == 0 with input as at(spec, 37)
	count(allow_privilege_escalation.patch) == 0 with input as at({"os": {"name": "windows"}, "containers": [{"name": "a"}]}, 37)
}

test_patch_in_every_pod_template if {
	cronjob := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}}}
	allow_privilege_escalation.patch == {{
		"op": "add",
		"path": "/spec/jobTemplate/spec/template/spec/containers/0/securityContext",
		"value": {"allowPrivilegeEscalation": false},
	}} with input as {"review": {"object": cronjob}}
}
