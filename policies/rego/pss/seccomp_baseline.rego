# PSS-SECCOMP-BASELINE (baseline, all versions): a seccomp profile, when set, must be the runtime
# default or a localhost profile. Before v1.19 checks the seccomp.security.alpha.kubernetes.io/pod and
# container.seccomp.security.alpha.kubernetes.io/<container> annotations; from v1.19 checks
# seccompProfile.type of the pod and of every container. At the restricted level
# PSS-SECCOMP-RESTRICTED takes over from v1.19, and from v1.25 neither applies to Windows pods.
package palisade.pss.seccomp_baseline

metadata := {
	"id": "PSS-SECCOMP-BASELINE",
	"title": "Seccomp profile",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Set seccompProfile.type to RuntimeDefault or Localhost, or leave it unset; never Unconfined.",
	"pss_level": "baseline",
	"since": 0,
}

pod_annotation := "seccomp.security.alpha.kubernetes.io/pod"

container_annotation_prefix := "container.seccomp.security.alpha.kubernetes.io/"

allowed_types := {"RuntimeDefault", "Localhost"}

allowed_annotation(value) if value == "runtime/default"

allowed_annotation(value) if value == "docker/default"

allowed_annotation(value) if startswith(value, "localhost/")

overridden if {
	data.palisade.lib.pods.level == "restricted"
	data.palisade.lib.pods.windows_exempt
}

# Annotations this version checks: the pod one and one per container name.
checked_annotations contains pod_annotation

checked_annotations contains key if {
	some c in data.palisade.lib.pods.containers
	key := concat("", [container_annotation_prefix, c.name])
}

deny contains v if {
	data.palisade.lib.pods.version < 19
	some key in checked_annotations
	value := data.palisade.lib.pods.metadata.annotations[key]
	not allowed_annotation(value)
	v := {
		"msg": sprintf("seccompProfile (forbidden annotation %s=%q)", [key, value]),
		"path": sprintf("%s/annotations/%s", [data.palisade.lib.pods.meta_path, data.palisade.lib.pods.escape(key)]),
	}
}

# Every seccompProfile set: {"who", "profile", "path"}.
profiles contains p if {
	profile := data.palisade.lib.pods.pod_security_context.seccompProfile
	profile != null
	p := {"who": "pod", "profile": profile, "path": sprintf("%s/seccompProfile", [data.palisade.lib.pods.pod_security_context_path])}
}

profiles contains p if {
	some c in data.palisade.lib.pods.containers
	profile := c.sc.seccompProfile
	profile != null
	p := {"who": c.who, "profile": profile, "path": sprintf("%s/securityContext/seccompProfile", [c.path])}
}

deny contains v if {
	data.palisade.lib.pods.version >= 19
	not overridden
	some p in profiles
	ptype := data.palisade.lib.pods.text(p.profile, "type")
	not ptype in allowed_types
	v := {
		"msg": sprintf("seccompProfile (%s must not set securityContext.seccompProfile.type to %q)", [p.who, ptype]),
		"path": data.palisade.lib.pods.field_path(p.profile, "type", p.path),
	}
}
