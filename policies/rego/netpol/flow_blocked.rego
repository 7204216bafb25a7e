# NETPOL-FLOW-BLOCKED: an observed flow (`palisade lint --flows FILE`) that the policies would drop,
# reported on the workload whose policies drop it (the source for egress, the destination for
# ingress), or on the policy when no manifest describes that endpoint. Computed by the netpol crate
# and served in `input.palisade_derived` (lib/derived.rego).
package palisade.netpol.flow_blocked

metadata := {
	"id": "NETPOL-FLOW-BLOCKED",
	"title": "Observed flow dropped by NetworkPolicies",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "NetworkPolicy"],
	"remediation": "Allow the flow in a policy that isolates the workload (egress of the source, ingress of the destination), or, if the traffic is unwanted, stop it at its origin first; `palisade netpol simulate` shows every flow's verdict.",
}

deny contains v if {
	some v in data.palisade.lib.derived.findings(metadata.id)
}
