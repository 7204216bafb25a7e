# RBAC-CLUSTER-ADMIN-BINDING: a binding to the cluster-admin ClusterRole (or, with data.inventory,
# to any ClusterRole that grants everything) hands over the whole cluster, or a whole namespace
# through a RoleBinding. A binding to the group system:masters is flagged too: its members already
# bypass RBAC, so such a binding is either pointless or meant to hide in plain sight. A roleRef to
# a *Role* named cluster-admin is not the ClusterRole; that is only noted.
package palisade.rbac.cluster_admin_binding

metadata := {
	"id": "RBAC-CLUSTER-ADMIN-BINDING",
	"title": "Binding to cluster-admin or system:masters",
	"severity": "critical",
	"kinds": ["RoleBinding", "ClusterRoleBinding"],
	"remediation": "Bind a role that grants only what the subjects need; keep cluster-admin for break-glass accounts and never bind roles to system:masters.",
}

obj := data.palisade.lib.rbac.obj

subject_names := data.palisade.lib.rbac.list([sprintf("%s %s", [x.subject.kind, x.subject.name]) | some x in data.palisade.lib.rbac.subjects])

deny contains v if {
	obj.kind == "ClusterRoleBinding"
	data.palisade.lib.rbac_admin.admin_role_ref(obj.roleRef)
	v := {
		"msg": sprintf("binds ClusterRole %q, which grants everything, cluster-wide to %s", [obj.roleRef.name, subject_names]),
		"path": "/roleRef/name",
	}
}

deny contains v if {
	obj.kind == "RoleBinding"
	data.palisade.lib.rbac_admin.admin_role_ref(obj.roleRef)
	v := {
		"msg": sprintf("binds ClusterRole %q in namespace %q to %s: full control of the namespace, its Secrets and RBAC included", [obj.roleRef.name, namespace, subject_names]),
		"path": "/roleRef/name",
		"severity": "high",
	}
}

namespace := object.get(obj, ["metadata", "namespace"], "default")

deny contains v if {
	some x in data.palisade.lib.rbac.subjects
	x.subject.kind == "Group"
	x.subject.name == "system:masters"
	v := {
		"msg": sprintf("binds %s %q to the group system:masters, whose members already bypass RBAC", [obj.roleRef.kind, obj.roleRef.name]),
		"path": x.path,
		"severity": "medium",
	}
}

warn contains v if {
	obj.kind in data.palisade.lib.rbac.binding_kinds
	obj.roleRef.kind == "Role"
	obj.roleRef.name == "cluster-admin"
	v := {
		"msg": "roleRef names a Role called cluster-admin, which is not the cluster-admin ClusterRole; if the ClusterRole was meant, set kind: ClusterRole",
		"path": "/roleRef/kind",
		"severity": "info",
	}
}
