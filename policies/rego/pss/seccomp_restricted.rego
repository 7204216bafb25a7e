# PSS-SECCOMP-RESTRICTED (restricted, from v1.19): a seccomp profile must be set, to RuntimeDefault
# or Localhost: on the pod (securityContext.seccompProfile.type), or on every container. From v1.25
# Windows pods are exempt.
package palisade.pss.seccomp_restricted

metadata := {
	"id": "PSS-SECCOMP-RESTRICTED",
	"title": "Seccomp profile required",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost with a profile).",
	"pss_level": "restricted",
	"since": 19,
}

allowed_types := {"RuntimeDefault", "Localhost"}

pod_profile := object.get(data.palisade.lib.pods.pod_security_context, "seccompProfile", null)

deny contains v if {
	not data.palisade.lib.pods.windows_exempt
	pod_profile != null
	ptype := data.palisade.lib.pods.text(pod_profile, "type")
	not ptype in allowed_types
	v := {
		"msg": sprintf("seccompProfile (pod must not set securityContext.seccompProfile.type to %q)", [ptype]),
		"path": data.palisade.lib.pods.field_path(pod_profile, "type", sprintf("%s/seccompProfile", [data.palisade.lib.pods.pod_security_context_path])),
	}
}

deny contains v if {
	not data.palisade.lib.pods.windows_exempt
	some c in data.palisade.lib.pods.containers
	profile := object.get(c.sc, "seccompProfile", null)
	profile != null
	ptype := data.palisade.lib.pods.text(profile, "type")
	not ptype in allowed_types
	v := {
		"msg": sprintf("seccompProfile (%s must not set securityContext.seccompProfile.type to %q)", [c.who, ptype]),
		"path": data.palisade.lib.pods.field_path(profile, "type", sprintf("%s/securityContext/seccompProfile", [c.path])),
	}
}

# Neither the pod nor the container sets a profile.
deny contains v if {
	not data.palisade.lib.pods.windows_exempt
	pod_profile == null
	some c in data.palisade.lib.pods.containers
	object.get(c.sc, "seccompProfile", null) == null
	v := {
		"msg": sprintf("seccompProfile (pod or %s must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")", [c.who]),
		"path": data.palisade.lib.pods.security_context_field_path(c, "seccompProfile"),
	}
}

# Mutation (opt-in): the pod's seccompProfile set to RuntimeDefault when neither the pod nor some
# container sets one. A container's own profile (Unconfined included) still wins over the pod's,
# and is left for validation to judge. Not added to Windows pods, nor beside the deprecated seccomp
# annotations, which the field must not contradict.
patch contains op if {
	not data.palisade.lib.pods.windows
	pod_profile == null
	not seccomp_annotated
	some c in data.palisade.lib.pods.containers
	object.get(c.sc, "seccompProfile", null) == null
	op := data.palisade.lib.pods.default_op(data.palisade.lib.pods.spec, data.palisade.lib.pods.spec_path, ["securityContext", "seccompProfile"], {"type": "RuntimeDefault"})
}

seccomp_annotated if {
	some key, _ in object.get(data.palisade.lib.pods.metadata, "annotations", {})
	startswith(key, "seccomp.security.alpha.kubernetes.io/")
}

seccomp_annotated if {
	some key, _ in object.get(data.palisade.lib.pods.metadata, "annotations", {})
	startswith(key, "container.seccomp.security.alpha.kubernetes.io/")
}
