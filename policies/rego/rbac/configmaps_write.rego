# RBAC-CONFIGMAPS-WRITE: creating, updating or patching ConfigMaps changes what workloads read as
# configuration. In kube-system that is the cluster's own: CoreDNS's Corefile (redirect every
# name), kube-proxy's settings, the EKS aws-auth map (which IAM identities are cluster-admin), so a
# ClusterRole (bound cluster-wide it reaches kube-system) or a Role in kube-system is high, as
# RBAC-WEBHOOK-CONFIG. In an application namespace it tampers with one application's settings: low.
# resourceNames narrow update and patch to the named ConfigMaps (low); create cannot be narrowed,
# so such a rule grants none of it (info).
package palisade.rbac.configmaps_write

metadata := {
	"id": "RBAC-CONFIGMAPS-WRITE",
	"title": "Write ConfigMaps",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Bind write access to ConfigMaps in the application namespaces that need it, never cluster-wide or in kube-system; narrow it with resourceNames to the ConfigMaps a controller owns.",
}

write_verbs := {"create", "update", "patch"}

named_verbs := {"update", "patch"}

targets := [{"group": "", "resource": "configmaps", "verbs": write_verbs}]

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {"configmaps"})

deny contains v if {
	data.palisade.lib.rbac.reaches_kube_system
	some x in relevant
	not x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, write_verbs)
	v := {
		"msg": sprintf("%s can %s in %s: CoreDNS, kube-proxy and (on EKS) aws-auth are configured there", [x.name, granted, data.palisade.lib.rbac.kube_system_reach]),
		"path": data.palisade.lib.rbac.verb_path(x, write_verbs),
	}
}

deny contains v if {
	not data.palisade.lib.rbac.reaches_kube_system
	some x in relevant
	not x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, write_verbs)
	v := {
		"msg": sprintf("%s can %s in its namespace: the configuration its applications read", [x.name, granted]),
		"path": data.palisade.lib.rbac.verb_path(x, write_verbs),
		"severity": "low",
	}
}

deny contains v if {
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, named_verbs)
	v := {
		"msg": sprintf("%s can %s only for the ConfigMaps named %s", [x.name, granted, data.palisade.lib.rbac.list(x.rule.resourceNames)]),
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
