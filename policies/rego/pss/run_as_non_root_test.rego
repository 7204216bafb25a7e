# Tests for PSS-RUN-AS-NON-ROOT.
package palisade.pss.run_as_non_root_test

import data.palisade.pss.run_as_non_root

at(spec, version) := {"review": {"object": {"kind": "Pod", "spec": spec}}, "parameters": {"pss_level": "restricted", "pss_version": version}}

test_pod_level_true_covers_containers if {
	spec := {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "a"}], "initContainers": [{"name": "i"}]}
	count(run_as_non_root.deny) == 0 with input as at(spec, 37)
}

test_every_container_true_allowed if {
	spec := {"containers": [{"name": "a", "securityContext": {"runAsNonRoot": true}}]}
	count(run_as_non_root.deny) == 0 with input as at(spec, 37)
}

test_unset_denied_at_container if {
	spec := {"containers": [{"name": "a", "securityContext": {"runAsNonRoot": true}}], "initContainers": [{"name": "i", "securityContext": {}}]}
	v := run_as_non_root.deny with input as at(spec, 37)
	{f.path | some f in v} == {"/spec/initContainers/0/securityContext"}
	some f in v
	contains(f.msg, "runAsNonRoot")
}

test_explicit_false_denied if {
	spec := {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "a", "securityContext": {"runAsNonRoot": false}}]}
	v := run_as_non_root.deny with input as at(spec, 37)
	{f.path | some f in v} == {"/spec/containers/0/securityContext/runAsNonRoot"}
}

test_pod_false_denied if {
	spec := {"securityContext": {"runAsNonRoot": false}, "containers": [{"name": "a"}]}
	v := run_as_non_root.deny with input as at(spec, 37)
	{f.path | some f in v} == {"/spec/securityContext/runAsNonRoot"}
}

test_user_namespace_exempt_from_1_35 if {
	spec := {"hostUsers": false, "containers": [{"name": "a"}]}
	count(run_as_non_root.deny) == 1 with input as at(spec, 34)
	count(run_as_non_root.deny) == 0 with input as at(spec, 35)
}

test_windows_pods_still_checked if {
	spec := {"os": {"name": "windows"}, "containers": [{"name": "a"}]}
	count(run_as_non_root.deny) == 1 with input as at(spec, 37)
}
