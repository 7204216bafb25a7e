# RBAC-API-EXTENSIONS: writing APIServices (apiregistration.k8s.io) sends every request of an API
# group to a service of one's choosing, which sees and answers them: high, as RBAC-WEBHOOK-CONFIG.
# Writing CustomResourceDefinitions (apiextensions.k8s.io) is medium: deleting one deletes every
# custom resource of it (a policy engine's constraints, a certificate manager's issuers), changing
# one can point its conversion webhook elsewhere or drop its validation. Both are cluster-scoped,
# so only a ClusterRole grants them; a Role naming them grants nothing (an info note).
# resourceNames narrow update, patch and delete to the named objects (low); create and
# deletecollection cannot be narrowed, so such a rule grants neither (info).
package palisade.rbac.api_extensions

metadata := {
	"id": "RBAC-API-EXTENSIONS",
	"title": "Write APIServices or CustomResourceDefinitions",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Leave APIServices and CustomResourceDefinitions to the installer of the extension; a controller that manages its own CRDs or APIService needs them narrowed by resourceNames.",
}

write_verbs := {"create", "update", "patch", "delete", "deletecollection"}

named_verbs := {"update", "patch", "delete"}

apiservices := [{"group": "apiregistration.k8s.io", "resource": "apiservices", "verbs": write_verbs}]

crds := [{"group": "apiextensions.k8s.io", "resource": "customresourcedefinitions", "verbs": write_verbs}]

targets := array.concat(apiservices, crds)

# What each kind of object lets its writer do, and how severe that is.
powers := [
	{"targets": apiservices, "why": "every request of an API group then goes to a service of its choosing", "severity": "high"},
	{"targets": crds, "why": "deleting or changing one reaches every custom resource of it", "severity": "medium"},
]

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({"apiregistration.k8s.io", "apiextensions.k8s.io"}, {"apiservices", "customresourcedefinitions"})

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	not x.rule.narrowed
	some k in powers
	granted := data.palisade.lib.rbac.grants(x.rule, k.targets, write_verbs)
	v := finding(sprintf("%s can %s: %s", [x.name, granted, k.why]), data.palisade.lib.rbac.verb_path(x, write_verbs), k.severity)
}

# A finding at the rule's top severity carries none; a lower one says which.
finding(msg, path, "high") := {"msg": msg, "path": path}

finding(msg, path, severity) := {"msg": msg, "path": path, "severity": severity} if severity != "high"

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, named_verbs)
	v := {
		"msg": sprintf("%s can %s only for the objects named %s", [x.name, granted, data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "low",
		"remediation": data.palisade.lib.rbac.narrowed_remediation,
	}
}

warn contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, {"create", "deletecollection"})
	v := {
		"msg": sprintf("%s: resourceNames cannot narrow create or deletecollection (their requests name no object), so it grants neither (%s)", [x.name, granted]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "info",
		"remediation": data.palisade.lib.rbac.unnamed_remediation,
	}
}

warn contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, write_verbs)
}

warn contains v if {
	some v in data.palisade.lib.rbac.cluster_scoped_notes(targets)
}
