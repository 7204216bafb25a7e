# PSS-PRIVILEGED (baseline, all versions): privileged containers disable most security mechanisms
# and must be disallowed. Checks securityContext.privileged of every container, init container and
# ephemeral container.
package palisade.pss.privileged

metadata := {
	"id": "PSS-PRIVILEGED",
	"title": "Privileged containers",
	"severity": "critical",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Remove securityContext.privileged or set it to false.",
	"pss_level": "baseline",
	"since": 0,
}

deny contains v if {
	some c in data.palisade.lib.pods.containers
	c.container.securityContext.privileged == true
	v := {
		"msg": sprintf("privileged (%s must not set securityContext.privileged=true)", [c.who]),
		"path": sprintf("%s/securityContext/privileged", [c.path]),
	}
}
