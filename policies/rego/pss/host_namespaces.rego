# PSS-HOST-NAMESPACES (baseline, all versions): sharing the host's network, PID or IPC namespace
# must be disallowed. Checks spec.hostNetwork, spec.hostPID and spec.hostIPC.
package palisade.pss.host_namespaces

metadata := {
	"id": "PSS-HOST-NAMESPACES",
	"title": "Host namespaces",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Remove hostNetwork, hostPID and hostIPC from the pod spec or set them to false.",
	"pss_level": "baseline",
	"since": 0,
}

deny contains v if {
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	data.palisade.lib.pods.spec[field] == true
	v := {
		"msg": sprintf("host namespaces (%s=true)", [field]),
		"path": sprintf("%s/%s", [data.palisade.lib.pods.spec_path, field]),
	}
}
