# PSS-HOST-PORTS (baseline, all versions): host ports must be forbidden.
# Checks ports[*].hostPort of every container, init container and ephemeral container.
package palisade.pss.host_ports

metadata := {
	"id": "PSS-HOST-PORTS",
	"title": "Host ports",
	"severity": "medium",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Remove hostPort from container ports (or set it to 0); expose the pod through a Service.",
	"pss_level": "baseline",
	"since": 0,
}

deny contains v if {
	some c in data.palisade.lib.pods.containers
	some i, port in c.container.ports
	port.hostPort != null
	port.hostPort != 0
	v := {
		"msg": sprintf("hostPort (%s uses hostPort %v)", [c.who, port.hostPort]),
		"path": sprintf("%s/ports/%d/hostPort", [c.path, i]),
	}
}
