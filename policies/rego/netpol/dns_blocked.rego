# NETPOL-DNS-BLOCKED: a workload whose egress is isolated and whose pods cannot reach cluster DNS
# (pods labelled k8s-app=kube-dns in kube-system) on UDP 53 and TCP 53, judged with the netpol
# crate's semantics. Computed by the netpol crate and served in `input.palisade_derived`
# (lib/derived.rego).
package palisade.netpol.dns_blocked

metadata := {
	"id": "NETPOL-DNS-BLOCKED",
	"title": "Egress isolated without a path to cluster DNS",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
	"remediation": "Allow egress to cluster DNS on both UDP 53 and TCP 53 (TCP carries large answers and zone transfers): `to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]`, ports UDP 53 and TCP 53.",
}

deny contains v if {
	some v in data.palisade.lib.derived.findings(metadata.id)
}
