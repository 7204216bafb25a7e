# Host paths that must not reach a container, and how a hostPath volume's path is read: normalised
# as the node resolves it, so that no spelling (trailing or doubled slashes, `.`, `..`, a relative
# path, `/var/run` for `/run`, `/proc/PID/root` for `/`) slips past the table.
package palisade.lib.host_paths

# Severity order, most severe first (sorting candidates by it picks the worst).
rank := {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}

# The container runtime sockets, by the runtime they belong to. Keys are resolved paths (`/run`,
# not `/var/run`).
runtime_sockets := {
	"/run/docker.sock": "Docker",
	"/run/dockershim.sock": "dockershim",
	"/run/cri-dockerd.sock": "cri-dockerd",
	"/run/docker/containerd/containerd.sock": "Docker's containerd",
	"/run/containerd/containerd.sock": "containerd",
	"/run/k3s/containerd/containerd.sock": "k3s containerd",
	"/var/snap/microk8s/common/run/containerd.sock": "MicroK8s containerd",
	"/run/crio/crio.sock": "CRI-O",
	"/run/podman/podman.sock": "Podman",
}

socket_danger := "container runtime socket: whoever reaches it controls every container on the node and starts privileged ones (readOnly does not protect a socket)"

# Sensitive paths (resolved): what they hold, the severity of a writable (`rw`) and of a read-only
# (`ro`) mount, and which paths below them are sensitive too (`below`: `all`, `writable` — only
# writable mounts — or `none`). A mount of a parent contains the path and is judged as it is.
sensitive := object.union(
	{p: entry |
		some p, runtime in runtime_sockets
		entry := {"danger": sprintf("the %s %s", [runtime, socket_danger]), "rw": "critical", "ro": "critical", "below": "none"}
	},
	{
		"/": {"danger": "the host's whole filesystem, runtime sockets and credentials included", "rw": "critical", "ro": "critical", "below": "none"},
		"/etc": {"danger": "host configuration: users and passwords, cron, systemd units, sudoers", "rw": "critical", "ro": "high", "below": "writable"},
		"/etc/kubernetes": {"danger": "node configuration: static pod manifests, kubeconfigs and the cluster's PKI keys", "rw": "critical", "ro": "critical", "below": "all"},
		"/root": {"danger": "root's home: SSH keys, kubeconfigs, shell history", "rw": "critical", "ro": "high", "below": "all"},
		"/home": {"danger": "users' homes: SSH keys and credentials", "rw": "critical", "ro": "high", "below": "writable"},
		"/proc": {"danger": "the host's processes: /proc/PID/root is the host filesystem, /proc/sys tunes the kernel", "rw": "critical", "ro": "high", "below": "all"},
		"/sys": {"danger": "kernel and device settings (sysfs, with debugfs inside)", "rw": "critical", "ro": "high", "below": "writable"},
		"/sys/kernel/debug": {"danger": "debugfs: kernel internals and tracing", "rw": "critical", "ro": "high", "below": "all"},
		"/dev": {"danger": "the host's devices: raw disks and memory", "rw": "critical", "ro": "high", "below": "none"},
		"/boot": {"danger": "the host's kernel and boot loader", "rw": "critical", "ro": "medium", "below": "writable"},
		"/run": {"danger": "host runtime state: container runtime sockets and daemons' sockets (/var/run is /run)", "rw": "critical", "ro": "critical", "below": "none"},
		"/var/lib/kubelet": {"danger": "kubelet state: every pod's Secrets and service account tokens, the kubelet's credentials", "rw": "critical", "ro": "high", "below": "writable"},
		"/var/lib/kubelet/pods": {"danger": "every pod's volumes on the node, Secrets and service account tokens included", "rw": "critical", "ro": "high", "below": "all"},
		"/var/lib/kubelet/pki": {"danger": "the kubelet's client and serving keys", "rw": "critical", "ro": "high", "below": "all"},
		"/var/lib/etcd": {"danger": "etcd's data: every object of the cluster, Secrets included", "rw": "critical", "ro": "critical", "below": "all"},
		"/var/lib/docker": {"danger": "Docker's images and the filesystems of every container on the node", "rw": "critical", "ro": "high", "below": "writable"},
		"/var/lib/containerd": {"danger": "containerd's images and the filesystems of every container on the node", "rw": "critical", "ro": "high", "below": "writable"},
	},
)

