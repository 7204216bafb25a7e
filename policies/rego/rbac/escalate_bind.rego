# RBAC-ESCALATE-BIND: `escalate` lets a subject write roles granting more than it holds; `bind`
# lets it bind roles it does not hold. Unrestricted on clusterroles in a ClusterRole, either
# verb reaches cluster-admin. Narrowed by resourceNames, they reach only the named roles.
# `bind` on clusterroles in a Role is effective (the check is made in the binding's namespace);
# `escalate` on clusterroles in a Role is not (ClusterRoles are cluster-scoped).
package palisade.rbac.escalate_bind

metadata := {
	"id": "RBAC-ESCALATE-BIND",
	"title": "RBAC escalate or bind",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Remove escalate and bind, or narrow them with resourceNames to the roles the subject may hand out.",
}

group := "rbac.authorization.k8s.io"

verbs := {"escalate", "bind"}

# Pairs of (verb, resource) the rule grants and that take effect for this kind.
pairs(r) := {sprintf("%s %s", [verb, res]) |
	some verb in verbs
	some res in ["roles", "clusterroles"]
	data.palisade.lib.rbac.allows(r, group, res, verb)
	effective(verb, res)
}

effective(_, _) if data.palisade.lib.rbac.is_cluster_role

effective(_, "roles") if data.palisade.lib.rbac.is_role

effective("bind", "clusterroles") if data.palisade.lib.rbac.is_role

reaches_cluster_roles(granted) if {
	some p in granted
	endswith(p, " clusterroles")
}

unrestricted_severity(granted) := "critical" if {
	data.palisade.lib.rbac.is_cluster_role
	reaches_cluster_roles(granted)
} else := "high"

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({group}, {"roles", "clusterroles"})

deny contains v if {
	some x in relevant
	not x.rule.narrowed
	granted := pairs(x.rule)
	count(granted) > 0
	v := {
		"msg": sprintf("%s grants %s on any role: the subject can grant permissions it does not hold", [x.name, data.palisade.lib.rbac.list(granted)]),
		"path": data.palisade.lib.rbac.verb_path(x, verbs),
		"severity": unrestricted_severity(granted),
	}
}

# Narrowed to roles none of which grants everything (else the finding below is the truth).
deny contains v if {
	some x in relevant
	x.rule.narrowed
	granted := pairs(x.rule)
	count(granted) > 0
	not names_admin(x, granted)
	v := {
		"msg": sprintf("%s grants %s only on the roles named %s", [x.name, data.palisade.lib.rbac.list(granted), data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "low",
		"remediation": data.palisade.lib.rbac.narrowed_remediation,
	}
}

deny contains v if {
	some x in relevant
	x.rule.narrowed
	granted := pairs(x.rule)
	reaches_cluster_roles(granted)
	some k, name in x.rule.resourceNames
	data.palisade.lib.rbac_admin.admin_cluster_role(name)
	v := {
		"msg": sprintf("%s grants %s on ClusterRole %q, which grants everything (%s)", [x.name, data.palisade.lib.rbac.list(granted), name, admin_reach]),
		"path": data.palisade.lib.rbac.field_path(x, sprintf("/resourceNames/%d", [k])),
		"severity": admin_severity,
		"remediation": data.palisade.lib.rbac.admin_name_remediation,
	}
}

names_admin(x, granted) if {
	reaches_cluster_roles(granted)
	some name in x.rule.resourceNames
	data.palisade.lib.rbac_admin.admin_cluster_role(name)
}

# A Role's bind on a ClusterRole takes effect only in RoleBindings of its own namespace.
admin_severity := "critical" if data.palisade.lib.rbac.is_cluster_role

admin_severity := "high" if data.palisade.lib.rbac.is_role

admin_reach := "cluster-wide" if data.palisade.lib.rbac.is_cluster_role

admin_reach := "in its namespace" if data.palisade.lib.rbac.is_role

warn contains v if {
	data.palisade.lib.rbac.is_role
	some x in relevant
	"clusterroles" in x.rule.resources
	data.palisade.lib.rbac.allows(x.rule, group, "clusterroles", "escalate")
	v := {
		"msg": sprintf("%s grants escalate on clusterroles in a Role; ClusterRoles are cluster-scoped, so this grants nothing", [x.name]),
		"path": data.palisade.lib.rbac.verb_path(x, {"escalate"}),
		"severity": "info",
	}
}

targets := [
	{"group": group, "resource": "roles", "verbs": verbs},
	{"group": group, "resource": "clusterroles", "verbs": verbs},
]

warn contains v if {
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, verbs)
}
