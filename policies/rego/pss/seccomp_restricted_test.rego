# Tests for PSS-SECCOMP-RESTRICTED.
package palisade.pss.seccomp_restricted_test

import data.palisade.pss.seccomp_restricted

at(spec, version) := {"review": {"object": {"kind": "Pod", "spec": spec}}, "parameters": {"pss_level": "restricted", "pss_version": version}}

test_pod_profile_covers_containers if {
	spec := {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "a"}], "initContainers": [{"name": "i"}]}
	count(seccomp_restricted.deny) == 0 with input as at(spec, 37)
}

test_every_container_localhost_allowed if {
	spec := {"containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}}]}
	count(seccomp_restricted.deny) == 0 with input as at(spec, 37)
}

test_unset_denied if {
	spec := {"containers": [{"name": "a"}, {"name": "b", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}]}
	v := seccomp_restricted.deny with input as at(spec, 37)
	{f.path | some f in v} == {"/spec/containers/0"}
	some f in v
	contains(f.msg, "seccompProfile")
}

test_unconfined_denied if {
	spec := {
		"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
		"containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}],
	}
	v := seccomp_restricted.deny with input as at(spec, 37)
	{f.path | some f in v} == {"/spec/containers/0/securityContext/seccompProfile/type"}
}

test_bad_pod_profile_reported_once if {
	spec := {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [{"name": "a"}]}
	v := seccomp_restricted.deny with input as at(spec, 37)
	{f.path | some f in v} == {"/spec/securityContext/seccompProfile/type"}
}

test_windows_exempt_from_1_25 if {
	spec := {"os": {"name": "windows"}, "containers": [{"name": "a"}]}
	count(seccomp_restricted.deny) == 1 with input as at(spec, 24)
	count(seccomp_restricted.deny) == 0 with input as at(spec, 25)
}
