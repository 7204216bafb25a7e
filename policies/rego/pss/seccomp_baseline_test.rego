# Tests for PSS-SECCOMP-BASELINE.
package palisade.pss.seccomp_baseline_test

import data.palisade.pss.seccomp_baseline

at(annotations, spec, level, version) := {
	"review": {"object": {"kind": "Pod", "metadata": {"annotations": annotations}, "spec": spec}},
	"parameters": {"pss_level": level, "pss_version": version},
}

one := {"containers": [{"name": "app"}]}

unconfined_pod := {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [{"name": "app"}]}

test_annotations_before_1_19 if {
	annotations := {
		"seccomp.security.alpha.kubernetes.io/pod": "unconfined",
		"container.seccomp.security.alpha.kubernetes.io/app": "localhost/x",
		"container.seccomp.security.alpha.kubernetes.io/gone": "unconfined",
	}
	v := seccomp_baseline.deny with input as at(annotations, one, "baseline", 18)
	{f.path | some f in v} == {"/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod"}
	some f in v
	contains(f.msg, "seccompProfile")
}

test_allowed_annotations_before_1_19 if {
	annotations := {
		"seccomp.security.alpha.kubernetes.io/pod": "docker/default",
		"container.seccomp.security.alpha.kubernetes.io/app": "runtime/default",
	}
	count(seccomp_baseline.deny) == 0 with input as at(annotations, one, "baseline", 10)
}

test_annotations_ignored_from_1_19 if {
	annotations := {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}
	count(seccomp_baseline.deny) == 0 with input as at(annotations, one, "baseline", 19)
}

test_fields_from_1_19 if {
	count(seccomp_baseline.deny) == 0 with input as at({}, unconfined_pod, "baseline", 18)
	v := seccomp_baseline.deny with input as at({}, unconfined_pod, "baseline", 19)
	{f.path | some f in v} == {"/spec/securityContext/seccompProfile/type"}
}

test_container_field_and_unset_type if {
	spec := {"containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}], "initContainers": [{"name": "i", "securityContext": {"seccompProfile": {}}}]}
	v := seccomp_baseline.deny with input as at({}, spec, "baseline", 37)
	{f.path | some f in v} == {"/spec/initContainers/0/securityContext/seccompProfile"}
}

test_unset_profile_allowed_at_baseline if {
	count(seccomp_baseline.deny) == 0 with input as at({}, one, "baseline", 37)
}

test_windows_pod_at_restricted_level_not_checked if {
	spec := object.union(unconfined_pod, {"os": {"name": "windows"}})
	count(seccomp_baseline.deny) == 0 with input as at({}, spec, "restricted", 25)
	count(seccomp_baseline.deny) == 1 with input as at({}, spec, "baseline", 25)
}
