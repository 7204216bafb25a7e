# Privileged containers disable most security mechanisms and must be disallowed.
package palisade.pss.privileged

import data.palisade.lib.pods

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
	some c in pods.containers
	c.container.securityContext.privileged == true
	v := {
		"msg": sprintf("%s %q is privileged (securityContext.privileged=true)", [c.field, c.container.name]),
		"path": sprintf("%s/securityContext/privileged", [c.path]),
	}
}
