# NETPOL-MISSING-EGRESS: a workload whose pods no NetworkPolicy in their namespace selects for
# egress: they may connect anywhere. Computed by the netpol crate and served in
# `input.palisade_derived` (lib/derived.rego).
package palisade.netpol.missing_egress

metadata := {
	"id": "NETPOL-MISSING-EGRESS",
	"title": "Workload not isolated for egress",
	"severity": "low",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
	"remediation": "Add a NetworkPolicy in the workload's namespace whose podSelector selects its pods with policyTypes [Egress], allowing DNS (UDP and TCP 53 to kube-dns) and what the workload calls. Low by default; raise it with `rules: {severity: {NETPOL-MISSING-EGRESS: medium}}` in .palisade.yaml to require it.",
}

deny contains v if {
	some v in data.palisade.lib.derived.findings(metadata.id)
}
