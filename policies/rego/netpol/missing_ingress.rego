# NETPOL-MISSING-INGRESS: a workload whose pods no NetworkPolicy in their namespace selects for
# ingress: anything may connect to them. Computed by the netpol crate and served in
# `input.palisade_derived` (lib/derived.rego).
package palisade.netpol.missing_ingress

metadata := {
	"id": "NETPOL-MISSING-INGRESS",
	"title": "Workload not isolated for ingress",
	"severity": "low",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
	"remediation": "Add a NetworkPolicy in the workload's namespace whose podSelector selects its pods for Ingress (a default-deny `podSelector: {}` plus rules for the traffic it needs); `palisade netpol suggest` writes them from observed flows. Low by default so that repositories without NetworkPolicies pass CI; raise it with `rules: {severity: {NETPOL-MISSING-INGRESS: medium}}` in .palisade.yaml to require them.",
}

deny contains v if {
	some v in data.palisade.lib.derived.findings(metadata.id)
}
