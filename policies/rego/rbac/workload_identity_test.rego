# Tests for RBAC-WORKLOAD-IDENTITY (workload_identity.rego): the join workload → service account →
# bindings → role powers, the DaemonSet step, token mounting, binding scope, and that the chains
# and powers served as facts are read.
package palisade.rbac.workload_identity_test

import data.palisade.rbac.workload_identity

rbac := "rbac.authorization.k8s.io/v1"

workload(kind, ns, pod) := {"review": {"namespace": ns, "object": object.union(
	{"kind": kind, "metadata": {"name": "w", "namespace": ns}},
	{"spec": {"template": {"spec": pod}}},
)}}

pod(ns, spec) := {"review": {"namespace": ns, "object": {"kind": "Pod", "metadata": {"name": "p", "namespace": ns}, "spec": spec}}}

crb(name, role, subjects) := {"kind": "ClusterRoleBinding", "metadata": {"name": name}, "roleRef": {"kind": "ClusterRole", "name": role}, "subjects": subjects}

rb(name, kind, role, subjects) := {"kind": "RoleBinding", "roleRef": {"kind": kind, "name": role}, "subjects": subjects}

sa(ns, name) := {"kind": "ServiceAccount", "name": name, "namespace": ns}

inventory(crbs, rbs) := {
	"cluster": {rbac: {"ClusterRoleBinding": {b.metadata.name: b | some b in crbs}}},
	"namespace": {ns: {rbac: {"RoleBinding": bs}} | some ns, bs in rbs},
}

powers := {"rbac.role_powers": {
	"ClusterRole//scope": [
		{"rule": "RBAC-POD-DELETE", "severity": "medium", "msg": "rule 0 can delete pods in every namespace"},
		{"rule": "RBAC-WORKLOAD-MODIFY", "severity": "medium", "msg": "rule 1 can update deployments in every namespace"},
	],
	"ClusterRole//reader": [{"rule": "RBAC-SECRETS-READ", "severity": "high", "msg": "rule 0 can get, list secrets in every namespace"}],
	"ClusterRole/shop/reader": [{"rule": "RBAC-SECRETS-READ", "severity": "high", "msg": "rule 0 can get, list secrets in namespace \"shop\""}],
	"Role/shop/narrow": [{"rule": "RBAC-WORKLOAD-MODIFY", "severity": "medium", "msg": "rule 0 can patch deployments in namespace \"shop\""}],
}}

test_daemonset_with_medium_powers_is_high if {
	inv := inventory([crb("scope", "scope", [sa("weave", "scope")])], {})
	v := workload_identity.deny with input as workload("DaemonSet", "weave", {"serviceAccountName": "scope"})
		with data.inventory as inv
		with data.palisade_facts as powers
	count(v) == 1
	some f in v
	f.severity == "high"
	f.path == "/spec/template/spec/serviceAccountName"
	contains(f.msg, `service account "weave/scope" holds, through ClusterRoleBinding "scope" → ClusterRole "scope" cluster-wide`)
	contains(f.msg, "RBAC-POD-DELETE medium: rule 0 can delete pods")
	contains(f.msg, "RBAC-WORKLOAD-MODIFY medium")
	contains(f.msg, "its token sits on every node")
}

test_the_same_medium_powers_on_a_deployment_are_no_finding if {
	inv := inventory([crb("scope", "scope", [sa("weave", "scope")])], {})
	count(workload_identity.deny) == 0 with input as workload("Deployment", "weave", {"serviceAccountName": "scope"})
		with data.inventory as inv
		with data.palisade_facts as powers
}

test_high_power_on_a_deployment_and_critical_on_a_daemonset if {
	inv := inventory([crb("read", "reader", [sa("apps", "api")])], {})
	v := workload_identity.deny with input as workload("Deployment", "apps", {"serviceAccountName": "api"})
		with data.inventory as inv
		with data.palisade_facts as powers
	some f in v
	f.severity == "high"
	contains(f.msg, "RBAC-SECRETS-READ high")
	d := workload_identity.deny with input as workload("DaemonSet", "apps", {"serviceAccountName": "api"})
		with data.inventory as inv
		with data.palisade_facts as powers
	some g in d
	g.severity == "critical"
}

test_default_service_account_and_pod_spec_path if {
	inv := inventory([crb("read", "reader", [sa("apps", "default")])], {})
	v := workload_identity.deny with input as pod("apps", {"containers": []})
		with data.inventory as inv
		with data.palisade_facts as powers
	count(v) == 1
	some f in v
	f.path == "/spec"
	contains(f.msg, `"apps/default"`)
}

test_cluster_admin_binding_needs_no_served_powers if {
	inv := inventory([crb("ci", "cluster-admin", [sa("ci", "deployer")])], {})
	v := workload_identity.deny with input as workload("Job", "ci", {"serviceAccountName": "deployer"}) with data.inventory as inv
	some f in v
	f.severity == "critical"
	contains(f.msg, "RBAC-CLUSTER-ADMIN-BINDING critical: every verb on every resource")
}

