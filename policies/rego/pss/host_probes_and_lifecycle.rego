# PSS-HOST-PROBES-AND-LIFECYCLE (baseline, from v1.34): probes and lifecycle handlers must not set
# a host. Checks httpGet.host and tcpSocket.host of liveness, readiness and startup probes and of
# postStart and preStop handlers of every container.
package palisade.pss.host_probes_and_lifecycle

metadata := {
	"id": "PSS-HOST-PROBES-AND-LIFECYCLE",
	"title": "Host in probes and lifecycle handlers",
	"severity": "medium",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Remove host from httpGet and tcpSocket of probes and lifecycle handlers; they then target the pod's own IP.",
	"pss_level": "baseline",
	"since": 34,
}

# [field path inside the container, as segments] of every handler that may carry a host.
handlers := [
	["livenessProbe"],
	["readinessProbe"],
	["startupProbe"],
	["lifecycle", "postStart"],
	["lifecycle", "preStop"],
]

deny contains v if {
	some c in data.palisade.lib.pods.containers
	some handler in handlers
	h := object.get(c.container, handler, null)
	is_object(h)
	some action in ["httpGet", "tcpSocket"]
	host := object.get(h, [action, "host"], "")
	is_string(host)
	host != ""
	where := concat("/", handler)
	v := {
		"msg": sprintf("probe or lifecycle host (%s uses forbidden host %q in %s.%s)", [c.who, host, concat(".", handler), action]),
		"path": sprintf("%s/%s/%s/host", [c.path, where, action]),
	}
}
