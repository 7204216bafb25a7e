# Shared RBAC helpers: which requests a Role or ClusterRole rule grants, judged the way the API
# server's RBAC authorizer judges them (verbs, API groups, resources and subresources,
# resourceNames), the subjects of bindings, and who holds cluster-admin.
#
# Matching, as the authorizer does it:
# - a verb matches when it is listed or `*` is; verbs are case-sensitive;
# - an API group matches when it is listed or `*` is; the core group is "";
# - a resource `r` or subresource `r/s` matches `*`, its exact name, or (for a subresource) `*/s`.
#   `pods/*` is not a pattern: it names a subresource literally called `*`;
# - resourceNames, when present, admit only requests that name one of them. Requests that carry no
#   name (top-level create and deletecollection) never match such a rule.
package palisade.lib.rbac

obj := input.review.object

role_kinds := {"Role", "ClusterRole"}

binding_kinds := {"RoleBinding", "ClusterRoleBinding"}

is_cluster_role if obj.kind == "ClusterRole"

is_role if obj.kind == "Role"

# Aggregated ClusterRoles get their rules from the other ClusterRoles their selectors pick (the
# aggregation controller overwrites their own): see rbac_aggregate.rego.
aggregated if {
	obj.kind == "ClusterRole"
	is_object(obj.aggregationRule)
}

# Every policy rule of the Role or ClusterRole under review, with its index, its JSON pointer and
# `name`, how messages call it: "rule 2" for its own rules; "rule 2 of ClusterRole monitoring" for
# a rule an aggregated ClusterRole takes from another (whose pointer is then the selector that
# picks it, where the user can act on it; `source` names that ClusterRole). A ClusterRole that
# aggregate-to labels put into admin, edit or view says so in the name. Missing or null lists in a
# rule read as empty ones. An array, not a set: rules are distinct by index, and a set of objects
# would be sorted by comparing them whole.
rules := own_rules if not aggregated

rules := aggregated_rules if aggregated

own_rules := [{"rule": normalized(r), "index": i, "path": sprintf("/rules/%d", [i]), "name": sprintf("rule %d%s", [i, into_note]), "own": true} |
	obj.kind in role_kinds
	some i, r in array_or_empty(obj, "rules")
	is_object(r)
]

aggregated_rules := [{
	"rule": normalized(e.rule),
	"index": e.index,
	"path": sprintf("/aggregationRule/clusterRoleSelectors/%d", [e.selector]),
	"name": sprintf("rule %d of ClusterRole %s%s", [e.index, e.source, into_note]),
	"own": false,
	"source": e.source,
} |
	some e in data.palisade.lib.rbac_aggregate.rules_of(obj)
]

# " (aggregated into edit: every user with edit or admin gets it)" for a ClusterRole labelled
# aggregate-to-edit, and so on; "" for any other role.
into_note := sprintf(" (%s)", [into_text]) if into_text

into_note := "" if not into_text

# Computed once per object: the note is read for every rule.
into_text := data.palisade.lib.rbac_aggregate.into_builtin(obj) if is_cluster_role

# JSON pointer to `suffix` (say "/verbs/2") inside rule `x`; for a rule an aggregated ClusterRole
# takes from another, the selector that picks it, as its own fields are not in this object.
field_path(x, suffix) := concat("", [x.path, suffix]) if x.own

field_path(x, _) := x.path if not x.own

# The rules that may grant something on one of `resources` (names, or name/subresource) in one
# of `groups` (both sets): a first cut by set intersection, so a policy calls the finer helpers
# (`allows`, `granted`) only on rules that can matter. Complete rules of the form
# `relevant := touching(…)` in a policy package are computed once per object.
touching(groups, resources) := [x |
	some x in rules
	count(x.rule.group_set & wanted_groups) > 0
	count(x.rule.resource_set & wanted_resources) > 0
] if {
	not sub_wildcards
	wanted_groups := groups | {"*"}
	wanted_resources := resources | {"*"}
}

