# PSS-SYSCTLS (baseline, all versions): only namespaced, isolated ("safe") sysctls may be set.
# Checks spec.securityContext.sysctls[*].name against the allowed list of the version (the list
# grows at v1.27, v1.29, v1.32 and v1.37).
package palisade.pss.sysctls

metadata := {
	"id": "PSS-SYSCTLS",
	"title": "Unsafe sysctls",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Set only safe sysctls (for example net.ipv4.ip_local_port_range, net.ipv4.ping_group_range, kernel.shm_rmid_forced) in spec.securityContext.sysctls.",
	"pss_level": "baseline",
	"since": 0,
}

# Each allowed sysctl with the first version that allows it.
allowed_since := {
	"kernel.shm_rmid_forced": 0,
	"net.ipv4.ip_local_port_range": 0,
	"net.ipv4.tcp_syncookies": 0,
	"net.ipv4.ping_group_range": 0,
	"net.ipv4.ip_unprivileged_port_start": 0,
	"net.ipv4.ip_local_reserved_ports": 27,
	"net.ipv4.tcp_keepalive_time": 29,
	"net.ipv4.tcp_fin_timeout": 29,
	"net.ipv4.tcp_keepalive_intvl": 29,
	"net.ipv4.tcp_keepalive_probes": 29,
	"net.ipv4.tcp_rmem": 32,
	"net.ipv4.tcp_wmem": 32,
	"net.ipv4.tcp_slow_start_after_idle": 37,
	"net.ipv4.tcp_notsent_lowat": 37,
}

allowed(name) if allowed_since[name] <= data.palisade.lib.pods.version

deny contains v if {
	some i, sysctl in data.palisade.lib.pods.pod_security_context.sysctls
	name := object.get(sysctl, "name", "")
	not allowed(name)
	v := {
		"msg": sprintf("forbidden sysctls (%s)", [name]),
		"path": sprintf("%s/sysctls/%d/name", [data.palisade.lib.pods.pod_security_context_path, i]),
	}
}
