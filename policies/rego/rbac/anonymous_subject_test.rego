# Tests for RBAC-ANONYMOUS-SUBJECT (anonymous_subject.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.anonymous_subject_test

import data.palisade.rbac.anonymous_subject

binding(kind, ref_name, names) := {"review": {"kind": {"kind": kind}, "object": {
	"kind": kind,
	"metadata": {"name": "b"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": ref_name},
	"subjects": [{"kind": "Group", "name": n} | some n in names],
}}}

by_path(findings) := {f.path: f.severity | some f in findings}

test_anonymous_and_unauthenticated_are_denied if {
	v := anonymous_subject.deny with input as binding("ClusterRoleBinding", "reader", ["system:authenticated", "system:unauthenticated", "system:anonymous"])
	by_path(v) == {"/subjects/1/name": "high", "/subjects/2/name": "high"}
	w := anonymous_subject.warn with input as binding("ClusterRoleBinding", "reader", ["system:authenticated"])
	by_path(w) == {"/subjects/0/name": "medium"}
}

test_cluster_admin_to_everyone_is_critical if {
	v := anonymous_subject.deny with input as binding("ClusterRoleBinding", "cluster-admin", ["system:authenticated", "system:anonymous"])
	by_path(v) == {"/subjects/0/name": "critical", "/subjects/1/name": "critical"}
}

test_discovery_roles_pass if {
	input_ := binding("ClusterRoleBinding", "system:public-info-viewer", ["system:authenticated", "system:unauthenticated"])
	count(anonymous_subject.deny) == 0 with input as input_
	count(anonymous_subject.warn) == 0 with input as input_
}

test_allowed_roles_parameter if {
	input_ := object.union(binding("RoleBinding", "health", ["system:unauthenticated"]), {"parameters": {"rbac_anonymous_allowed_roles": ["health"]}})
	count(anonymous_subject.deny) == 0 with input as input_
}

test_disallow_authenticated_parameter if {
	input_ := object.union(binding("RoleBinding", "reader", ["system:authenticated"]), {"parameters": {"rbac_disallow_authenticated": true}})
	v := anonymous_subject.deny with input as input_
	by_path(v) == {"/subjects/0/name": "medium"}
	count(anonymous_subject.warn) == 0 with input as input_
}

test_ordinary_subjects_pass if {
	count(anonymous_subject.deny) == 0 with input as binding("RoleBinding", "reader", ["system:foo", "developers"])
}
