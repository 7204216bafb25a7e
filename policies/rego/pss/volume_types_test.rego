# Tests for PSS-VOLUME-TYPES.
package palisade.pss.volume_types_test

import data.palisade.pss.volume_types

pod(volumes) := {"review": {"object": {"kind": "Pod", "spec": {"containers": [{"name": "a"}], "volumes": volumes}}}}

test_restricted_types_denied if {
	volumes := [
		{"name": "ok", "emptyDir": {}},
		{"name": "h", "hostPath": {"path": "/"}},
		{"name": "n", "nfs": {"server": "s", "path": "/"}},
		{"name": "x", "somethingNew": {}},
	]
	v := volume_types.deny with input as pod(volumes)
	{f.path | some f in v} == {"/spec/volumes/1/hostPath", "/spec/volumes/2/nfs", "/spec/volumes/3"}
	every f in v {
		contains(f.msg, "restricted volume types")
	}
}

test_allowed_types if {
	volumes := [
		{"name": "a", "configMap": {"name": "c"}},
		{"name": "b", "csi": {"driver": "d"}},
		{"name": "c", "downwardAPI": {}},
		{"name": "d", "emptyDir": {}},
		{"name": "e", "ephemeral": {}},
		{"name": "f", "image": {"reference": "r"}},
		{"name": "g", "persistentVolumeClaim": {"claimName": "c"}},
		{"name": "h", "projected": {"sources": []}},
		{"name": "i", "secret": {"secretName": "s"}},
		{"name": "defaulted-to-emptydir"},
	]
	count(volume_types.deny) == 0 with input as pod(volumes)
}

test_cronjob_denied if {
	cronjob := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"containers": [{"name": "a"}],
		"volumes": [{"name": "repo", "gitRepo": {"repository": "r"}}],
	}}}}}}
	v := volume_types.deny with input as {"review": {"object": cronjob}}
	{f.path | some f in v} == {"/spec/jobTemplate/spec/template/spec/volumes/0/gitRepo"}
}

# A volume is judged on the fields it sets: an allowed type admits it whatever else it sets (as
# PSA's switch does), several restricted types are named by the first in PSA's order, and a
# null field sets nothing.
test_volumes_setting_several_types if {
	volumes := [
		{"name": "both", "configMap": {"name": "c"}, "hostPath": {"path": "/"}},
		{"name": "two", "nfs": {"server": "s", "path": "/"}, "hostPath": {"path": "/"}},
		{"name": "null", "hostPath": null},
		{"name": "null-and-nfs", "hostPath": null, "nfs": {"server": "s", "path": "/"}},
	]
	v := volume_types.deny with input as pod(volumes)
	{f.path | some f in v} == {"/spec/volumes/1/hostPath", "/spec/volumes/3/nfs"}
}
