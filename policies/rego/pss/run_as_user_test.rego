# Tests for PSS-RUN-AS-USER.
package palisade.pss.run_as_user_test

import data.palisade.pss.run_as_user

at(spec, version) := {"review": {"object": {"kind": "Pod", "spec": spec}}, "parameters": {"pss_level": "restricted", "pss_version": version}}

test_uid_zero_denied if {
	spec := {
		"securityContext": {"runAsUser": 0},
		"containers": [{"name": "a", "securityContext": {"runAsUser": 1000}}],
		"initContainers": [{"name": "i", "securityContext": {"runAsUser": 0}}],
	}
	v := run_as_user.deny with input as at(spec, 37)
	{f.path | some f in v} == {"/spec/securityContext/runAsUser", "/spec/initContainers/0/securityContext/runAsUser"}
	every f in v {
		contains(f.msg, "runAsUser")
	}
}

test_non_zero_or_unset_allowed if {
	spec := {"securityContext": {"runAsUser": 1000}, "containers": [{"name": "a"}]}
	count(run_as_user.deny) == 0 with input as at(spec, 37)
}

test_user_namespace_exempt_from_1_35 if {
	spec := {"hostUsers": false, "containers": [{"name": "a", "securityContext": {"runAsUser": 0}}]}
	count(run_as_user.deny) == 1 with input as at(spec, 34)
	count(run_as_user.deny) == 0 with input as at(spec, 35)
}
