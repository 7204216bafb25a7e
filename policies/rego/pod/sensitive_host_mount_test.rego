# Tests for POD-SENSITIVE-HOST-MOUNT.
package palisade.pod.sensitive_host_mount_test

import data.palisade.pod.sensitive_host_mount

# A pod with one container `a` that mounts each volume with `read_only`, and the volumes.
pod(volumes, read_only) := {"review": {"object": {"kind": "Pod", "spec": {
	"containers": [{"name": "a", "volumeMounts": [{"name": v.name, "mountPath": "/m", "readOnly": read_only} | some v in volumes]}],
	"volumes": volumes,
}}}}

host(name, path) := {"name": name, "hostPath": {"path": path}}

# The one finding for a single hostPath volume at `path`, mounted read-only or not.
finding(path, read_only) := f if {
	v := sensitive_host_mount.deny with input as pod([host("h", path)], read_only)
	count(v) == 1
	some f in v
}

none(path, read_only) if {
	count(sensitive_host_mount.deny) == 0 with input as pod([host("h", path)], read_only)
}

test_runtime_socket_is_critical_even_read_only if {
	f := finding("/var/run/docker.sock", true)
	f.severity == "critical"
	f.path == "/spec/volumes/0/hostPath/path"
	contains(f.msg, "Docker container runtime socket")
	contains(f.msg, "readOnly does not protect a socket")
	contains(f.msg, "read-only")
	finding("/run/containerd/containerd.sock", true).severity == "critical"
	finding("/var/run/crio/crio.sock", false).severity == "critical"
	contains(finding("/run/podman/podman.sock", true).msg, "Podman")
}

test_sensitive_paths_are_reported if {
	every p in ["/", "/etc", "/root", "/home", "/proc", "/sys", "/sys/kernel/debug", "/dev", "/boot", "/var/run", "/run", "/var/lib/kubelet", "/var/lib/etcd", "/etc/kubernetes", "/var/lib/docker", "/var/lib/containerd"] {
		finding(p, false).severity == "critical"
		finding(p, true)
	}
}

test_unrelated_paths_are_not_reported if {
	none("/var/log", false)
	none("/data/app", false)
	none("/run/xtables.lock", false)
	none("/etc/localtime", true)
	none("/sys/fs/cgroup", true)
	v := sensitive_host_mount.deny with input as pod([{"name": "e", "emptyDir": {}}, {"name": "c", "configMap": {"name": "x"}}], false)
	count(v) == 0
}

test_read_only_is_graded_below_writable if {
	finding("/root", true).severity == "high"
	contains(finding("/root", true).msg, "read-only")
	finding("/root", false).severity == "critical"
	contains(finding("/root", false).msg, "writable (container \"a\")")
	finding("/home", true).severity == "high"
	finding("/sys", true).severity == "high"
	finding("/boot", true).severity == "medium"
	finding("/var/lib/etcd", true).severity == "critical"
}

# A hostPath volume is writable unless every volumeMount of it, in every container, is readOnly.
test_one_writable_mount_makes_the_volume_writable if {
	spec := {
		"containers": [{"name": "a", "volumeMounts": [{"name": "h", "mountPath": "/m", "readOnly": true}]}],
		"initContainers": [{"name": "setup", "volumeMounts": [{"name": "h", "mountPath": "/m"}]}],
		"volumes": [host("h", "/etc")],
	}
	v := sensitive_host_mount.deny with input as {"review": {"object": {"kind": "Pod", "spec": spec}}}
	some f in v
	f.severity == "critical"
	contains(f.msg, "writable (init container \"setup\")")
}

test_ephemeral_container_mount_counts if {
	spec := {
		"containers": [{"name": "a"}],
		"ephemeralContainers": [{"name": "debug", "volumeMounts": [{"name": "h", "mountPath": "/m", "readOnly": false}]}],
		"volumes": [host("h", "/root")],
	}
	v := sensitive_host_mount.deny with input as {"review": {"object": {"kind": "Pod", "spec": spec}}}
	{f.severity | some f in v} == {"critical"}
}

test_unmounted_volume_is_graded_read_only if {
	spec := {"containers": [{"name": "a"}], "volumes": [host("h", "/root")]}
	v := sensitive_host_mount.deny with input as {"review": {"object": {"kind": "Pod", "spec": spec}}}
	some f in v
	f.severity == "high"
	contains(f.msg, "no container mounts it")
}

test_parents_report_what_they_contain if {
	f := finding("/var", true)
	f.severity == "critical"
	contains(f.msg, "which contains /var/lib/etcd")
	contains(finding("/var/lib", false).msg, "which contains")
	contains(finding("/run/containerd", true).msg, "containerd container runtime socket")
	finding("/var/snap/microk8s/common/run", true).severity == "critical"
}

test_paths_inside_by_the_table if {
	f := finding("/etc/kubernetes/manifests", true)
	f.severity == "critical"
	contains(f.msg, "which is inside /etc/kubernetes")
	finding("/var/lib/kubelet/pods", true).severity == "high"
	finding("/etc/cron.d", false).severity == "critical"
	none("/etc/cron.d", true)
	finding("/proc/sys", true).severity == "high"
}

test_spelling_does_not_bypass if {
	every p in ["/etc/kubernetes/", "//etc//kubernetes", "/etc/./kubernetes/.", "/tmp/../etc/kubernetes", "/../etc/kubernetes", "etc/kubernetes", "/proc/1/root/etc/kubernetes"] {
		f := finding(p, true)
		f.severity == "critical"
		contains(f.msg, "(read as /etc/kubernetes)")
	}
	every p in ["//var//run//docker.sock", "/var/run/./docker.sock", "/var/lib/../run/docker.sock", "/proc/self/root/var/run/docker.sock"] {
		contains(finding(p, true).msg, "Docker container runtime socket")
	}
	finding("/proc/1/root", true).severity == "critical"
	contains(finding("/proc/1/root", true).msg, "the host's whole filesystem")
}

test_one_ca_bundle_file_read_only_is_not_reported if {
	none("/etc/ssl/certs/ca-certificates.crt", true)
	none("/etc/kubernetes/pki/ca.crt", true)
	none("/etc/kubernetes/pki/./ca.crt", true)
	finding("/etc/kubernetes/pki/ca.crt", false).severity == "critical"
	finding("/etc/kubernetes/pki/ca.key", true).severity == "critical"
	finding("/etc/ssl/certs/ca-certificates.crt", false).severity == "critical"
}

test_missing_or_odd_paths_are_left_to_the_api_server if {
	v := sensitive_host_mount.deny with input as pod([{"name": "h", "hostPath": {}}, {"name": "n", "hostPath": {"path": 3}}, {"name": "e", "hostPath": {"path": ""}}], false)
	count(v) == 0
}

test_every_pod_template_kind if {
	templ := {"spec": {"containers": [{"name": "a"}], "volumes": [{"name": "e", "emptyDir": {}}, host("h", "/var/run/docker.sock")]}}
	objects := {
		"/spec/template/spec": [{"kind": k, "spec": {"template": templ}} | some k in ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"]],
		"/spec/jobTemplate/spec/template/spec": [{"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": templ}}}}],
	}
	every prefix, list in objects {
		every obj in list {
			v := sensitive_host_mount.deny with input as {"review": {"object": obj}}
			{f.path | some f in v} == {sprintf("%s/volumes/1/hostPath/path", [prefix])}
		}
	}
}
