# Tests for PSS-HOST-PROBES-AND-LIFECYCLE.
package palisade.pss.host_probes_and_lifecycle_test

import data.palisade.pss.host_probes_and_lifecycle

pod(container) := {"review": {"object": {"kind": "Pod", "spec": {"containers": [container]}}}}

test_probe_hosts_denied if {
	c := {
		"name": "a",
		"livenessProbe": {"httpGet": {"host": "10.0.0.1", "port": 80}},
		"readinessProbe": {"tcpSocket": {"host": "metadata", "port": 80}},
		"startupProbe": {"httpGet": {"port": 80}},
	}
	v := host_probes_and_lifecycle.deny with input as pod(c)
	{f.path | some f in v} == {"/spec/containers/0/livenessProbe/httpGet/host", "/spec/containers/0/readinessProbe/tcpSocket/host"}
	every f in v {
		contains(f.msg, "probe or lifecycle host")
	}
}

test_lifecycle_hosts_denied if {
	c := {"name": "a", "lifecycle": {"postStart": {"httpGet": {"host": "x", "port": 1}}, "preStop": {"tcpSocket": {"host": "y", "port": 1}}}}
	v := host_probes_and_lifecycle.deny with input as pod(c)
	{f.path | some f in v} == {"/spec/containers/0/lifecycle/postStart/httpGet/host", "/spec/containers/0/lifecycle/preStop/tcpSocket/host"}
}

test_empty_or_unset_host_allowed if {
	c := {"name": "a", "livenessProbe": {"httpGet": {"host": "", "port": 80}}, "lifecycle": {"preStop": {"exec": {"command": ["true"]}}}}
	v := host_probes_and_lifecycle.deny with input as pod(c)
	count(v) == 0
}

test_job_init_container_checked if {
	job := {"kind": "Job", "spec": {"template": {"spec": {
		"containers": [{"name": "a"}],
		"initContainers": [{"name": "i", "startupProbe": {"tcpSocket": {"host": "h", "port": 1}}}],
	}}}}
	v := host_probes_and_lifecycle.deny with input as {"review": {"object": job}}
	{f.path | some f in v} == {"/spec/template/spec/initContainers/0/startupProbe/tcpSocket/host"}
}

# Null or ill-typed probes and lifecycles hold no handler.
test_null_handlers_are_ignored if {
	c := {"name": "a", "livenessProbe": null, "readinessProbe": "x", "lifecycle": null}
	count(host_probes_and_lifecycle.deny) == 0 with input as pod(c)
	d := {"name": "a", "lifecycle": "x", "startupProbe": {"httpGet": null, "tcpSocket": {"host": "h"}}}
	v := host_probes_and_lifecycle.deny with input as pod(d)
	{f.path | some f in v} == {"/spec/containers/0/startupProbe/tcpSocket/host"}
}
