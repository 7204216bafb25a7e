# PSS-APPARMOR (baseline, all versions): the default AppArmor profile must not be overridden or
# disabled. Checks appArmorProfile.type of the pod and of every container (allowed: RuntimeDefault,
# Localhost) and the container.apparmor.security.beta.kubernetes.io/* annotations (allowed:
# runtime/default, localhost/*, empty). Upstream applies both forms at every version.
package palisade.pss.apparmor

metadata := {
	"id": "PSS-APPARMOR",
	"title": "AppArmor profile",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Use appArmorProfile.type RuntimeDefault or Localhost (or the annotation values runtime/default or localhost/<profile>), or leave it unset.",
	"pss_level": "baseline",
	"since": 0,
}

annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

allowed_types := {"RuntimeDefault", "Localhost"}

allowed_annotation(value) if value == ""

allowed_annotation(value) if value == "runtime/default"

allowed_annotation(value) if startswith(value, "localhost/")

# Every place an appArmorProfile can be set: {"who", "profile", "path"}.
profiles contains p if {
	profile := data.palisade.lib.pods.pod_security_context.appArmorProfile
	profile != null
	p := {"who": "pod", "profile": profile, "path": sprintf("%s/appArmorProfile", [data.palisade.lib.pods.pod_security_context_path])}
}

profiles contains p if {
	some c in data.palisade.lib.pods.containers
	profile := c.sc.appArmorProfile
	profile != null
	p := {"who": c.who, "profile": profile, "path": sprintf("%s/securityContext/appArmorProfile", [c.path])}
}

deny contains v if {
	some p in profiles
	ptype := data.palisade.lib.pods.text(p.profile, "type")
	not ptype in allowed_types
	v := {
		"msg": sprintf("forbidden AppArmor profile (%s must not set AppArmor profile type to %q)", [p.who, ptype]),
		"path": data.palisade.lib.pods.field_path(p.profile, "type", p.path),
	}
}

deny contains v if {
	some key, value in data.palisade.lib.pods.metadata.annotations
	startswith(key, annotation_prefix)
	not allowed_annotation(value)
	v := {
		"msg": sprintf("forbidden AppArmor profile (annotation %s=%q)", [key, value]),
		"path": sprintf("%s/annotations/%s", [data.palisade.lib.pods.meta_path, data.palisade.lib.pods.escape(key)]),
	}
}
