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

pod_default := {"op": "add", "path": "/spec/securityContext", "value": {"seccompProfile": {"type": "RuntimeDefault"}}}

test_patch_sets_the_pod_profile_once if {
	spec := {"containers": [{"name": "a"}, {"name": "b"}], "initContainers": [{"name": "i"}]}
	seccomp_restricted.patch == {pod_default} with input as at(spec, 37)
	seccomp_restricted.patch == {pod_default} with input as at({"securityContext": null, "containers": [{"name": "a"}]}, 37)
	seccomp_restricted.patch == {{
		"op": "add",
		"path": "/spec/securityContext/seccompProfile",
		"value": {"type": "RuntimeDefault"},
	}} with input as at({"securityContext": {"runAsUser": 1}, "containers": [{"name": "a"}]}, 37)
}

test_patch_pod_profile_covers_containers if {
	spec := {"securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}, "containers": [{"name": "a"}]}
	count(seccomp_restricted.patch) == 0 with input as at(spec, 37)
	every_container_set := {"containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}]}
	count(seccomp_restricted.patch) == 0 with input as at(every_container_set, 37)
}

test_patch_never_overwrites_unconfined if {
	pod := {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [{"name": "a"}]}
	count(seccomp_restricted.patch) == 0 with input as at(pod, 37)

	# The pod default covers "b"; "a" keeps its own Unconfined profile, which validation judges.
	container := {"containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}, {"name": "b"}]}
	seccomp_restricted.patch == {pod_default} with input as at(container, 37)
}

test_patch_not_for_windows_or_annotated_pods if {
	count(seccomp_restricted.patch) == 0 with input as at({"os": {"name": "windows"}, "containers": [{"name": "a"}]}, 37)
	annotated := {"kind": "Pod", "metadata": {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}}, "spec": {"containers": [{"name": "a"}]}}
	count(seccomp_restricted.patch) == 0 with input as {"review": {"object": annotated}}
}
