# Tests for the NETPOL rules: each reports exactly the derived facts of its own id, with their
# message and path, and nothing without facts (the facts themselves are tested in the netpol crate).
package palisade.netpol.derived_test

import data.palisade.netpol.allow_all
import data.palisade.netpol.dns_blocked
import data.palisade.netpol.flow_blocked
import data.palisade.netpol.missing_egress
import data.palisade.netpol.missing_ingress

review(kind) := {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "x"}}}

with_facts(kind, facts) := {"review": review(kind), "palisade_derived": facts}

labels := "/spec/template/metadata/labels"

facts := {
	"NETPOL-MISSING-INGRESS": [{"msg": "no ingress", "path": labels}],
	"NETPOL-MISSING-EGRESS": [{"msg": "no egress", "path": labels}],
	"NETPOL-DNS-BLOCKED": [{"msg": "no DNS on UDP 53", "path": labels}],
	"NETPOL-FLOW-BLOCKED": [{"msg": "a", "path": labels}, {"msg": "b", "path": labels}],
}

test_each_rule_reports_its_own_facts if {
	input_ := with_facts("Deployment", facts)
	missing_ingress.deny with input as input_ == {{"msg": "no ingress", "path": labels}}
	missing_egress.deny with input as input_ == {{"msg": "no egress", "path": labels}}
	dns_blocked.deny with input as input_ == {{"msg": "no DNS on UDP 53", "path": labels}}
	count(flow_blocked.deny) == 2 with input as input_
	count(allow_all.deny) == 0 with input as input_
}

test_allow_all_on_a_policy if {
	v := allow_all.deny with input as with_facts("NetworkPolicy", {"NETPOL-ALLOW-ALL": [{"msg": "ingress rule 0 admits every peer on every port (no `from`)", "path": "/spec/ingress/0"}]})
	{f.path | some f in v} == {"/spec/ingress/0"}
}

test_nothing_without_facts if {
	count(missing_ingress.deny) == 0 with input as {"review": review("Deployment")}
	count(dns_blocked.deny) == 0 with input as {"review": review("Deployment")}
}

test_severities if {
	missing_ingress.metadata.severity == "low"
	missing_egress.metadata.severity == "low"
	allow_all.metadata.severity == "medium"
	dns_blocked.metadata.severity == "high"
	flow_blocked.metadata.severity == "high"
}
