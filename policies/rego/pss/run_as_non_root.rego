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

# Mutation (opt-in): runAsNonRoot: true where a non-zero runAsUser is set, so the default never
# stops a container from starting. On the pod when the pod sets a non-zero runAsUser and every
# container it would cover runs as non-zero; otherwise on each container whose own (or inherited)
# runAsUser is non-zero. Nothing is added when the pod or the container sets runAsNonRoot itself.
pod_user := object.get(data.palisade.lib.pods.pod_security_context, "runAsUser", null)

patch contains op if {
	pod_default
	op := data.palisade.lib.pods.default_op(data.palisade.lib.pods.spec, data.palisade.lib.pods.spec_path, ["securityContext", "runAsNonRoot"], true)
}

patch contains op if {
	pod_value == null
	not pod_default
	some c in data.palisade.lib.pods.containers
	object.get(c.sc, "runAsNonRoot", null) == null
	non_zero(user_of(c))
	op := data.palisade.lib.pods.default_op(c.container, c.path, ["securityContext", "runAsNonRoot"], true)
}

pod_default if {
	pod_value == null
	non_zero(pod_user)
	not runs_as_root_uncovered
}

# A container that a pod-level runAsNonRoot would cover and that may run as root.
runs_as_root_uncovered if {
	some c in data.palisade.lib.pods.containers
	object.get(c.sc, "runAsNonRoot", null) == null
	not non_zero(user_of(c))
}

# The UID a container runs as, when the container or the pod sets one.
user_of(c) := u if {
	u := c.sc.runAsUser
	u != null
} else := pod_user

non_zero(uid) if {
	is_number(uid)
	uid > 0
}
