# RBAC-SECRETS-WRITE: creating, updating or patching Secrets plants credentials: a
# service-account-token Secret the token controller fills for any service account of the
# namespace, TLS keys a server then uses, registry and repository credentials a controller follows.
# In kube-system a bootstrap-token Secret lets its holder join a node, and with it the node's
# credentials, so a ClusterRole (bound cluster-wide it reaches kube-system) or a Role in
# kube-system is high, as RBAC-SECRETS-READ; in an application namespace it is medium: writing
# alone reads no Secret back. resourceNames narrow update and patch to the named Secrets (low);
# create cannot be narrowed, so such a rule grants none of it (info).
package palisade.rbac.secrets_write

metadata := {
	"id": "RBAC-SECRETS-WRITE",
	"title": "Write Secrets",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Bind write access to Secrets in the namespaces that need it, never cluster-wide or in kube-system; narrow it with resourceNames to the Secrets a controller owns (its own certificate, say).",
}

write_verbs := {"create", "update", "patch"}

named_verbs := {"update", "patch"}

targets := [{"group": "", "resource": "secrets", "verbs": write_verbs}]

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {"secrets"})

deny contains v if {
	data.palisade.lib.rbac.reaches_kube_system
	some x in relevant
	not x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, write_verbs)
	v := {
		"msg": sprintf("%s can %s in %s, where a bootstrap-token Secret joins a node", [x.name, granted, data.palisade.lib.rbac.kube_system_reach]),
		"path": data.palisade.lib.rbac.verb_path(x, write_verbs),
	}
}

deny contains v if {
	not data.palisade.lib.rbac.reaches_kube_system
	some x in relevant
	not x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, write_verbs)
	v := {
		"msg": sprintf("%s can %s in its namespace: service-account tokens, TLS keys and credentials its workloads trust", [x.name, granted]),
		"path": data.palisade.lib.rbac.verb_path(x, write_verbs),
		"severity": "medium",
	}
}

deny contains v if {
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, named_verbs)
	v := {
		"msg": sprintf("%s can %s only for the Secrets named %s", [x.name, granted, data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "low",
		"remediation": data.palisade.lib.rbac.narrowed_remediation,
	}
}

warn contains v if {
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, {"create"})
	v := {
		"msg": sprintf("%s: resourceNames cannot narrow create (a create request names no object), so it grants none of it (%s)", [x.name, granted]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "info",
		"remediation": data.palisade.lib.rbac.unnamed_remediation,
	}
}

warn contains v if {
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, write_verbs)
}
