# PSS-RUN-AS-NON-ROOT (restricted, all versions): containers must run as non-root users. The pod
# must set securityContext.runAsNonRoot: true, or every container must, and no container may set it
# to false. From v1.35 pods with hostUsers: false (a user namespace) are exempt.
package palisade.pss.run_as_non_root

metadata := {
	"id": "PSS-RUN-AS-NON-ROOT",
	"title": "Running as non-root",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Set securityContext.runAsNonRoot: true on the pod (or on every container) and run the image as a non-zero UID.",
	"pss_level": "restricted",
	"since": 0,
}

pod_value := object.get(data.palisade.lib.pods.pod_security_context, "runAsNonRoot", null)

deny contains v if {
	not data.palisade.lib.pods.user_namespace_relaxed
	pod_value == false
	v := {
		"msg": "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)",
		"path": sprintf("%s/runAsNonRoot", [data.palisade.lib.pods.pod_security_context_path]),
	}
}

deny contains v if {
	not data.palisade.lib.pods.user_namespace_relaxed
	some c in data.palisade.lib.pods.containers
	c.sc.runAsNonRoot == false
	v := {
		"msg": sprintf("runAsNonRoot != true (%s must not set securityContext.runAsNonRoot=false)", [c.who]),
		"path": sprintf("%s/securityContext/runAsNonRoot", [c.path]),
	}
}

# Neither the pod nor the container says anything: the image decides, and may run as root.
deny contains v if {
	not data.palisade.lib.pods.user_namespace_relaxed
	pod_value == null
	some c in data.palisade.lib.pods.containers
	object.get(c.sc, "runAsNonRoot", null) == null
	v := {
		"msg": sprintf("runAsNonRoot != true (pod or %s must set securityContext.runAsNonRoot=true)", [c.who]),
		"path": data.palisade.lib.pods.security_context_field_path(c, "runAsNonRoot"),
	}
}
