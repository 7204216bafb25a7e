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

test_patch_on_the_pod_when_its_user_covers_every_container if {
	spec := {"securityContext": {"runAsUser": 1000}, "containers": [{"name": "a"}, {"name": "b", "securityContext": {"runAsUser": 2000}}]}
	run_as_non_root.patch == {{"op": "add", "path": "/spec/securityContext/runAsNonRoot", "value": true}} with input as at(spec, 37)
}

test_patch_on_containers_with_a_non_zero_user if {
	# The pod sets no user: each container with its own non-zero user gets the default.
	spec := {"containers": [{"name": "a", "securityContext": {"runAsUser": 1000}}, {"name": "b"}, {"name": "c", "securityContext": {"runAsUser": 0}}]}
	run_as_non_root.patch == {{"op": "add", "path": "/spec/containers/0/securityContext/runAsNonRoot", "value": true}} with input as at(spec, 37)

	# A container running as root under a non-zero pod user: not on the pod, only on the others.
	mixed := {"securityContext": {"runAsUser": 1000}, "containers": [{"name": "a"}, {"name": "b", "securityContext": {"runAsUser": 0}}]}
	run_as_non_root.patch == {{"op": "add", "path": "/spec/containers/0/securityContext", "value": {"runAsNonRoot": true}}} with input as at(mixed, 37)
}

test_patch_never_without_a_user_or_over_a_value if {
	count(run_as_non_root.patch) == 0 with input as at({"containers": [{"name": "a"}]}, 37)
	count(run_as_non_root.patch) == 0 with input as at({"securityContext": {"runAsUser": 0}, "containers": [{"name": "a"}]}, 37)
	pod_false := {"securityContext": {"runAsUser": 1000, "runAsNonRoot": false}, "containers": [{"name": "a"}]}
	count(run_as_non_root.patch) == 0 with input as at(pod_false, 37)
	container_false := {"containers": [{"name": "a", "securityContext": {"runAsUser": 1000, "runAsNonRoot": false}}]}
	count(run_as_non_root.patch) == 0 with input as at(container_false, 37)
}
