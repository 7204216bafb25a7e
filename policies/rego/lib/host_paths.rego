# Host paths that must not reach a container, and how a hostPath volume's path is read: normalised
# as the node resolves it, so that no spelling (trailing or doubled slashes, `.`, `..`, a relative
# path, `/var/run` for `/run`, `/proc/PID/root` for `/`) slips past the table.
package palisade.lib.host_paths

# Severity order, most severe first (sorting candidates by it picks the worst).
rank := {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}

# Sensitive paths (resolved: `/run`, not `/var/run`): what they hold, the severity of a writable
# (`rw`) and of a read-only (`ro`) mount, and which paths below them are sensitive too (`below`:
# `all`, `writable` — only writable mounts — or `none`). A mount of a parent contains the path and
# is judged as it is. The container runtime sockets come first. A literal, not a comprehension:
# it is read for every hostPath volume of every pod.
sensitive := {
	"/run/docker.sock": {"danger": "the Docker container runtime socket: whoever reaches it controls every container on the node and starts privileged ones (readOnly does not protect a socket)", "rw": "critical", "ro": "critical", "below": "none"},
	"/run/dockershim.sock": {"danger": "the dockershim container runtime socket: whoever reaches it controls every container on the node and starts privileged ones (readOnly does not protect a socket)", "rw": "critical", "ro": "critical", "below": "none"},
	"/run/cri-dockerd.sock": {"danger": "the cri-dockerd container runtime socket: whoever reaches it controls every container on the node and starts privileged ones (readOnly does not protect a socket)", "rw": "critical", "ro": "critical", "below": "none"},
	"/run/docker/containerd/containerd.sock": {"danger": "the Docker's containerd container runtime socket: whoever reaches it controls every container on the node and starts privileged ones (readOnly does not protect a socket)", "rw": "critical", "ro": "critical", "below": "none"},
	"/run/containerd/containerd.sock": {"danger": "the containerd container runtime socket: whoever reaches it controls every container on the node and starts privileged ones (readOnly does not protect a socket)", "rw": "critical", "ro": "critical", "below": "none"},
	"/run/k3s/containerd/containerd.sock": {"danger": "the k3s containerd container runtime socket: whoever reaches it controls every container on the node and starts privileged ones (readOnly does not protect a socket)", "rw": "critical", "ro": "critical", "below": "none"},
	"/var/snap/microk8s/common/run/containerd.sock": {"danger": "the MicroK8s containerd container runtime socket: whoever reaches it controls every container on the node and starts privileged ones (readOnly does not protect a socket)", "rw": "critical", "ro": "critical", "below": "none"},
	"/run/crio/crio.sock": {"danger": "the CRI-O container runtime socket: whoever reaches it controls every container on the node and starts privileged ones (readOnly does not protect a socket)", "rw": "critical", "ro": "critical", "below": "none"},
	"/run/podman/podman.sock": {"danger": "the Podman container runtime socket: whoever reaches it controls every container on the node and starts privileged ones (readOnly does not protect a socket)", "rw": "critical", "ro": "critical", "below": "none"},
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
}

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
normalize(p) := p if is_normal(p)
else := concat("", ["/", concat("/", kept(segments(p)))])

# Already in normal form (nearly every path written): absolute, no empty, `.` or `..` segment, no
# trailing slash. A segment merely starting with a dot takes the long way, to the same result.
is_normal(p) if p == "/"

is_normal(p) if {
	startswith(p, "/")
	not endswith(p, "/")
	not contains(p, "//")
	not contains(p, "/.")
}

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
resolve(p) := var_run(p) if {
	# Already normal (nearly every path written), and not under /proc.
	startswith(p, "/")
	not endswith(p, "/")
	not contains(p, "//")
	not contains(p, "/.")
	not startswith(p, "/proc/")
} else := var_run(proc_root(normalize(p)))

proc_root(n) := rooted if {
	segs := split(n, "/")
	count(segs) >= 4
	segs[1] == "proc"
	segs[3] == "root"
	rooted := normalize(concat("/", array.slice(segs, 4, count(segs))))
} else := n

var_run(n) := trim_prefix(n, "/var") if startswith(concat("", [n, "/"]), "/var/run/")
else := n

