# PSS-RUN-AS-USER (restricted, from v1.23): containers must not run as UID 0. Checks
# securityContext.runAsUser of the pod and of every container. From v1.35 pods with hostUsers: false
# (a user namespace) are exempt.
package palisade.pss.run_as_user

metadata := {
	"id": "PSS-RUN-AS-USER",
	"title": "Running as UID 0",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Remove securityContext.runAsUser: 0, or set a non-zero UID.",
	"pss_level": "restricted",
	"since": 23,
}

deny contains v if {
	not data.palisade.lib.pods.user_namespace_relaxed
	data.palisade.lib.pods.pod_security_context.runAsUser == 0
	v := {
		"msg": "runAsUser=0 (pod must not set runAsUser=0)",
		"path": sprintf("%s/runAsUser", [data.palisade.lib.pods.pod_security_context_path]),
	}
}

deny contains v if {
	not data.palisade.lib.pods.user_namespace_relaxed
	some c in data.palisade.lib.pods.containers
	c.sc.runAsUser == 0
	v := {
		"msg": sprintf("runAsUser=0 (%s must not set runAsUser=0)", [c.who]),
		"path": sprintf("%s/securityContext/runAsUser", [c.path]),
	}
}
