# PSS-SELINUX (baseline, all versions): setting a custom SELinux user or role is forbidden and the
# SELinux type is limited to container_t, container_init_t, container_kvm_t (and from v1.31
# container_engine_t). Checks seLinuxOptions of the pod and of every container.
package palisade.pss.selinux

metadata := {
	"id": "PSS-SELINUX",
	"title": "SELinux options",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Remove seLinuxOptions.user and seLinuxOptions.role, and set seLinuxOptions.type only to container_t, container_init_t, container_kvm_t or container_engine_t.",
	"pss_level": "baseline",
	"since": 0,
}

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t"} if data.palisade.lib.pods.version < 31
else := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

# Every seLinuxOptions object: {"who", "options", "path"}.
options contains o if {
	opts := data.palisade.lib.pods.pod_security_context.seLinuxOptions
	is_object(opts)
	o := {"who": "pod", "options": opts, "path": sprintf("%s/seLinuxOptions", [data.palisade.lib.pods.pod_security_context_path])}
}

options contains o if {
	some c in data.palisade.lib.pods.containers
	opts := c.sc.seLinuxOptions
	is_object(opts)
	o := {"who": c.who, "options": opts, "path": sprintf("%s/securityContext/seLinuxOptions", [c.path])}
}

deny contains v if {
	some o in options
	ptype := data.palisade.lib.pods.text(o.options, "type")
	not ptype in allowed_types
	v := {
		"msg": sprintf("seLinuxOptions (%s set forbidden securityContext.seLinuxOptions: type %q)", [o.who, ptype]),
		"path": sprintf("%s/type", [o.path]),
	}
}

deny contains v if {
	some o in options
	some field in ["user", "role"]
	data.palisade.lib.pods.text(o.options, field) != ""
	v := {
		"msg": sprintf("seLinuxOptions (%s set forbidden securityContext.seLinuxOptions: %s may not be set)", [o.who, field]),
		"path": sprintf("%s/%s", [o.path, field]),
	}
}
