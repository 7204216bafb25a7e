# Tests for PSS-SELINUX.
package palisade.pss.selinux_test

import data.palisade.pss.selinux

at(spec, version) := {"review": {"object": {"kind": "Pod", "spec": spec}}, "parameters": {"pss_level": "baseline", "pss_version": version}}

test_user_role_and_type_denied if {
	spec := {
		"securityContext": {"seLinuxOptions": {"user": "system_u", "role": "system_r"}},
		"containers": [{"name": "a", "securityContext": {"seLinuxOptions": {"type": "spc_t", "level": "s0"}}}],
	}
	v := selinux.deny with input as at(spec, 37)
	{f.path | some f in v} == {
		"/spec/securityContext/seLinuxOptions/user",
		"/spec/securityContext/seLinuxOptions/role",
		"/spec/containers/0/securityContext/seLinuxOptions/type",
	}
	every f in v {
		contains(f.msg, "seLinuxOptions")
	}
}

test_allowed_types_and_level if {
	spec := {
		"securityContext": {"seLinuxOptions": {"level": "s0:c1,c2", "type": ""}},
		"containers": [{"name": "a", "securityContext": {"seLinuxOptions": {"type": "container_init_t"}}}],
	}
	v := selinux.deny with input as at(spec, 37)
	count(v) == 0
}

test_container_engine_t_allowed_from_1_31 if {
	spec := {"containers": [{"name": "a"}], "initContainers": [{"name": "i", "securityContext": {"seLinuxOptions": {"type": "container_engine_t"}}}]}
	count(selinux.deny) == 1 with input as at(spec, 30)
	count(selinux.deny) == 0 with input as at(spec, 31)
}
