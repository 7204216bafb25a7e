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
probes := ["livenessProbe", "readinessProbe", "startupProbe"]

hooks := ["postStart", "preStop"]

actions := ["httpGet", "tcpSocket"]

# A container's handlers are looked up by name (most containers have a probe or two and no hooks).
deny contains v if {
	some c in data.palisade.lib.pods.containers
	some probe in probes
	h := c.container[probe]
	is_object(h)
	some action in actions
	host := object.get(h, [action, "host"], "")
	is_string(host)
	host != ""
	v := {
		"msg": sprintf("probe or lifecycle host (%s uses forbidden host %q in %s.%s)", [c.who, host, probe, action]),
		"path": concat("/", [c.path, probe, action, "host"]),
	}
}

deny contains v if {
	some c in data.palisade.lib.pods.containers
	some hook in hooks
	h := c.container.lifecycle[hook]
	is_object(h)
	some action in actions
	host := object.get(h, [action, "host"], "")
	is_string(host)
	host != ""
	v := {
		"msg": sprintf("probe or lifecycle host (%s uses forbidden host %q in lifecycle.%s.%s)", [c.who, host, hook, action]),
		"path": concat("/", [c.path, "lifecycle", hook, action, "host"]),
	}
}
