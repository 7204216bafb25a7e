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

# Aggregated ClusterRoles get their rules from other ClusterRoles (the aggregation controller
# fills them in). Judging them needs those roles and is left for later, so their rules are skipped.
aggregated if {
	obj.kind == "ClusterRole"
	obj.aggregationRule != null
}

# Every policy rule of the Role or ClusterRole under review, with its index and JSON pointer.
# Missing or null lists in a rule read as empty ones. An array, not a set: rules are distinct by
# index, and a set of objects would be sorted by comparing them whole.
rules := [{"rule": normalized(r), "index": i, "path": sprintf("/rules/%d", [i])} |
	obj.kind in role_kinds
	not aggregated
	some i, r in array_or_empty(obj, "rules")
	is_object(r)
]

# The rules that may grant something on one of `resources` (names, or name/subresource) in one
# of `groups` (both sets): a first cut by set intersection, so a policy calls the finer helpers
# (`allows`, `granted`) only on rules that can matter. Complete rules of the form
# `relevant := touching(…)` in a policy package are computed once per object.
touching(groups, resources) := [x |
	some x in rules
	count(x.rule.group_set & wanted_groups) > 0
	count(x.rule.resource_set & patterns) > 0
] if {
	wanted_groups := groups | {"*"}
	patterns := {"*"} | {p | some res in resources; some p in resource_patterns(res)}
}

# Resource entries that grant `res`: itself and, for a subresource, `*/<subresource>`.
resource_patterns(res) := {res, concat("", ["*/", split(res, "/")[1]])} if {
	contains(res, "/")
} else := {res}

# A policy rule with its lists, the same lists as sets (for matching by intersection, which the
# VM does without a function call per entry) and whether resourceNames narrow it.
normalized(r) := {
	"apiGroups": groups,
	"resources": resources,
	"verbs": verbs,
	"resourceNames": names,
	"group_set": {g | some g in groups},
	"resource_set": {x | some x in resources},
	"verb_set": {v | some v in verbs},
	"narrowed": count(names) > 0,
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

# The verbs out of the set `wanted` that rule `r` grants on `resource` in `group`.
granted(r, group, resource, wanted) := wanted if {
	"*" in r.verb_set
	reaches(r, group, resource)
} else := verbs if {
	reaches(r, group, resource)
	verbs := wanted & r.verb_set
} else := set()

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
verb_path(x, wanted) := sprintf("%s/verbs/%d", [x.path, verb_index(x.rule, wanted)])

names_path(x) := sprintf("%s/resourceNames", [x.path])

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
# undefined when it grants none of them. Resources granted the same verbs share one text.
grants(r, targets, wanted) := concat("; ", sort(texts)) if {
	found := [{"verbs": list(verbs), "resource": t.resource} |
		some t in targets
		verbs := granted(r, t.group, t.resource, t.verbs & wanted)
		count(verbs) > 0
	]
	count(found) > 0
	texts := {sprintf("%s %s", [f.verbs, list({g.resource | some g in found; g.verbs == f.verbs})]) | some f in found}
}

# The verbs of rule `r` that would be one of `wanted` but for their case. The authorizer compares
# verbs exactly, so `Update` grants nothing.
miscased(r, wanted) := {v |
	some v in r.verbs
	is_string(v)
	not v in wanted
	lower(v) in wanted
}

# Info notes for rules among `relevant` that reach one of `targets` but list one of `wanted` in
# the wrong case: what the author meant is not granted.
miscased_notes(relevant, targets, wanted) := {v |
	some x in relevant
	bad := miscased(x.rule, wanted)
	count(bad) > 0
	some t in targets
	reaches(x.rule, t.group, t.resource)
	v := {
		"msg": sprintf("rule %d lists %s: verbs are case-sensitive, so these grant nothing", [x.index, list(bad)]),
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
		"msg": sprintf("rule %d grants %s in a Role; these are cluster-scoped, so this grants nothing", [x.index, list(named)]),
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
	reach := data.palisade.lib.rbac_scope.scope
	startswith(reach, "every namespace")
}

kube_system_reach := sprintf("%s, kube-system included if bound there", [reach]) if {
	is_cluster_role
	reach := data.palisade.lib.rbac_scope.scope
	not startswith(reach, "every namespace")
}