test_cluster_admin_through_a_role_binding_is_high_in_its_namespace if {
	inv := inventory([], {"ci": {"admin": rb("admin", "ClusterRole", "cluster-admin", [sa("ci", "deployer")])}})
	v := workload_identity.deny with input as workload("Deployment", "ci", {"serviceAccountName": "deployer"}) with data.inventory as inv
	some f in v
	f.severity == "high"
	contains(f.msg, `through RoleBinding "ci/admin" → ClusterRole "cluster-admin" in namespace "ci"`)
}

test_role_binding_grants_only_its_subjects if {
	# A RoleBinding in `other` naming other/api gives nothing to shop/api.
	inv := inventory([], {"other": {"r": rb("r", "ClusterRole", "reader", [sa("other", "api")])}})
	count(workload_identity.deny) == 0 with input as workload("Deployment", "shop", {"serviceAccountName": "api"})
		with data.inventory as inv
		with data.palisade_facts as {"rbac.role_powers": {"ClusterRole/other/reader": powers["rbac.role_powers"]["ClusterRole/shop/reader"]}}
}

test_role_binding_subject_namespace_defaults_to_the_binding if {
	inv := inventory([], {"shop": {"r": rb("r", "ClusterRole", "reader", [{"kind": "ServiceAccount", "name": "api"}])}})
	v := workload_identity.deny with input as workload("Deployment", "shop", {"serviceAccountName": "api"})
		with data.inventory as inv
		with data.palisade_facts as powers
	some f in v
	contains(f.msg, `in namespace "shop"`)
}

test_groups_of_service_accounts_count if {
	all := inventory([crb("read", "reader", [{"kind": "Group", "name": "system:serviceaccounts"}])], {})
	v := workload_identity.deny with input as workload("Deployment", "apps", {}) with data.inventory as all with data.palisade_facts as powers
	some f in v
	contains(f.msg, "a member of group system:serviceaccounts,")
	ns := inventory([crb("read", "reader", [{"kind": "Group", "name": "system:serviceaccounts:apps"}])], {})
	count(workload_identity.deny) == 1 with input as workload("Deployment", "apps", {}) with data.inventory as ns with data.palisade_facts as powers
	count(workload_identity.deny) == 0 with input as workload("Deployment", "web", {}) with data.inventory as ns with data.palisade_facts as powers
	user := inventory([crb("read", "reader", [{"kind": "User", "name": "system:serviceaccount:apps:default"}])], {})
	count(workload_identity.deny) == 1 with input as workload("Deployment", "apps", {}) with data.inventory as user with data.palisade_facts as powers
}

test_narrowed_role_is_no_finding if {
	inv := inventory([], {"shop": {"n": rb("n", "Role", "narrow", [sa("shop", "web")])}})
	count(workload_identity.deny) == 0 with input as workload("Deployment", "shop", {"serviceAccountName": "web"})
		with data.inventory as inv
		with data.palisade_facts as powers
}

test_no_token_no_finding if {
	inv := inventory([crb("read", "reader", [sa("apps", "api")])], {})
	count(workload_identity.deny) == 0 with input as workload("Deployment", "apps", {"serviceAccountName": "api", "automountServiceAccountToken": false})
		with data.inventory as inv
		with data.palisade_facts as powers
	projected := {"serviceAccountName": "api", "automountServiceAccountToken": false, "volumes": [{"name": "t", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}]}
	count(workload_identity.deny) == 1 with input as workload("Deployment", "apps", projected)
		with data.inventory as inv
		with data.palisade_facts as powers
}

test_service_account_automount_applies_unless_the_pod_says if {
	account := {"kind": "ServiceAccount", "metadata": {"name": "api"}, "automountServiceAccountToken": false}
	inv := object.union(inventory([crb("read", "reader", [sa("apps", "api")])], {}), {"namespace": {"apps": {"v1": {"ServiceAccount": {"api": account}}}}})
	count(workload_identity.deny) == 0 with input as workload("Deployment", "apps", {"serviceAccountName": "api"})
		with data.inventory as inv
		with data.palisade_facts as powers
	count(workload_identity.deny) == 1 with input as workload("Deployment", "apps", {"serviceAccountName": "api", "automountServiceAccountToken": true})
		with data.inventory as inv
		with data.palisade_facts as powers
}

test_cronjob_path if {
	inv := inventory([crb("read", "reader", [sa("apps", "api")])], {})
	cj := {"review": {"object": {"kind": "CronJob", "metadata": {"name": "c", "namespace": "apps"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"serviceAccountName": "api"}}}}}}}}
	v := workload_identity.deny with input as cj with data.inventory as inv with data.palisade_facts as powers
	some f in v
	f.path == "/spec/jobTemplate/spec/template/spec/serviceAccountName"
}

test_served_chains_are_read_first if {
	chains := {"palisade.lib.rbac_identity.by_key": {"serviceaccount:apps:api": [{
		"key": "serviceaccount:apps:api", "binding": "ClusterRoleBinding \"served\"", "role": "ClusterRole \"x\"", "namespace": "",
		"powers": [{"rule": "RBAC-NODES-PROXY", "severity": "high", "msg": "served"}],
	}]}}
	v := workload_identity.deny with input as workload("Deployment", "apps", {"serviceAccountName": "api"}) with data.palisade_facts as chains
	some f in v
	contains(f.msg, "ClusterRoleBinding \"served\"")
}
