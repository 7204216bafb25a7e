# NETPOL-ALLOW-ALL: a NetworkPolicy rule that admits every peer on every port: no `from`/`to`, an
# empty podSelector with an empty namespaceSelector, or ipBlock 0.0.0.0/0 or ::/0 without except.
# Computed by the netpol crate and served in `input.palisade_derived` (lib/derived.rego).
package palisade.netpol.allow_all

metadata := {
	"id": "NETPOL-ALLOW-ALL",
	"title": "NetworkPolicy rule admits every peer",
	"severity": "medium",
	"kinds": ["NetworkPolicy"],
	"remediation": "Name the peers the rule is for (podSelector, namespaceSelector, or an ipBlock narrower than 0.0.0.0/0 or with except) or the ports; a rule without `from`/`to` and without ports undoes the isolation its policy creates.",
}

deny contains v if {
	some v in data.palisade.lib.derived.findings(metadata.id)
}
