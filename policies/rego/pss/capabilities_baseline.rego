# PSS-CAPABILITIES-BASELINE (baseline, all versions): containers may add only capabilities from the
# container runtime's default set. Checks securityContext.capabilities.add of every container.
# At the restricted level PSS-CAPABILITIES-RESTRICTED replaces this check from v1.22, and from v1.25
# neither applies to Windows pods.
package palisade.pss.capabilities_baseline

metadata := {
	"id": "PSS-CAPABILITIES-BASELINE",
	"title": "Capabilities beyond the default set",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Add only capabilities from the default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT) in securityContext.capabilities.add.",
	"pss_level": "baseline",
	"since": 0,
}

default_set := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

# The restricted check that takes over at the restricted level skips Windows pods.
overridden if {
	data.palisade.lib.pods.level == "restricted"
	data.palisade.lib.pods.windows_exempt
}

deny contains v if {
	not overridden
	some c in data.palisade.lib.pods.containers
	some i, cap in c.container.securityContext.capabilities.add
	not cap in default_set
	v := {
		"msg": sprintf("non-default capabilities (%s must not include %q in securityContext.capabilities.add)", [c.who, cap]),
		"path": sprintf("%s/securityContext/capabilities/add/%d", [c.path, i]),
	}
}
