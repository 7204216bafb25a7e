# Tests for PSS-CAPABILITIES-RESTRICTED.
package palisade.pss.capabilities_restricted_test

import data.palisade.pss.capabilities_restricted

at(spec, version) := {"review": {"object": {"kind": "Pod", "spec": spec}}, "parameters": {"pss_level": "restricted", "pss_version": version}}

caps(c) := {"name": "a", "securityContext": {"capabilities": c}}

test_drop_all_and_net_bind_service_allowed if {
	spec := {"containers": [caps({"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]})]}
	count(capabilities_restricted.deny) == 0 with input as at(spec, 37)
}

test_missing_drop_all_denied_at_nearest_field if {
	spec := {
		"containers": [{"name": "a"}, caps({"drop": ["NET_RAW"]}), caps({})],
		"initContainers": [{"name": "i", "securityContext": {}}],
	}
	v := capabilities_restricted.deny with input as at(spec, 37)
	{f.path | some f in v} == {
		"/spec/containers/0",
		"/spec/containers/1/securityContext/capabilities/drop",
		"/spec/containers/2/securityContext/capabilities",
		"/spec/initContainers/0/securityContext",
	}
	every f in v {
		contains(f.msg, "unrestricted capabilities")
	}
}

# Null or ill-typed capabilities and drop lists drop nothing; the finding points at the nearest
# field that is set.
test_null_and_ill_typed_capabilities if {
	spec := {"containers": [
		caps(null),
		caps("ALL"),
		caps({"drop": null}),
		caps({"drop": "ALL"}),
	]}
	v := capabilities_restricted.deny with input as at(spec, 37)
	{f.path | some f in v} == {
		"/spec/containers/0/securityContext",
		"/spec/containers/1/securityContext/capabilities",
		"/spec/containers/2/securityContext/capabilities",
		"/spec/containers/3/securityContext/capabilities/drop",
	}
}

test_adding_other_capabilities_denied if {
	spec := {"containers": [caps({"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "CHOWN"]})]}
	v := capabilities_restricted.deny with input as at(spec, 37)
	{f.path | some f in v} == {"/spec/containers/0/securityContext/capabilities/add/1"}
}

test_windows_exempt_from_1_25 if {
	spec := {"os": {"name": "windows"}, "containers": [{"name": "a"}]}
	count(capabilities_restricted.deny) == 1 with input as at(spec, 24)
	count(capabilities_restricted.deny) == 0 with input as at(spec, 25)
}

test_patch_adds_or_appends_all if {
	spec := {
		"containers": [{"name": "a"}, caps({"drop": ["NET_RAW"]}), caps({}), caps(null), caps({"drop": null, "add": ["CHOWN"]})],
		"initContainers": [{"name": "i", "securityContext": {}}],
		"ephemeralContainers": [{"name": "e", "securityContext": {"capabilities": {"drop": ["ALL"]}}}],
	}
	capabilities_restricted.patch == {
		{"op": "add", "path": "/spec/containers/0/securityContext", "value": {"capabilities": {"drop": ["ALL"]}}},
		{"op": "add", "path": "/spec/containers/1/securityContext/capabilities/drop/-", "value": "ALL"},
		{"op": "add", "path": "/spec/containers/2/securityContext/capabilities/drop", "value": ["ALL"]},
		{"op": "add", "path": "/spec/containers/3/securityContext/capabilities", "value": {"drop": ["ALL"]}},
		{"op": "add", "path": "/spec/containers/4/securityContext/capabilities/drop", "value": ["ALL"]},
		{"op": "add", "path": "/spec/initContainers/0/securityContext/capabilities", "value": {"drop": ["ALL"]}},
	} with input as at(spec, 37)
}

test_patch_never_overwrites if {
	spec := {"containers": [caps({"drop": "NET_RAW"}), caps("ALL"), {"name": "b", "securityContext": 7}]}
	count(capabilities_restricted.patch) == 0 with input as at(spec, 37)
	count(capabilities_restricted.patch) == 0 with input as at({"os": {"name": "windows"}, "containers": [{"name": "a"}]}, 37)
}