# With a `*/<subresource>` entry in some rule, the subresources of `resources` are matched too.
touching(groups, resources) := [x |
	some x in rules
	count(x.rule.group_set & wanted_groups) > 0
	count(x.rule.resource_set & patterns) > 0
] if {
	sub_wildcards
	wanted_groups := groups | {"*"}
	patterns := {"*"} | resources | {concat("", ["*/", parts[1]]) |
		some res in resources
		parts := split(res, "/")
		count(parts) > 1
	}
}

# Some rule of the role names a subresource of every resource (`*/status`): rare, so `touching`
# builds the `*/<subresource>` patterns of what it looks for only then. Computed once per object.
sub_wildcards if {
	some x in rules
	some r in x.rule.resources
	is_string(r)
	startswith(r, "*/")
}

# A policy rule with its lists, the same lists as sets (for matching by intersection, which the
# VM does without a function call per entry), whether resourceNames narrow it, and its verbs that
# are not in lower case (for `miscased`: most rules have none).
normalized(r) := {
	"apiGroups": groups,
	"resources": resources,
	"verbs": verbs,
	"resourceNames": names,
	"group_set": {g | some g in groups},
	"resource_set": {x | some x in resources},
	"verb_set": {v | some v in verbs},
	"narrowed": count(names) > 0,
	"odd_verbs": {v | some v in verbs; is_string(v); lower(v) != v},
} if {
	groups := array_or_empty(r, "apiGroups")
	resources := array_or_empty(r, "resources")
	verbs := array_or_empty(r, "verbs")
	names := array_or_empty(r, "resourceNames")
}

array_or_empty(o, key) := o[key] if {
	is_array(o[key])
} else := []

verb_matches(r, verb) if count({verb, "*"} & r.verb_set) > 0

group_matches(r, group) if count({group, "*"} & r.group_set) > 0

# True when rule `r` grants requests on `resource` in `group` for some verb. `resource` is a
# resource ("pods") or a resource with its subresource ("pods/exec"); it matches `*`, itself, or
# `*/<subresource>`. A resource without a subresource gets a subresource no rule can name
# ("\u0000"), so `*/` alone never matches it, as in the authorizer.
reaches(r, group, resource) if {
	count({group, "*"} & r.group_set) > 0
	sub := array.concat(split(resource, "/"), ["\u0000"])[1]
	count({resource, "*", concat("", ["*/", sub])} & r.resource_set) > 0
}

# True when rule `r` grants `verb` on `resource` in `group` for some object name.
allows(r, group, resource, verb) if {
	count({verb, "*"} & r.verb_set) > 0
	reaches(r, group, resource)
}

# The verbs out of the set `wanted` that rule `r` grants on `resource` in `group` (the empty set
# when it does not reach it). One body, builtins only: it runs for every target of every rule.
granted(r, group, resource, wanted) := {v |
	count({group, "*"} & r.group_set) > 0
	sub := array.concat(split(resource, "/"), ["\u0000"])[1]
	count({resource, "*", concat("", ["*/", sub])} & r.resource_set) > 0
	some v in wanted
	count({v, "*"} & r.verb_set) > 0
}

# True when the rule is narrowed to named objects by resourceNames.
narrowed(r) if r.narrowed

names(r) := r.resourceNames

# A request without an object name: what resourceNames can never admit.
unnamed_verb(resource, verb) if {
	verb in {"create", "deletecollection"}
	not contains(resource, "/")
}

# Index of the first entry of `r.verbs` that grants one of `wanted` (a `*` or a listed verb).
verb_index(r, wanted) := min({j | some j, v in r.verbs; v in ({"*"} | wanted)})

# JSON pointer to the first verb entry of rule `x` that grants one of `wanted`.
verb_path(x, wanted) := field_path(x, sprintf("/verbs/%d", [verb_index(x.rule, wanted)]))

names_path(x) := field_path(x, "/resourceNames")

# "a, b, c" for a set or array of strings.
list(items) := concat(", ", sort([sprintf("%v", [i]) | some i in items]))

# True for a rule with `*` in apiGroups, resources and verbs: everything, like cluster-admin.
full_wildcard(r) if {
	"*" in r.apiGroups
	"*" in r.resources
	"*" in r.verbs
}

