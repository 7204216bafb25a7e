# Aggregated ClusterRoles, as the API server's aggregation controller builds them: a ClusterRole with
# an `aggregationRule` gets the union of the rules of every other ClusterRole that one of its
# clusterRoleSelectors picks (matchLabels and matchExpressions ANDed within a selector, OR across
# selectors; an empty selector picks every ClusterRole), identical rules once; its own `rules` are
# overwritten. The ClusterRoles are those of data.inventory (the linter's file set, the webhook's
# inventory). One level: a picked ClusterRole that aggregates itself contributes the rules it lists.
#
# The union of every aggregating ClusterRole depends on the inventory alone, so the engine computes
# `computed` once per inventory and serves it as
# data.palisade_facts["palisade.lib.rbac_aggregate.computed"]; without that entry (Rego tests, say)
# it is computed here. The object under review is looked up there when the inventory holds it
# with the same aggregationRule (always so in the linter); otherwise (a new or changed ClusterRole
# at admission) its union is computed on its own.
package palisade.lib.rbac_aggregate

cluster_roles := data.inventory.cluster["rbac.authorization.k8s.io/v1"].ClusterRole

# Two definitions rather than `else` (see rbac_admin_subjects.rego).
unions := data.palisade_facts["palisade.lib.rbac_aggregate.computed"]

unions := computed if not data.palisade_facts["palisade.lib.rbac_aggregate.computed"]

# Aggregating ClusterRole name → its union (see `union`).
computed[name] := union(role) if {
	some name, role in cluster_roles
	is_object(role.aggregationRule)
}

# The union for `role` (the ClusterRole under review): from `unions` when the inventory holds the
# same role, else computed now.
rules_of(role) := unions[role.metadata.name] if in_inventory(role)

rules_of(role) := union(role) if not in_inventory(role)

in_inventory(role) if {
	is_string(role.metadata.name)
	cluster_roles[role.metadata.name].aggregationRule == role.aggregationRule
	unions[role.metadata.name]
}

# The rules the aggregation controller would give `role`: an array of {"source": ClusterRole name,
# "selector": index of the first selector that picks it, "index": the rule's index in the source,
# "rule": the rule as written}, by selector, then source name, then index.
union(role) := distinct(candidates(role))

distinct(entries) := [e |
	some k, e in entries
	not seen_before(entries, k)
]

candidates(role) := [{"source": p.source, "selector": p.selector, "index": j, "rule": r} |
	some p in picked(role)
	some j, r in array_or_empty(cluster_roles[p.source], "rules")
	is_object(r)
]

# A rule the controller already took from an earlier source (it adds each distinct rule once).
seen_before(entries, k) if {
	some i, e in entries
	i < k
	e.rule == entries[k].rule
}

# The ClusterRoles `role`'s selectors pick, each with the first selector that picks it.
picked(role) := [{"source": name, "selector": i} |
	some i, sel in selectors(role)
	some name, other in cluster_roles
	name != role.metadata.name
	selects(sel, other)
	not picked_earlier(role, name, i)
]

picked_earlier(role, name, i) if {
	some h, sel in selectors(role)
	h < i
	selects(sel, cluster_roles[name])
}

selectors(role) := array_or_empty(role.aggregationRule, "clusterRoleSelectors")

# True when label selector `sel` picks `other`. A malformed selector (not an object, an unknown
# operator) picks nothing, as the controller then aggregates nothing through it.
selects(sel, other) if {
	is_object(sel)
	labels := labels_of(other)
	not label_differs(sel, labels)
	not expression_fails(sel, labels)
}

labels_of(o) := o.metadata.labels if {
	is_object(o.metadata.labels)
}

labels_of(o) := {} if not is_object(o.metadata.labels)

label_differs(sel, labels) if {
	some key, value in object_or_empty(sel, "matchLabels")
	not labels[key] == value
}

expression_fails(sel, labels) if {
	some e in array_or_empty(sel, "matchExpressions")
	not holds(e, labels)
}

holds(e, labels) if {
	e.operator == "In"
	labels[e.key] in array_or_empty(e, "values")
}

holds(e, labels) if {
	e.operator == "NotIn"
	not labels[e.key] in array_or_empty(e, "values")
}

holds(e, labels) if {
	e.operator == "Exists"
	has_label(labels, e.key)
}

holds(e, labels) if {
	e.operator == "DoesNotExist"
	is_string(e.key)
	not has_label(labels, e.key)
}

has_label(labels, key) if {
	_ = labels[key]
}

array_or_empty(o, key) := o[key] if {
	is_array(o[key])
} else := []

object_or_empty(o, key) := o[key] if {
	is_object(o[key])
} else := {}

# What a ClusterRole's aggregate-to labels say, for messages: the built-in ClusterRoles they
# aggregate it into and everyone who then gets its rules (view is aggregated into edit, and edit
# into admin, so the widest label decides). Undefined without such a label.
into_builtin(role) := sprintf("aggregated into %s: every user with %s gets it", [concat(", ", sort([t.role | some t in hits])), holders]) if {
	labels := labels_of(role)
	hits := [t | some label, t in builtin_targets; labels[label] == "true"]
	count(hits) > 0
	widest := max([t.rank | some t in hits])
	holders := [t.holders | some t in hits; t.rank == widest][0]
}

builtin_targets := {
	"rbac.authorization.k8s.io/aggregate-to-admin": {"role": "admin", "rank": 1, "holders": "admin"},
	"rbac.authorization.k8s.io/aggregate-to-edit": {"role": "edit", "rank": 2, "holders": "edit or admin"},
	"rbac.authorization.k8s.io/aggregate-to-view": {"role": "view", "rank": 3, "holders": "view, edit or admin"},
}
