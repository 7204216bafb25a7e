# Tests for the host path table and path resolution (host_paths.rego).
package palisade.lib.host_paths_test

import data.palisade.lib.host_paths

test_normalize_drops_empty_and_dot_segments if {
	host_paths.normalize("/etc/") == "/etc"
	host_paths.normalize("//etc//kubernetes//") == "/etc/kubernetes"
	host_paths.normalize("/etc/./kubernetes/.") == "/etc/kubernetes"
	host_paths.normalize("/") == "/"
	host_paths.normalize("///") == "/"
	host_paths.normalize("/./") == "/"
}

test_normalize_resolves_dot_dot if {
	host_paths.normalize("/tmp/../etc") == "/etc"
	host_paths.normalize("/var/log/../lib/./kubelet/") == "/var/lib/kubelet"
	host_paths.normalize("/a/b/../../c/..") == "/"
	host_paths.normalize("/a/b/c/../../d") == "/a/d"
	host_paths.normalize("/a/../b/../c/d/..") == "/c"
}

test_normalize_stops_at_root if {
	host_paths.normalize("/../../etc") == "/etc"
	host_paths.normalize("/a/../../b") == "/b"
	host_paths.normalize("/..") == "/"
}

test_normalize_reads_relative_paths_from_root if {
	host_paths.normalize("etc/kubernetes") == "/etc/kubernetes"
	host_paths.normalize("./var/lib/etcd") == "/var/lib/etcd"
}

test_normalize_keeps_names_that_only_look_like_dots if {
	host_paths.normalize("/etc/...") == "/etc/..."
	host_paths.normalize("/etc/.kube") == "/etc/.kube"
}

test_resolve_reads_var_run_as_run if {
	host_paths.resolve("/var/run/docker.sock") == "/run/docker.sock"
	host_paths.resolve("/var/run") == "/run"
	host_paths.resolve("/var/run/") == "/run"
	host_paths.resolve("/var/running") == "/var/running"
	host_paths.resolve("/var/lib/kubelet") == "/var/lib/kubelet"
}

test_resolve_reads_a_host_process_root_as_root if {
	host_paths.resolve("/proc/1/root") == "/"
	host_paths.resolve("/proc/self/root/etc/kubernetes/") == "/etc/kubernetes"
	host_paths.resolve("/proc/1/root/var/run/docker.sock") == "/run/docker.sock"
	host_paths.resolve("/proc/1/rootfs") == "/proc/1/rootfs"
	host_paths.resolve("/proc/1/cwd") == "/proc/1/cwd"
}

test_worst_of_an_exact_path if {
	w := host_paths.worst("/root", "ro")
	w.severity == "high"
	w.relation == "is"
	host_paths.worst("/root", "rw").severity == "critical"
	host_paths.worst("/run/crio/crio.sock", "ro").severity == "critical"
	contains(host_paths.worst("/run/crio/crio.sock", "ro").danger, "CRI-O")
}

test_worst_of_a_parent_is_the_worst_it_contains if {
	# /etc read-only is high for what it is, critical for /etc/kubernetes inside it.
	e := host_paths.worst("/etc", "ro")
	e.relation == "contains"
	e.entry == "/etc/kubernetes"
	e.severity == "critical"
	w := host_paths.worst("/var/lib", "ro")
	w.relation == "contains"
	w.entry == "/var/lib/etcd"
	w.severity == "critical"
	c := host_paths.worst("/run/containerd", "ro")
	c.entry == "/run/containerd/containerd.sock"
	c.severity == "critical"
	k := host_paths.worst("/sys/kernel", "ro")
	k.entry == "/sys/kernel/debug"
	k.severity == "high"
}

test_ties_go_to_the_closest_path if {
	# /etc and /etc/kubernetes are both critical when written: the closer one is named.
	host_paths.worst("/etc/kubernetes/manifests", "rw").entry == "/etc/kubernetes"
	# / contains every path: the closest is named.
	host_paths.worst("/var", "ro").entry == "/var/lib/etcd"
}

test_below_a_path_by_its_rule if {
	# below: all
	host_paths.worst("/etc/kubernetes/manifests", "ro").entry == "/etc/kubernetes"
	host_paths.worst("/etc/kubernetes/manifests", "ro").relation == "is inside"
	host_paths.worst("/proc/sys", "ro").severity == "high"
	# below: writable
	not host_paths.worst("/etc/cron.d", "ro")
	host_paths.worst("/etc/cron.d", "rw").severity == "critical"
	not host_paths.worst("/sys/fs/cgroup", "ro")
	# below: none
	not host_paths.worst("/run/xtables.lock", "rw")
	not host_paths.worst("/dev/net/tun", "rw")
}

test_unrelated_paths_are_not_sensitive if {
	not host_paths.worst("/var/log", "rw")
	not host_paths.worst("/data/app", "rw")
	not host_paths.worst("/etcd", "rw")
	not host_paths.worst("/var/lib/kubelet-plugins", "ro")
}

test_one_ca_bundle_file_read_only_is_not_sensitive if {
	not host_paths.worst("/etc/ssl/certs/ca-certificates.crt", "ro")
	not host_paths.worst("/etc/kubernetes/pki/ca.crt", "ro")
	host_paths.worst("/etc/kubernetes/pki/ca.crt", "rw").severity == "critical"
	host_paths.worst("/etc/ssl/certs/ca-certificates.crt", "rw").severity == "critical"
	host_paths.worst("/etc/kubernetes/pki/ca.key", "ro").severity == "critical"
	host_paths.worst("/etc/kubernetes/pki", "ro").severity == "critical"
}

test_containing_dirs_are_the_ancestors_of_the_table if {
	computed := {d | some e, _ in host_paths.sensitive; some d in host_paths.ancestors(e)}
	host_paths.containing_dirs == computed
}

test_ancestors if {
	host_paths.ancestors("/") == []
	host_paths.ancestors("/etc") == ["/"]
	host_paths.ancestors("/var/lib/kubelet") == ["/", "/var", "/var/lib"]
}

test_a_path_already_normal_is_kept if {
	host_paths.normalize("/var/lib/kubelet") == "/var/lib/kubelet"
	host_paths.normalize("/.hidden/x") == "/.hidden/x"
	host_paths.normalize("/a/.b/../c") == "/a/c"
}

# `judge` answers a path written as a table entry by lookup: that is right only because every
# entry is already in resolved form.
test_table_entries_are_resolved if {
	every entry, _ in host_paths.sensitive {
		host_paths.resolve(entry) == entry
	}
}

test_judge_shows_the_path_as_written_and_as_read if {
	j := host_paths.judge("/var/run/docker.sock", "ro")
	j.severity == "critical"
	j.shown == `"/var/run/docker.sock" (read as /run/docker.sock)`
	j.where == ""
	k := host_paths.judge("/", "ro")
	k.shown == `"/"`
	inside := host_paths.judge("/etc/kubernetes/pki", "ro")
	startswith(inside.where, ", which is inside /etc/kubernetes")
	not host_paths.judge("/data", "rw")
}
