# PSS-VOLUME-TYPES (restricted, all versions): inline volumes are limited to configMap, csi,
# downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret.
# Checks every entry of spec.volumes.
package palisade.pss.volume_types

metadata := {
	"id": "PSS-VOLUME-TYPES",
	"title": "Restricted volume types",
	"severity": "medium",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes; mount other storage through a PersistentVolumeClaim.",
	"pss_level": "restricted",
	"since": 0,
}

allowed_types := [
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
	"persistentVolumeClaim", "projected", "secret",
]

# Volume sources the restricted profile forbids, in the order they are reported.
restricted_types := [
	"hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi",
	"glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile",
	"vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume",
	"scaleIO", "storageos",
]

allowed(volume) if {
	some t in allowed_types
	volume[t] != null
}

# A volume without any source is defaulted to emptyDir by the API server.
allowed(volume) if {
	sources := [k | some k, source in volume; k != "name"; source != null]
	count(sources) == 0
}

# The restricted source a volume uses ("unknown" when none is recognised).
source_of(volume) := found[0] if {
	found := [t | some t in restricted_types; volume[t] != null]
	count(found) > 0
} else := "unknown"

deny contains v if {
	some i, volume in data.palisade.lib.pods.spec.volumes
	not allowed(volume)
	source := source_of(volume)
	v := {
		"msg": sprintf("restricted volume types (volume %q uses restricted volume type %q)", [object.get(volume, "name", ""), source]),
		"path": volume_path(i, source),
	}
}

volume_path(i, source) := sprintf("%s/volumes/%d", [data.palisade.lib.pods.spec_path, i]) if source == "unknown"
else := sprintf("%s/volumes/%d/%s", [data.palisade.lib.pods.spec_path, i, source])
