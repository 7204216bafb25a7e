# RBAC-DEFAULT-SA-BINDING: every pod that names no service account runs as its namespace's
# `default` one, so a role bound to it is granted to every such pod. Binding to the groups
# system:serviceaccounts (every service account of the cluster) or system:serviceaccounts:<ns>
# (every one of a namespace) reaches the default service accounts too.
package palisade.rbac.default_sa_binding

metadata := {
	"id": "RBAC-DEFAULT-SA-BINDING",
	"title": "Binding to default service accounts",
	"severity": "medium",
	"kinds": ["RoleBinding", "ClusterRoleBinding"],
	"remediation": "Create a dedicated service account for the workload, bind the role to it and set spec.serviceAccountName; leave default without permissions.",
}

obj := data.palisade.lib.rbac.obj

grant := sprintf("%s %q", [obj.roleRef.kind, obj.roleRef.name])

where := "cluster-wide" if obj.kind == "ClusterRoleBinding"

where := sprintf("in namespace %q", [object.get(obj, ["metadata", "namespace"], "default")]) if obj.kind == "RoleBinding"

base := "high" if obj.kind == "ClusterRoleBinding"

base := "medium" if obj.kind == "RoleBinding"

severity(_) := "critical" if data.palisade.lib.rbac_admin.admin_role_ref(obj.roleRef)

severity(s) := s if not data.palisade.lib.rbac_admin.admin_role_ref(obj.roleRef)

deny contains v if {
	some x in data.palisade.lib.rbac.subjects
	x.subject.kind == "ServiceAccount"
	x.subject.name == "default"
	ns := object.get(x.subject, "namespace", object.get(obj, ["metadata", "namespace"], ""))
	v := {
		"msg": sprintf("grants %s %s to the default service account of namespace %q, used by every pod there that names no other", [grant, where, ns]),
		"path": x.path,
		"severity": severity(base),
	}
}

deny contains v if {
	some x in data.palisade.lib.rbac.subjects
	x.subject.kind == "Group"
	x.subject.name == "system:serviceaccounts"
	v := {
		"msg": sprintf("grants %s %s to every service account of the cluster (system:serviceaccounts), default ones included", [grant, where]),
		"path": x.path,
		"severity": severity("high"),
	}
}

deny contains v if {
	some x in data.palisade.lib.rbac.subjects
	x.subject.kind == "Group"
	startswith(x.subject.name, "system:serviceaccounts:")
	v := {
		"msg": sprintf("grants %s %s to every service account of namespace %q (%s), its default one included", [grant, where, substring(x.subject.name, 23, -1), x.subject.name]),
		"path": x.path,
		"severity": severity(base),
	}
}