# Files that each hold only CA certificates (public): a read-only mount of one is not sensitive.
ca_bundle_files := {
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/ssl/certs/ca-bundle.crt",
	"/etc/ssl/cert.pem",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/pki/tls/cert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/var/lib/ca-certificates/ca-bundle.pem",
	"/etc/kubernetes/pki/ca.crt",
	"/etc/kubernetes/pki/front-proxy-ca.crt",
	"/etc/kubernetes/pki/etcd/ca.crt",
}

# The absolute path `p` names once empty and `.` segments are dropped and `..` removes the segment
# before it (never above `/`); a relative path is read from `/`, the node agents' working directory.
# A segment survives when the depth never falls below its own later on; depth after segment k is
# the running sum of +1/-1 steps less its lowest value so far (that is what stopping at `/` does).
normalize(p) := concat("", ["/", concat("/", kept(segments(p)))])

kept(segs) := [] if {
	count(segs) == 0
} else := [segs[i] |
	n := count(segs)
	steps := [step(s) | some s in segs]
	sums := [s | some k in numbers.range(0, n - 1); s := sum(array.slice(steps, 0, k + 1))]
	depth := [d |
		some k in numbers.range(0, n - 1)
		d := sums[k] - min(array.concat([0], array.slice(sums, 0, k + 1)))
	]
	some i in numbers.range(0, n - 1)
	segs[i] != ".."
	min(array.slice(depth, i, n)) >= depth[i]
]

segments(p) := [s | some s in split(p, "/"); s != ""; s != "."]

step(s) := -1 if s == ".."
else := 1

# The path as the node resolves it: normalised, `/proc/PID/root/x` read as `/x` (the root of a
# host process is the host's), and `/var/run` read as `/run` (a symlink on every current distribution).
resolve(p) := var_run(proc_root(normalize(p)))

proc_root(n) := rooted if {
	segs := split(n, "/")
	count(segs) >= 4
	segs[1] == "proc"
	segs[3] == "root"
	rooted := normalize(concat("/", array.slice(segs, 4, count(segs))))
} else := n

var_run(n) := trim_prefix(n, "/var") if {
	n == "/var/run"
} else := trim_prefix(n, "/var") if {
	startswith(n, "/var/run/")
} else := n

# How the resolved path `path` stands to the sensitive path `e` when mounted in `mode` (`rw`/`ro`).
relation(path, e, _, _) := "is" if path == e

relation(path, e, _, _) := "contains" if {
	path != e
	inside(e, path)
}

relation(path, e, info, mode) := "is inside" if {
	path != e
	inside(path, e)
	below(info.below, mode)
}

below(rule, mode) if {
	rule == "all"
	mode in {"rw", "ro"}
}

below(rule, mode) if {
	rule == "writable"
	mode == "rw"
}

# `p` is strictly below the directory `dir`.
inside(p, dir) if {
	dir == "/"
	p != "/"
}

inside(p, dir) if startswith(p, concat("", [dir, "/"]))

# The worst sensitive path a mount of `path` (resolved) in `mode` reaches: {"severity", "relation",
# "entry", "danger"}; undefined when it reaches none, or when it is one CA bundle file read-only.
# Ties go to the path itself, then to the closest path it is inside, then to the closest path it
# contains (so `/var` is reported for /var/lib/etcd, not for a socket deep below it).
order := {"is": 0, "is inside": 1, "contains": 2}

worst(path, mode) := found if {
	not ca_bundle(path, mode)
	candidates := sort([[rank[sev], order[rel], distance(rel, e), e, sev, info.danger, rel] |
		some e, info in sensitive
		rel := relation(path, e, info, mode)
		sev := info[mode]
	])
	count(candidates) > 0
	c := candidates[0]
	found := {"severity": c[4], "relation": c[6], "entry": c[3], "danger": c[5]}
}

# How far the sensitive path `e` is from the mounted one: the longer a path it is inside, the
# closer; the shorter a path it contains, the closer.
distance(rel, e) := 0 - count(e) if rel == "is inside"
else := count(e)

ca_bundle(path, mode) if {
	mode == "ro"
	path in ca_bundle_files
}
