# PSS-WINDOWS-HOST-PROCESS (baseline, all versions): Windows HostProcess containers give privileged
# access to the Windows node and must be disallowed. Checks securityContext.windowsOptions.hostProcess
# of the pod and of every container.
package palisade.pss.windows_host_process

metadata := {
	"id": "PSS-WINDOWS-HOST-PROCESS",
	"title": "Windows HostProcess containers",
	"severity": "critical",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Remove securityContext.windowsOptions.hostProcess or set it to false.",
	"pss_level": "baseline",
	"since": 0,
}

deny contains v if {
	data.palisade.lib.pods.pod_security_context.windowsOptions.hostProcess == true
	v := {
		"msg": "hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)",
		"path": sprintf("%s/windowsOptions/hostProcess", [data.palisade.lib.pods.pod_security_context_path]),
	}
}

deny contains v if {
	some c in data.palisade.lib.pods.containers
	c.sc.windowsOptions.hostProcess == true
	v := {
		"msg": sprintf("hostProcess (%s must not set securityContext.windowsOptions.hostProcess=true)", [c.who]),
		"path": sprintf("%s/securityContext/windowsOptions/hostProcess", [c.path]),
	}
}
