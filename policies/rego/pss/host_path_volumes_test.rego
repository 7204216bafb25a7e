# Tests for PSS-HOST-PATH-VOLUMES.
package palisade.pss.host_path_volumes_test

import data.palisade.pss.host_path_volumes

pod(volumes) := {"review": {"object": {"kind": "Pod", "spec": {"containers": [{"name": "a"}], "volumes": volumes}}}}

test_host_path_denied if {
	v := host_path_volumes.deny with input as pod([{"name": "data", "emptyDir": {}}, {"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}])
	{f.path | some f in v} == {"/spec/volumes/1/hostPath"}
	some f in v
	contains(f.msg, "hostPath")
}

test_other_volumes_allowed if {
	v := host_path_volumes.deny with input as pod([{"name": "data", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "c"}}])
	count(v) == 0
}

test_statefulset_denied if {
	sts := {"kind": "StatefulSet", "spec": {"template": {"spec": {"containers": [{"name": "a"}], "volumes": [{"name": "h", "hostPath": {"path": "/"}}]}}}}
	v := host_path_volumes.deny with input as {"review": {"object": sts}}
	{f.path | some f in v} == {"/spec/template/spec/volumes/0/hostPath"}
}
