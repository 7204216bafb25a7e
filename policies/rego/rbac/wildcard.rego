# RBAC-WILDCARD: a `*` in a rule's apiGroups, resources or verbs grants everything of that kind,
# including API groups, resources and verbs added to the cluster later. `*` in all three is
# cluster-admin (in a ClusterRole) or namespace admin (in a Role). An entry such as `pods/*`
# is not a pattern at all: the API server matches it only against a subresource named `*`.
package palisade.rbac.wildcard

metadata := {
	"id": "RBAC-WILDCARD",
	"title": "Wildcard in an RBAC rule",
	"severity": "medium",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "List the API groups, resources and verbs the subject needs instead of `*`.",
}

fields := ["apiGroups", "resources", "verbs"]

what := {
	"apiGroups": "its resources in every API group",
	"resources": "every resource and subresource of its API groups",
	"verbs": "every verb, escalate, bind, impersonate and delete included",
}

deny contains v if {
	some x in data.palisade.lib.rbac.rules
	some field in fields
	some j, entry in x.rule[field]
	entry == "*"
	v := {
		"msg": sprintf("%s grants %s (%s: *)", [x.name, what[field], field]),
		"path": data.palisade.lib.rbac.field_path(x, sprintf("/%s/%d", [field, j])),
		"severity": severity(x.rule),
	}
}

deny contains v if {
	some x in data.palisade.lib.rbac.rules
	some j, entry in x.rule.resources
	startswith(entry, "*/")
	v := {
		"msg": sprintf("%s grants the %q subresource of every resource in its API groups (resources: %s)", [x.name, substring(entry, 2, -1), entry]),
		"path": data.palisade.lib.rbac.field_path(x, sprintf("/resources/%d", [j])),
		"severity": severity(x.rule),
	}
}

# An entry with `*` that the API server does not treat as a wildcard: it grants nothing.
warn contains v if {
	some x in data.palisade.lib.rbac.rules
	some field in fields
	some j, entry in x.rule[field]
	contains(entry, "*")
	entry != "*"
	not startswith(entry, "*/")
	v := {
		"msg": sprintf("%s: %s entry %q is not a wildcard; the API server matches it literally, so it grants nothing (use `*`, `*/subresource`, or list the names)", [x.name, field, entry]),
		"path": data.palisade.lib.rbac.field_path(x, sprintf("/%s/%d", [field, j])),
		"severity": "info",
	}
}

severity(r) := "critical" if {
	data.palisade.lib.rbac.full_wildcard(r)
	data.palisade.lib.rbac.is_cluster_role
} else := "high" if {
	data.palisade.lib.rbac.full_wildcard(r)
} else := "medium"
