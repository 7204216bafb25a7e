# Tests for the aggregation of ClusterRoles (rbac_aggregate.rego) and the rules the RBAC rules then
# see through palisade.lib.rbac.rules.
package palisade.lib.rbac_aggregate_test

import data.palisade.lib.rbac
import data.palisade.lib.rbac_aggregate

cluster_role(name, labels, rules) := {"kind": "ClusterRole", "metadata": {"name": name, "labels": labels}, "rules": rules}

aggregating(name, selectors) := {"kind": "ClusterRole", "metadata": {"name": name}, "aggregationRule": {"clusterRoleSelectors": selectors}, "rules": [{"apiGroups": [""], "resources": ["ignored"], "verbs": ["get"]}]}

secrets := {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}

pods := {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}

nodes := {"apiGroups": [""], "resources": ["nodes"], "verbs": ["patch"]}

watch_pods := {"apiGroups": [""], "resources": ["pods"], "verbs": ["watch"]}

delete_nodes := {"apiGroups": [""], "resources": ["nodes"], "verbs": ["delete"]}

inventory(roles) := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRole": {r.metadata.name: r | some r in roles}}}}

sources := [
	cluster_role("a-secrets", {"team": "a", "tier": "gold"}, [secrets, pods]),
	cluster_role("b-pods", {"team": "b"}, [watch_pods]),
	cluster_role("c-nodes", {"team": "c", "tier": "bronze"}, [nodes]),
	cluster_role("unlabelled", {}, [delete_nodes]),
]

review(o) := {"review": {"kind": {"kind": o.kind}, "object": o}}

sources_of(role, roles) := {e.source | some e in got} if {
	got := rbac_aggregate.rules_of(role) with data.inventory as inventory(roles)
}

test_match_labels_pick_and_selectors_or if {
	role := aggregating("agg", [{"matchLabels": {"team": "a"}}, {"matchLabels": {"team": "c"}}])
	sources_of(role, array.concat(sources, [role])) == {"a-secrets", "c-nodes"}
}

test_match_labels_and_within_a_selector if {
	role := aggregating("agg", [{"matchLabels": {"team": "a", "tier": "bronze"}}])
	sources_of(role, sources) == set()
}

test_match_expressions if {
	sources_of(aggregating("agg", [{"matchExpressions": [{"key": "tier", "operator": "In", "values": ["gold", "bronze"]}]}]), sources) == {"a-secrets", "c-nodes"}
	sources_of(aggregating("agg", [{"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["gold"]}]}]), sources) == {"b-pods", "c-nodes", "unlabelled"}
	sources_of(aggregating("agg", [{"matchExpressions": [{"key": "team", "operator": "Exists"}]}]), sources) == {"a-secrets", "b-pods", "c-nodes"}
	sources_of(aggregating("agg", [{"matchExpressions": [{"key": "team", "operator": "DoesNotExist"}]}]), sources) == {"unlabelled"}
	sources_of(aggregating("agg", [{"matchLabels": {"team": "c"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["gold"]}]}]), sources) == set()
	sources_of(aggregating("agg", [{"matchExpressions": [{"key": "team", "operator": "Matches"}]}]), sources) == set()
}

test_empty_selector_picks_every_other_cluster_role if {
	role := aggregating("agg", [{}])
	sources_of(role, array.concat(sources, [role])) == {"a-secrets", "b-pods", "c-nodes", "unlabelled"}
}

test_identical_rules_are_taken_once_from_the_first_source if {
	roles := array.concat(sources, [cluster_role("d-pods", {"team": "d"}, [pods])])
	entries := rbac_aggregate.rules_of(aggregating("agg", [{"matchLabels": {"team": "d"}}, {"matchLabels": {"team": "a"}}])) with data.inventory as inventory(roles)
	[[e.source, e.selector, e.index] | some e in entries] == [["d-pods", 0, 0], ["a-secrets", 1, 0]]
}

test_a_role_picked_by_two_selectors_counts_once if {
	entries := rbac_aggregate.rules_of(aggregating("agg", [{"matchLabels": {"tier": "gold"}}, {"matchLabels": {"team": "a"}}])) with data.inventory as inventory(sources)
	[[e.source, e.selector, e.index] | some e in entries] == [["a-secrets", 0, 0], ["a-secrets", 0, 1]]
}

test_rules_are_the_union_with_sources_and_selector_paths if {
	role := aggregating("agg", [{"matchLabels": {"team": "c"}}, {"matchLabels": {"team": "a"}}])
	got := rbac.rules with input as review(role) with data.inventory as inventory(sources)
	[[x.name, x.path] | some x in got] == [
		["rule 0 of ClusterRole c-nodes", "/aggregationRule/clusterRoleSelectors/0"],
		["rule 0 of ClusterRole a-secrets", "/aggregationRule/clusterRoleSelectors/1"],
		["rule 1 of ClusterRole a-secrets", "/aggregationRule/clusterRoleSelectors/1"],
	]
}

test_own_rules_of_an_aggregating_role_are_ignored if {
	got := rbac.rules with input as review(aggregating("agg", [{"matchLabels": {"team": "none"}}])) with data.inventory as inventory(sources)
	got == []
}

test_served_fact_is_used_when_the_inventory_holds_the_same_role if {
	role := aggregating("agg", [{"matchLabels": {"team": "a"}}])
	fact := {"agg": [{"source": "from-fact", "selector": 0, "index": 0, "rule": secrets}]}
	got := rbac_aggregate.rules_of(role) with data.inventory as inventory(array.concat(sources, [role]))
		with data.palisade_facts as {"palisade.lib.rbac_aggregate.computed": fact}
	[e.source | some e in got] == ["from-fact"]

	# A changed aggregationRule under review is judged on its own selectors.
	changed := aggregating("agg", [{"matchLabels": {"team": "c"}}])
	again := rbac_aggregate.rules_of(changed) with data.inventory as inventory(array.concat(sources, [role]))
		with data.palisade_facts as {"palisade.lib.rbac_aggregate.computed": fact}
	[e.source | some e in again] == ["c-nodes"]
}

test_computed_covers_every_aggregating_role if {
	role := aggregating("agg", [{"matchLabels": {"team": "b"}}])
	got := rbac_aggregate.computed with data.inventory as inventory(array.concat(sources, [role]))
	object.keys(got) == {"agg"}
	[e.source | some e in got.agg] == ["b-pods"]
}

test_aggregate_to_labels_are_named if {
	role := cluster_role("extra", {"rbac.authorization.k8s.io/aggregate-to-edit": "true"}, [secrets])
	got := rbac.rules with input as review(role)
	got[0].name == "rule 0 (aggregated into edit: every user with edit or admin gets it)"
	view := cluster_role("extra", {"rbac.authorization.k8s.io/aggregate-to-view": "true", "rbac.authorization.k8s.io/aggregate-to-admin": "true"}, [secrets])
	again := rbac.rules with input as review(view)
	again[0].name == "rule 0 (aggregated into admin, view: every user with view, edit or admin gets it)"
	off := cluster_role("extra", {"rbac.authorization.k8s.io/aggregate-to-edit": "false"}, [secrets])
	plain := rbac.rules with input as review(off)
	plain[0].name == "rule 0"
}
