# POD-SENSITIVE-HOST-MOUNT: a hostPath volume that reaches a container runtime socket, the host's
# root, configuration, credentials, kernel interfaces, devices, or kubelet, etcd or runtime state
# (the table in lib/host_paths.rego). Not a Pod Security rule: a PSS-HOST-PATH-VOLUMES suppression
# does not hide it. Graded by what the path reaches and by whether any container may write it.
package palisade.pod.sensitive_host_mount

metadata := {
	"id": "POD-SENSITIVE-HOST-MOUNT",
	"title": "Sensitive host path mounted",
	"severity": "critical",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Mount no host path that holds runtime sockets, credentials, host configuration or kernel interfaces: use the Kubernetes API, projected service account tokens, CSI volumes or ConfigMaps instead. A node agent that truly needs one mounts the narrowest path with readOnly: true on every volumeMount (which does not protect a socket or a device) and says why in palisade.dev/ignore.",
}

# The judgement of one volume is on the volume's own path, not on a volumeMount's subPath: the pod
# spec grants the whole path to any container (an ephemeral one included) that mounts it.
deny contains v if {
	some i, volume in data.palisade.lib.pods.spec.volumes
	raw := volume.hostPath.path
	is_string(raw)
	raw != ""
	name := object.get(volume, "name", "")
	# Its volumeMounts in every container; writable unless readOnly: true. Inline, not helper
	# functions: a function call costs the VM more than the rest of a pass over a pod.
	mounts := [{"who": c.who, "writable": object.get(mount, "readOnly", false) != true} |
		some c in data.palisade.lib.pods.containers
		some mount in c.container.volumeMounts
		mount.name == name
	]
	writers := [m.who | some m in mounts; m.writable]
	# `rw` when any container may write the volume, else `ro` (also when none mounts it yet).
	mode := ["ro", "rw"][min([count(writers), 1])]
	found := data.palisade.lib.host_paths.judge(raw, mode)
	v := {
		"msg": sprintf("sensitive host mount (volume %q mounts %s %s%s — %s)", [
			name, found.shown, access(mounts, writers), found.where, found.danger,
		]),
		"path": sprintf("%s/volumes/%d/hostPath/path", [data.palisade.lib.pods.spec_path, i]),
		"severity": found.severity,
	}
}

access(mounts, writers) := sprintf("writable (%s)", [writers[0]]) if {
	count(writers) > 0
} else := "read-only" if {
	count(mounts) > 0
} else := "read-only (no container mounts it yet)"
