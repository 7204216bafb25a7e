# Tests for PSS-SYSCTLS.
package palisade.pss.sysctls_test

import data.palisade.pss.sysctls

at(names, version) := {
	"review": {"object": {"kind": "Pod", "spec": {"containers": [{"name": "a"}], "securityContext": {"sysctls": [{"name": n, "value": "1"} | some n in names]}}}},
	"parameters": {"pss_level": "baseline", "pss_version": version},
}

test_unsafe_sysctl_denied if {
	v := sysctls.deny with input as at(["kernel.shm_rmid_forced", "kernel.msgmax"], 37)
	{f.path | some f in v} == {"/spec/securityContext/sysctls/1/name"}
	some f in v
	contains(f.msg, "forbidden sysctl")
}

test_safe_sysctls_allowed if {
	count(sysctls.deny) == 0 with input as at(["net.ipv4.ip_local_port_range", "net.ipv4.ping_group_range"], 0)
}

test_allowed_list_grows_with_version if {
	count(sysctls.deny) == 1 with input as at(["net.ipv4.ip_local_reserved_ports"], 26)
	count(sysctls.deny) == 0 with input as at(["net.ipv4.ip_local_reserved_ports"], 27)
	count(sysctls.deny) == 1 with input as at(["net.ipv4.tcp_keepalive_time"], 28)
	count(sysctls.deny) == 0 with input as at(["net.ipv4.tcp_keepalive_time"], 29)
	count(sysctls.deny) == 1 with input as at(["net.ipv4.tcp_rmem"], 31)
	count(sysctls.deny) == 0 with input as at(["net.ipv4.tcp_rmem"], 32)
	count(sysctls.deny) == 1 with input as at(["net.ipv4.tcp_notsent_lowat"], 36)
	count(sysctls.deny) == 0 with input as at(["net.ipv4.tcp_notsent_lowat"], 37)
}

test_missing_version_means_latest if {
	review := {"review": {"object": {"kind": "Pod", "spec": {"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_slow_start_after_idle"}]}}}}}
	count(sysctls.deny) == 0 with input as review
}
