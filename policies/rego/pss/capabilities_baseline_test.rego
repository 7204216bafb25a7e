# Tests for PSS-CAPABILITIES-BASELINE.
package palisade.pss.capabilities_baseline_test

import data.palisade.pss.capabilities_baseline

at(spec, level, version) := {
	"review": {"object": {"kind": "Pod", "spec": spec}},
	"parameters": {"pss_level": level, "pss_version": version},
}

adding(caps) := {"containers": [{"name": "a", "securityContext": {"capabilities": {"add": caps}}}]}

test_non_default_capability_denied if {
	v := capabilities_baseline.deny with input as at(adding(["CHOWN", "SYS_ADMIN"]), "baseline", 37)
	{f.path | some f in v} == {"/spec/containers/0/securityContext/capabilities/add/1"}
	some f in v
	contains(f.msg, "capabilities")
	contains(f.msg, "SYS_ADMIN")
}

test_default_set_allowed if {
	v := capabilities_baseline.deny with input as at(adding(["CHOWN", "NET_BIND_SERVICE", "KILL"]), "baseline", 37)
	count(v) == 0
}

test_cap_prefix_is_not_the_default_name if {
	v := capabilities_baseline.deny with input as at(adding(["CAP_CHOWN"]), "baseline", 0)
	count(v) == 1
}

test_init_container_checked if {
	spec := {"containers": [{"name": "a"}], "initContainers": [{"name": "i", "securityContext": {"capabilities": {"add": ["NET_RAW"]}}}]}
	v := capabilities_baseline.deny with input as at(spec, "baseline", 37)
	{f.path | some f in v} == {"/spec/initContainers/0/securityContext/capabilities/add/0"}
}

# At the restricted level the restricted check takes over, and it skips Windows pods from v1.25.
test_windows_pod_at_restricted_level_not_checked if {
	spec := object.union(adding(["SYS_ADMIN"]), {"os": {"name": "windows"}})
	count(capabilities_baseline.deny) == 0 with input as at(spec, "restricted", 25)
	count(capabilities_baseline.deny) == 1 with input as at(spec, "restricted", 24)
	count(capabilities_baseline.deny) == 1 with input as at(spec, "baseline", 37)
}
