# PSS-ALLOW-PRIVILEGE-ESCALATION (restricted, from v1.8): privilege escalation (set-user-ID or
# set-group-ID programs, for example) must be disallowed. Every container must set
# securityContext.allowPrivilegeEscalation to false. From v1.25 Windows pods are exempt.
package palisade.pss.allow_privilege_escalation

metadata := {
	"id": "PSS-ALLOW-PRIVILEGE-ESCALATION",
	"title": "Privilege escalation",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Set securityContext.allowPrivilegeEscalation: false in every container.",
	"pss_level": "restricted",
	"since": 8,
}

deny contains v if {
	not data.palisade.lib.pods.windows_exempt
	some c in data.palisade.lib.pods.containers
	not c.sc.allowPrivilegeEscalation == false
	v := {
		"msg": sprintf("allowPrivilegeEscalation != false (%s must set securityContext.allowPrivilegeEscalation=false)", [c.who]),
		"path": data.palisade.lib.pods.security_context_field_path(c, "allowPrivilegeEscalation"),
	}
}