# What a hostPath volume whose path is written `raw`, mounted in `mode`, reaches: `worst` of its
# resolved path, with the texts a finding shows — `shown`, the path as written (and as read, when
# that differs), and `where`, "" for the path itself, else ", which <relation> <entry>". Undefined
# when it reaches nothing sensitive. A path written as a critical table entry (a runtime socket,
# `/`) is answered by one lookup: every entry is already resolved.
judge(raw, mode) := {"severity": "critical", "danger": info.danger, "shown": sprintf("%q", [raw]), "where": ""} if {
	info := sensitive[raw]
	info[mode] == "critical"
} else := judged if {
	resolved := resolve(raw)
	found := worst(resolved, mode)
	judged := {
		"severity": found.severity,
		"danger": found.danger,
		"shown": shown(raw, resolved),
		"where": where(found),
	}
}

shown(raw, resolved) := sprintf("%q", [raw]) if raw == resolved
else := sprintf("%q (read as %s)", [raw, resolved])

where(found) := "" if found.relation == "is"
else := sprintf(", which %s %s", [found.relation, found.entry])

# The worst sensitive path a mount of `path` (resolved) in `mode` (`rw`/`ro`) reaches:
# {"severity", "relation", "entry", "danger"}; undefined when it reaches none, or when it is one CA
# bundle file read-only. The relation is `is` (the path itself), `is inside` (a sensitive directory
# above it, when that directory's `below` covers the mode) or `contains` (a sensitive path below
# it). Ties go to the path itself, then to the closest path it is inside, then to the closest path
# it contains (so `/var` is reported for /var/lib/etcd, not for a socket deep below it).
worst(path, mode) := found if {
	# The path itself is critical in this mode: nothing is worse, and it wins ties, so no other
	# candidate is looked at (the common case: a runtime socket, `/`, `/proc`, `/etc/kubernetes`).
	info := sensitive[path]
	info[mode] == "critical"
	found := {"severity": "critical", "relation": "is", "entry": path, "danger": info.danger}
} else := found if {
	not ca_bundle(path, mode)
	candidates := array.concat(array.concat(itself(path, mode), enclosing(path, mode)), contained(path, mode))
	count(candidates) > 0
	found := finding(sort(candidates)[0])
}

finding(c) := {"severity": c[4], "relation": c[6], "entry": c[3], "danger": c[5]}

# Candidates, as sortable rows [rank, relation order, distance, entry, severity, danger, relation]:
# the longer a path it is inside, the closer; the shorter a path it contains, the closer. Lookups
# by key for the path and its ancestors; only `contained` scans the table.
itself(path, mode) := [[rank[sev], 0, 0, path, sev, info.danger, "is"] |
	info := sensitive[path]
	sev := info[mode]
]

enclosing(path, mode) := [[rank[sev], 1, 0 - count(e), e, sev, info.danger, "is inside"] |
	some e in ancestors(path)
	info := sensitive[e]
	below(info.below, mode)
	sev := info[mode]
]

contained(path, mode) := [[rank[sev], 2, count(e), e, sev, info.danger, "contains"] |
	containing_dirs[path]
	prefix := dir_prefix(path)
	some e, info in sensitive
	startswith(e, prefix)
	e != path
	sev := info[mode]
]

# The directories above some sensitive path: only these contain one, so only a mount of one of them
# scans the table (lib/host_paths_test.rego checks this list against the table).
containing_dirs := {
	"/",
	"/etc",
	"/run",
	"/run/containerd",
	"/run/crio",
	"/run/docker",
	"/run/docker/containerd",
	"/run/k3s",
	"/run/k3s/containerd",
	"/run/podman",
	"/sys",
	"/sys/kernel",
	"/var",
	"/var/lib",
	"/var/lib/kubelet",
	"/var/snap",
	"/var/snap/microk8s",
	"/var/snap/microk8s/common",
	"/var/snap/microk8s/common/run",
}

# What every path strictly below the directory `dir` starts with (`/` itself is below nothing).
dir_prefix(dir) := "/" if dir == "/"

dir_prefix(dir) := concat("", [dir, "/"]) if dir != "/"

# The directories strictly above the resolved path `path`: `/a/b/c` → `/`, `/a`, `/a/b`.
ancestors(path) := [] if path == "/"

ancestors(path) := array.concat(["/"], [concat("/", array.slice(segs, 0, k)) |
	segs := split(path, "/")
	count(segs) > 2
	some k in numbers.range(2, count(segs) - 1)
]) if path != "/"

below(rule, mode) if {
	rule == "all"
	mode in {"rw", "ro"}
}

below(rule, mode) if {
	rule == "writable"
	mode == "rw"
}

ca_bundle(path, mode) if {
	mode == "ro"
	path in ca_bundle_files
}
