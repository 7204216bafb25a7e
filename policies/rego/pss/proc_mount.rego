# PSS-PROC-MOUNT (baseline, all versions): the default /proc masks must be kept. Checks
# securityContext.procMount of every container (allowed: Default or unset). At the baseline level
# from v1.35 any value is allowed for pods with hostUsers: false (a user namespace); at the restricted
# level that relaxation never applies.
package palisade.pss.proc_mount

metadata := {
	"id": "PSS-PROC-MOUNT",
	"title": "Proc mount type",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Remove securityContext.procMount or set it to Default.",
	"pss_level": "baseline",
	"since": 0,
}

relaxed if {
	data.palisade.lib.pods.level == "baseline"
	data.palisade.lib.pods.user_namespace_relaxed
}

deny contains v if {
	not relaxed
	some c in data.palisade.lib.pods.containers
	mount := c.sc.procMount
	mount != null
	mount != "Default"
	v := {
		"msg": sprintf("procMount (%s must not set securityContext.procMount to %q)", [c.who, mount]),
		"path": sprintf("%s/securityContext/procMount", [c.path]),
	}
}
