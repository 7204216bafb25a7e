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

allowed_types := {
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
	"persistentVolumeClaim", "projected", "secret",
}

# The restricted volume types, in the order a message names one (when a volume sets several).
restricted_rank := {
	"hostPath": 0, "gcePersistentDisk": 1, "awsElasticBlockStore": 2, "gitRepo": 3, "nfs": 4,
	"iscsi": 5, "glusterfs": 6, "rbd": 7, "flexVolume": 8, "cinder": 9, "cephfs": 10,
	"flocker": 11, "fc": 12, "azureFile": 13, "vsphereVolume": 14, "quobyte": 15,
	"azureDisk": 16, "photonPersistentDisk": 17, "portworxVolume": 18, "scaleIO": 19,
	"storageos": 20,
}

# A volume is allowed when it sets an allowed type, or sets no source at all. Its sources are
# read off its own few fields rather than by trying every type name.
deny contains v if {
	some i, volume in data.palisade.lib.pods.spec.volumes
	sources := {k | some k, source in volume; k != "name"; source != null}
	count(sources) > 0
	count(sources & allowed_types) == 0
	source := source_of(sources)
	v := {
		"msg": sprintf("restricted volume types (volume %q uses restricted volume type %q)", [object.get(volume, "name", ""), source]),
		"path": volume_path(i, source),
	}
}

source_of(sources) := ranked[0][1] if {
	ranked := sort([[restricted_rank[k], k] | some k in sources])
	count(ranked) > 0
} else := "unknown"

volume_path(i, source) := sprintf("%s/volumes/%d", [data.palisade.lib.pods.spec_path, i]) if source == "unknown"
else := sprintf("%s/volumes/%d/%s", [data.palisade.lib.pods.spec_path, i, source])
