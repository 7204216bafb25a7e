# RBAC-ANONYMOUS-SUBJECT: a binding to system:anonymous or system:unauthenticated grants its role to
# anyone who can reach the API server, without credentials; one to system:authenticated grants it
# to every user and every service account of the cluster. The API server's own discovery roles
# (system:public-info-viewer, system:discovery, system:basic-user) are bound so by design and
# pass. Parameters: `rbac_anonymous_allowed_roles` (role names such bindings may reference) and
# `rbac_disallow_authenticated` (true: deny system:authenticated bindings instead of warning).
package palisade.rbac.anonymous_subject

metadata := {
	"id": "RBAC-ANONYMOUS-SUBJECT",
	"title": "Binding to anonymous or all authenticated users",
	"severity": "high",
	"kinds": ["RoleBinding", "ClusterRoleBinding"],
	"remediation": "Bind the role to the users, groups or service accounts that need it, not to system:anonymous, system:unauthenticated or system:authenticated.",
}

obj := data.palisade.lib.rbac.obj

public_roles := {"system:public-info-viewer", "system:discovery", "system:basic-user"}

anonymous := {"system:anonymous", "system:unauthenticated"}

allowed_role if {
	obj.roleRef.kind == "ClusterRole"
	obj.roleRef.name in public_roles
}

allowed_role if {
	some name in input.parameters.rbac_anonymous_allowed_roles
	name == obj.roleRef.name
}

disallow_authenticated if input.parameters.rbac_disallow_authenticated == true

grant := sprintf("%s %q", [obj.roleRef.kind, obj.roleRef.name])

deny contains v if {
	not allowed_role
	some x in data.palisade.lib.rbac.subjects
	x.subject.name in anonymous
	v := {
		"msg": sprintf("grants %s to %s: anyone who can reach the API server, without credentials", [grant, x.subject.name]),
		"path": x.path,
		"severity": admin_or("high"),
	}
}

deny contains v if {
	not allowed_role
	some x in data.palisade.lib.rbac.subjects
	x.subject.name == "system:authenticated"
	blocking_authenticated
	v := {
		"msg": sprintf("grants %s to system:authenticated: every user and every service account of the cluster", [grant]),
		"path": x.path,
		"severity": admin_or("medium"),
	}
}

warn contains v if {
	not allowed_role
	some x in data.palisade.lib.rbac.subjects
	x.subject.name == "system:authenticated"
	not blocking_authenticated
	v := {
		"msg": sprintf("grants %s to system:authenticated: every user and every service account of the cluster", [grant]),
		"path": x.path,
		"severity": "medium",
	}
}

blocking_authenticated if disallow_authenticated

blocking_authenticated if data.palisade.lib.rbac_admin.admin_role_ref(obj.roleRef)

admin_or(_) := "critical" if data.palisade.lib.rbac_admin.admin_role_ref(obj.roleRef)

admin_or(severity) := severity if not data.palisade.lib.rbac_admin.admin_role_ref(obj.roleRef)
