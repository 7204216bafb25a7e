# RBAC-SECRETS-READ: get, list or watch on Secrets reads their contents: credentials, tokens, keys.
# A rule narrowed by resourceNames reads only the Secrets it names (list and watch then need a
# field selector on metadata.name); that is least privilege done right and is only noted, naming
# the Secrets, never denied.
package palisade.rbac.secrets_read

metadata := {
	"id": "RBAC-SECRETS-READ",
	"title": "Read access to all Secrets",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Narrow the rule with resourceNames to the Secrets the subject needs, or mount them instead of reading them through the API.",
}

read_verbs := {"get", "list", "watch"}

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {"secrets"})

deny contains v if {
	some x in relevant
	not x.rule.narrowed
	verbs := data.palisade.lib.rbac.granted(x.rule, "", "secrets", read_verbs)
	count(verbs) > 0
	v := {
		"msg": sprintf("%s can %s every Secret in %s", [x.name, data.palisade.lib.rbac.list(verbs), data.palisade.lib.rbac_scope.scope]),
		"path": data.palisade.lib.rbac.verb_path(x, read_verbs),
	}
}

warn contains v if {
	some x in relevant
	x.rule.narrowed
	verbs := data.palisade.lib.rbac.granted(x.rule, "", "secrets", read_verbs)
	count(verbs) > 0
	v := {
		"msg": sprintf("%s can %s only the Secrets named %s", [x.name, data.palisade.lib.rbac.list(verbs), data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "low",
		"remediation": data.palisade.lib.rbac.narrowed_remediation,
	}
}

warn contains v if {
	some v in data.palisade.lib.rbac.miscased_notes(relevant, [{"group": "", "resource": "secrets", "verbs": read_verbs}], read_verbs)
}
