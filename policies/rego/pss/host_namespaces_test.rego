# Tests for PSS-HOST-NAMESPACES.
package palisade.pss.host_namespaces_test

import data.palisade.pss.host_namespaces

pod(spec) := {"review": {"object": {"kind": "Pod", "spec": spec}}}

test_each_host_namespace_denied if {
	v := host_namespaces.deny with input as pod({"hostNetwork": true, "hostPID": true, "hostIPC": true, "containers": [{"name": "a"}]})
	{f.path | some f in v} == {"/spec/hostNetwork", "/spec/hostPID", "/spec/hostIPC"}
	every f in v {
		contains(f.msg, "host namespaces")
	}
}

test_false_or_unset_allowed if {
	v := host_namespaces.deny with input as pod({"hostNetwork": false, "hostIPC": false, "containers": [{"name": "a"}]})
	count(v) == 0
}

test_daemonset_host_pid_denied if {
	ds := {"kind": "DaemonSet", "spec": {"template": {"spec": {"hostPID": true, "containers": [{"name": "a"}]}}}}
	v := host_namespaces.deny with input as {"review": {"object": ds}}
	{f.path | some f in v} == {"/spec/template/spec/hostPID"}
}
