# RBAC-TOKEN-REQUEST: create on serviceaccounts/token mints tokens for service accounts, so the
# subject holds every permission they hold. Unrestricted in a ClusterRole that is every service
# account of the cluster, kube-system's controllers included. Narrowed by resourceNames it reaches
# only the named service accounts (critical when one is bound to cluster-admin in data.inventory).
package palisade.rbac.token_request

metadata := {
	"id": "RBAC-TOKEN-REQUEST",
	"title": "Mint service account tokens",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Narrow serviceaccounts/token with resourceNames to the service accounts the subject must act as, bound in their namespace.",
}

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {"serviceaccounts/token"})

deny contains v if {
	some x in relevant
	not x.rule.narrowed
	data.palisade.lib.rbac.allows(x.rule, "", "serviceaccounts/token", "create")
	v := {
		"msg": sprintf("%s can mint tokens for any service account in %s (create serviceaccounts/token)", [x.name, data.palisade.lib.rbac_scope.scope]),
		"path": data.palisade.lib.rbac.verb_path(x, {"create"}),
		"severity": unrestricted_severity,
	}
}

unrestricted_severity := "critical" if data.palisade.lib.rbac.is_cluster_role

unrestricted_severity := "high" if data.palisade.lib.rbac.is_role

# Narrowed to service accounts none of which holds cluster-admin (else the finding below is the truth).
deny contains v if {
	some x in relevant
	x.rule.narrowed
	data.palisade.lib.rbac.allows(x.rule, "", "serviceaccounts/token", "create")
	not names_admin(x)
	v := {
		"msg": sprintf("%s can mint tokens only for the service accounts named %s", [x.name, data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "medium",
		"remediation": data.palisade.lib.rbac.narrowed_remediation,
	}
}

deny contains v if {
	some x in relevant
	x.rule.narrowed
	data.palisade.lib.rbac.allows(x.rule, "", "serviceaccounts/token", "create")
	some k, name in x.rule.resourceNames
	data.palisade.lib.rbac_admin.admin_subject("ServiceAccount", name)
	v := {
		"msg": sprintf("%s can mint tokens for service account %q, which holds cluster-admin", [x.name, name]),
		"path": data.palisade.lib.rbac.field_path(x, sprintf("/resourceNames/%d", [k])),
		"severity": "critical",
		"remediation": data.palisade.lib.rbac.admin_name_remediation,
	}
}

names_admin(x) if {
	some name in x.rule.resourceNames
	data.palisade.lib.rbac_admin.admin_subject("ServiceAccount", name)
}

warn contains v if {
	targets := [{"group": "", "resource": "serviceaccounts/token", "verbs": {"create"}}]
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, {"create"})
}
