# PSS-HOST-PATH-VOLUMES (baseline, all versions): hostPath volumes must be forbidden.
# Checks spec.volumes[*].hostPath.
package palisade.pss.host_path_volumes

metadata := {
	"id": "PSS-HOST-PATH-VOLUMES",
	"title": "HostPath volumes",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Replace hostPath volumes with emptyDir, configMap, secret, a PersistentVolumeClaim or a CSI volume.",
	"pss_level": "baseline",
	"since": 0,
}

deny contains v if {
	some i, volume in data.palisade.lib.pods.spec.volumes
	volume.hostPath != null
	v := {
		"msg": sprintf("hostPath volumes (volume %q)", [object.get(volume, "name", "")]),
		"path": sprintf("%s/volumes/%d/hostPath", [data.palisade.lib.pods.spec_path, i]),
	}
}