# Every subject of the binding under review, with the pointer to its name.
subjects contains {"subject": s, "index": i, "path": sprintf("/subjects/%d/name", [i])} if {
	obj.kind in binding_kinds
	some i, s in array_or_empty(obj, "subjects")
	is_object(s)
}

# What rule `r` grants of `targets` (objects with `group`, `resource` and the set of `verbs` that
# matter on it), limited to the verbs in `wanted`, as "verbs resource" texts joined by "; ";
# undefined when it grants none of them. Resources granted the same verbs share one text. A rule
# granting none of the verbs (the usual read-only rule) is ruled out before the targets are walked.
grants(r, targets, wanted) := concat("; ", sort(texts)) if {
	count(r.verb_set & ({"*"} | wanted)) > 0
	found := [{"verbs": concat(", ", sort(verbs)), "resource": t.resource} |
		some t in targets
		verbs := granted(r, t.group, t.resource, t.verbs & wanted)
		count(verbs) > 0
	]
	count(found) > 0
	texts := {sprintf("%s %s", [f.verbs, concat(", ", sort({g.resource | some g in found; g.verbs == f.verbs}))]) | some f in found}
}

# The verbs of rule `r` that would be one of `wanted` but for their case. The authorizer compares
# verbs exactly, so `Update` grants nothing.
miscased(r, wanted) := {v |
	some v in r.odd_verbs
	lower(v) in wanted
}

# Info notes for rules among `relevant` that reach one of `targets` but list one of `wanted` in
# the wrong case: what the author meant is not granted.
miscased_notes(relevant, targets, wanted) := {v |
	some x in relevant
	count(x.rule.odd_verbs) > 0
	bad := miscased(x.rule, wanted)
	count(bad) > 0
	some t in targets
	reaches(x.rule, t.group, t.resource)
	v := {
		"msg": sprintf("%s lists %s: verbs are case-sensitive, so these grant nothing", [x.name, list(bad)]),
		"path": x.path,
		"severity": "info",
	}
}

# Info notes for rules of a Role that name one of `targets` (cluster-scoped resources) outright:
# a Role grants nothing on cluster-scoped resources. A `*` in a Role is not noted; it means the
# namespaced resources there.
cluster_scoped_notes(targets) := {v |
	is_role
	some x in rules
	named := {t.resource | some t in targets; t.resource in x.rule.resource_set; group_matches(x.rule, t.group)}
	count(named) > 0
	v := {
		"msg": sprintf("%s grants %s in a Role; these are cluster-scoped, so this grants nothing", [x.name, list(named)]),
		"path": x.path,
		"severity": "info",
	}
}

# The namespace of the Role under review: its metadata, else the request's.
role_namespace := obj.metadata.namespace if {
	is_string(obj.metadata.namespace)
} else := input.review.namespace if {
	is_string(input.review.namespace)
}

# True when the role reaches kube-system: a ClusterRole (bound by a ClusterRoleBinding, or by a
# RoleBinding there), or a Role in kube-system.
reaches_kube_system if is_cluster_role

reaches_kube_system if {
	is_role
	role_namespace == "kube-system"
}

# Where a role that reaches kube-system reaches, for messages.
kube_system_reach := "kube-system" if is_role

kube_system_reach := sprintf("%s, kube-system included", [reach]) if {
	is_cluster_role
	reach := scope
	startswith(reach, "every namespace")
}

kube_system_reach := sprintf("%s, kube-system included if bound there", [reach]) if {
	is_cluster_role
	reach := scope
	not startswith(reach, "every namespace")
}

# Where the role's rules reach, for messages (see rbac_scope.rego).
scope := data.palisade.lib.rbac_scope.scope

# How to fix findings about a rule already narrowed by resourceNames, in place of a rule's
# "narrow it with resourceNames" (its metadata's remediation): findings carry them as `remediation`.
narrowed_remediation := "This rule is already narrowed by resourceNames: check that each name is one the subject needs, and remove the others."

unnamed_remediation := "resourceNames cannot narrow create or deletecollection (their requests name no object): remove these verbs from the narrowed rule, or grant them in a rule of their own if the subject needs them."

admin_name_remediation := "Remove this name from resourceNames: it reaches cluster-admin, so narrowing to it narrows nothing."
