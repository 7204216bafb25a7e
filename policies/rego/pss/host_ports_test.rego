# Tests for PSS-HOST-PORTS.
package palisade.pss.host_ports_test

import data.palisade.pss.host_ports

pod(ports) := {"review": {"object": {"kind": "Pod", "spec": {"containers": [{"name": "a", "ports": ports}]}}}}

test_host_port_denied if {
	v := host_ports.deny with input as pod([{"containerPort": 80}, {"containerPort": 443, "hostPort": 8443}])
	{f.path | some f in v} == {"/spec/containers/0/ports/1/hostPort"}
	some f in v
	contains(f.msg, "hostPort")
	contains(f.msg, "8443")
}

test_zero_or_unset_allowed if {
	v := host_ports.deny with input as pod([{"containerPort": 80}, {"containerPort": 81, "hostPort": 0}])
	count(v) == 0
}

test_ephemeral_container_checked if {
	spec := {"containers": [{"name": "a"}], "ephemeralContainers": [{"name": "e", "ports": [{"containerPort": 1, "hostPort": 1}]}]}
	v := host_ports.deny with input as {"review": {"object": {"kind": "Pod", "spec": spec}}}
	{f.path | some f in v} == {"/spec/ephemeralContainers/0/ports/0/hostPort"}
}
