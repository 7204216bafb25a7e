# RBAC-IMPERSONATE: `impersonate` lets a subject act as another user, group, service account, UID
# or user extra. Unrestricted impersonation of users or groups is impersonation of anyone,
# system:masters included. A rule narrowed by resourceNames reaches only the named identities: it is
# reported at low severity naming them, unless one of them holds cluster-admin (the group
# system:masters, or a subject of a ClusterRoleBinding to cluster-admin in data.inventory).
# Users, groups, UIDs and user extras are cluster-scoped, so only a ClusterRole can grant them;
# a Role can grant impersonation of the service accounts in its namespace.
package palisade.rbac.impersonate

metadata := {
	"id": "RBAC-IMPERSONATE",
	"title": "Impersonation of users, groups or service accounts",
	"severity": "critical",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Narrow impersonation with resourceNames to the identities the subject must act as, and never to system:masters or anyone bound to cluster-admin.",
}

targets := [
	{"group": "", "resource": "users", "kind": "User", "what": "any user"},
	{"group": "", "resource": "groups", "kind": "Group", "what": "any group, system:masters included"},
	{"group": "", "resource": "serviceaccounts", "kind": "ServiceAccount", "what": "any service account"},
	{"group": "authentication.k8s.io", "resource": "uids", "kind": "", "what": "any user UID"},
]

# Cluster-scoped identities cannot be granted by a Role.
effective(_) if data.palisade.lib.rbac.is_cluster_role

effective(t) if t.resource == "serviceaccounts"

# Any service account of the cluster includes kube-system's controllers; of a namespace, its own.
sa_severity := "critical" if data.palisade.lib.rbac.is_cluster_role

sa_severity := "high" if data.palisade.lib.rbac.is_role

unrestricted_severity(t) := object.get({"users": "critical", "groups": "critical", "uids": "medium"}, t.resource, sa_severity)

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({t.group | some t in targets}, {t.resource | some t in targets})

deny contains v if {
	some x in relevant
	not x.rule.narrowed
	some t in targets
	effective(t)
	data.palisade.lib.rbac.allows(x.rule, t.group, t.resource, "impersonate")
	v := {
		"msg": sprintf("%s can impersonate %s (%s without resourceNames)", [x.name, t.what, t.resource]),
		"path": data.palisade.lib.rbac.verb_path(x, {"impersonate"}),
		"severity": unrestricted_severity(t),
	}
}

# Narrowed to identities none of which holds cluster-admin (else the findings below are the truth).
deny contains v if {
	some x in relevant
	x.rule.narrowed
	not names_admin(x)
	kinds := {t.resource | some t in targets; effective(t); data.palisade.lib.rbac.allows(x.rule, t.group, t.resource, "impersonate")}
	count(kinds) > 0
	v := {
		"msg": sprintf("%s can impersonate only the %s named %s", [x.name, data.palisade.lib.rbac.list(kinds), data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "low",
		"remediation": data.palisade.lib.rbac.narrowed_remediation,
	}
}

# A named identity that holds cluster-admin is as good as impersonating anyone.
deny contains v if {
	some x in relevant
	x.rule.narrowed
	some t in targets
	effective(t)
	data.palisade.lib.rbac.allows(x.rule, t.group, t.resource, "impersonate")
	some k, name in x.rule.resourceNames
	data.palisade.lib.rbac_admin.admin_subject(t.kind, name)
	v := {
		"msg": sprintf("%s can impersonate %s %q, which holds cluster-admin", [x.name, lower(t.kind), name]),
		"path": data.palisade.lib.rbac.field_path(x, sprintf("/resourceNames/%d", [k])),
		"severity": "critical",
		"remediation": data.palisade.lib.rbac.admin_name_remediation,
	}
}

# A narrowed rule names an identity that holds cluster-admin (the finding above).
names_admin(x) if {
	some t in targets
	effective(t)
	data.palisade.lib.rbac.allows(x.rule, t.group, t.resource, "impersonate")
	some name in x.rule.resourceNames
	data.palisade.lib.rbac_admin.admin_subject(t.kind, name)
}

# User extras (`userextras/<key>` in authentication.k8s.io) add attributes to an impersonated user.
deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in data.palisade.lib.rbac.rules
	data.palisade.lib.rbac.verb_matches(x.rule, "impersonate")
	data.palisade.lib.rbac.group_matches(x.rule, "authentication.k8s.io")
	some j, entry in x.rule.resources
	extras_entry(entry)
	v := {
		"msg": sprintf("%s can impersonate user extras (%s)%s", [x.name, entry, extras_scope(x.rule)]),
		"path": data.palisade.lib.rbac.field_path(x, sprintf("/resources/%d", [j])),
		"severity": extras_severity(x.rule),
	}
}

extras_entry(entry) if entry == "*"

extras_entry(entry) if startswith(entry, "userextras/")

extras_scope(r) := sprintf(" with the values %s", [data.palisade.lib.rbac.list(r.resourceNames)]) if r.narrowed

extras_scope(r) := " with any value" if not r.narrowed

extras_severity(r) := "low" if r.narrowed

extras_severity(r) := "medium" if not r.narrowed

# A Role cannot grant impersonation of cluster-scoped identities.
warn contains v if {
	data.palisade.lib.rbac.is_role
	some x in relevant
	some t in targets
	t.resource != "serviceaccounts"
	t.resource in x.rule.resources
	data.palisade.lib.rbac.allows(x.rule, t.group, t.resource, "impersonate")
	v := {
		"msg": sprintf("%s grants impersonate on %s in a Role; %s are cluster-scoped, so this grants nothing (only a ClusterRole can)", [x.name, t.resource, t.resource]),
		"path": data.palisade.lib.rbac.verb_path(x, {"impersonate"}),
		"severity": "info",
	}
}

warn contains v if {
	some v in data.palisade.lib.rbac.miscased_notes(relevant, [{"group": t.group, "resource": t.resource} | some t in targets], {"impersonate"})
}
