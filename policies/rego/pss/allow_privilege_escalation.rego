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

# Mutation (opt-in): allowPrivilegeEscalation: false in every container that does not set it.
# An explicit `true` is left for validation to judge. Not added where the API server would refuse
# it (beside privileged: true or an added CAP_SYS_ADMIN), nor to Windows pods.
patch contains op if {
	not data.palisade.lib.pods.windows
	some c in data.palisade.lib.pods.containers
	not escalation_needed(c)
	op := data.palisade.lib.pods.default_op(c.container, c.path, ["securityContext", "allowPrivilegeEscalation"], false)
}

# The container needs privilege escalation: the API server rejects allowPrivilegeEscalation: false
# beside privileged: true or an added CAP_SYS_ADMIN.
escalation_needed(c) if c.sc.privileged == true

escalation_needed(c) if {
	some cap in data.palisade.lib.pods.object_or_empty(c.sc, "capabilities").add
	cap in {"SYS_ADMIN", "CAP_SYS_ADMIN"}
}
