# Tests for PSS-PROC-MOUNT.
package palisade.pss.proc_mount_test

import data.palisade.pss.proc_mount

at(spec, level, version) := {"review": {"object": {"kind": "Pod", "spec": spec}}, "parameters": {"pss_level": level, "pss_version": version}}

unmasked := {"containers": [{"name": "a", "securityContext": {"procMount": "Unmasked"}}]}

user_ns := object.union(unmasked, {"hostUsers": false})

test_unmasked_denied if {
	v := proc_mount.deny with input as at(unmasked, "baseline", 37)
	{f.path | some f in v} == {"/spec/containers/0/securityContext/procMount"}
	some f in v
	contains(f.msg, "procMount")
}

test_default_allowed if {
	spec := {"containers": [{"name": "a", "securityContext": {"procMount": "Default"}}]}
	count(proc_mount.deny) == 0 with input as at(spec, "restricted", 37)
}

test_user_namespace_relaxes_baseline_from_1_35 if {
	count(proc_mount.deny) == 1 with input as at(user_ns, "baseline", 34)
	count(proc_mount.deny) == 0 with input as at(user_ns, "baseline", 35)
	count(proc_mount.deny) == 1 with input as at(object.union(unmasked, {"hostUsers": true}), "baseline", 35)
}

test_restricted_level_never_relaxes if {
	count(proc_mount.deny) == 1 with input as at(user_ns, "restricted", 35)
	count(proc_mount.deny) == 1 with input as at(user_ns, "restricted", 37)
}

test_ephemeral_container_checked if {
	spec := {"containers": [{"name": "a"}], "ephemeralContainers": [{"name": "e", "securityContext": {"procMount": "Unmasked"}}]}
	v := proc_mount.deny with input as at(spec, "baseline", 37)
	{f.path | some f in v} == {"/spec/ephemeralContainers/0/securityContext/procMount"}
}
