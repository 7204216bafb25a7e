# Tests for the RBAC matching helpers (rbac.rego), against the authorizer's rules.
package palisade.lib.rbac_test

import data.palisade.lib.rbac

rule(groups, resources, verbs) := rbac.normalized({"apiGroups": groups, "resources": resources, "verbs": verbs})

test_exact_and_wildcard_entries_match if {
	rbac.allows(rule([""], ["pods"], ["get"]), "", "pods", "get")
	rbac.allows(rule(["*"], ["*"], ["*"]), "apps", "deployments/scale", "patch")
	not rbac.allows(rule(["apps"], ["pods"], ["get"]), "", "pods", "get")
	not rbac.allows(rule([""], ["pods"], ["get"]), "", "pods", "list")
	not rbac.allows(rule([""], ["pods"], ["Get"]), "", "pods", "get")
}

test_subresources_match_exactly_or_by_star_slash if {
	rbac.allows(rule([""], ["pods/exec"], ["create"]), "", "pods/exec", "create")
	rbac.allows(rule([""], ["*/exec"], ["create"]), "", "pods/exec", "create")
	not rbac.allows(rule([""], ["pods"], ["create"]), "", "pods/exec", "create")
	not rbac.allows(rule([""], ["pods/*"], ["create"]), "", "pods/exec", "create")
}

test_star_slash_never_matches_a_top_level_resource if {
	not rbac.allows(rule([""], ["*/exec"], ["get"]), "", "pods", "get")
	not rbac.allows(rule([""], ["*/"], ["get"]), "", "pods", "get")
}

test_granted_verbs if {
	rbac.granted(rule([""], ["secrets"], ["get", "watch", "update"]), "", "secrets", {"get", "list", "watch"}) == {"get", "watch"}
	rbac.granted(rule([""], ["secrets"], ["*"]), "", "secrets", {"get", "list"}) == {"get", "list"}
	rbac.granted(rule(["apps"], ["secrets"], ["*"]), "", "secrets", {"get"}) == set()
}

test_missing_and_null_lists_read_as_empty if {
	r := rbac.normalized({"apiGroups": null, "verbs": ["get"]})
	r.resources == []
	r.apiGroups == []
	not r.narrowed
	not rbac.allows(r, "", "pods", "get")
}

test_grants_lists_verbs_per_target if {
	targets := [{"group": "", "resource": "nodes", "verbs": {"update", "delete"}}, {"group": "", "resource": "nodes/status", "verbs": {"update"}}]
	rbac.grants(rule([""], ["*"], ["*"]), targets, {"update", "delete"}) == "delete, update nodes; update nodes/status"
	rbac.grants(rule([""], ["nodes"], ["update", "get"]), targets, {"update"}) == "update nodes"
	not rbac.grants(rule([""], ["nodes"], ["get"]), targets, {"update", "delete"})
}

test_miscased_verbs if {
	rbac.miscased(rule([""], ["pods"], ["Update", "patch", "GET"]), {"update", "patch"}) == {"Update"}
	rbac.miscased(rule([""], ["pods"], ["update"]), {"update"}) == set()
}
