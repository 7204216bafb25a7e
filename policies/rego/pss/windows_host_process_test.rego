# Tests for PSS-WINDOWS-HOST-PROCESS.
package palisade.pss.windows_host_process_test

import data.palisade.pss.windows_host_process

pod(spec) := {"review": {"object": {"kind": "Pod", "spec": spec}}}

test_host_process_denied if {
	spec := {
		"os": {"name": "windows"},
		"hostNetwork": true,
		"securityContext": {"windowsOptions": {"hostProcess": true}},
		"containers": [{"name": "a", "securityContext": {"windowsOptions": {"hostProcess": true}}}],
	}
	v := windows_host_process.deny with input as pod(spec)
	{f.path | some f in v} == {"/spec/securityContext/windowsOptions/hostProcess", "/spec/containers/0/securityContext/windowsOptions/hostProcess"}
	every f in v {
		contains(f.msg, "hostProcess")
	}
}

test_false_or_unset_allowed if {
	spec := {"securityContext": {"windowsOptions": {"hostProcess": false, "runAsUserName": "u"}}, "containers": [{"name": "a"}]}
	count(windows_host_process.deny) == 0 with input as pod(spec)
}

test_replicaset_init_container_denied if {
	rs := {"kind": "ReplicaSet", "spec": {"template": {"spec": {
		"containers": [{"name": "a"}],
		"initContainers": [{"name": "i", "securityContext": {"windowsOptions": {"hostProcess": true}}}],
	}}}}
	v := windows_host_process.deny with input as {"review": {"object": rs}}
	{f.path | some f in v} == {"/spec/template/spec/initContainers/0/securityContext/windowsOptions/hostProcess"}
}
