# RBAC-WEBHOOK-CONFIG: writing ValidatingWebhookConfigurations or MutatingWebhookConfigurations
# lets a subject switch admission control off (Palisade's included), or send every object to a
# webhook of its choosing that may change it. Admission policies (Validating/Mutating
# AdmissionPolicies and their bindings) are the same power in CEL: delete or rebind one and its
# checks are gone, write a mutating one and it changes every object it matches. Narrowed by
# resourceNames, update, patch and delete reach only the named objects (a controller patching its
# own caBundle, say); create and deletecollection cannot be narrowed, so such a rule grants neither. All of these are
# cluster-scoped: a Role naming them grants nothing (an info note).
package palisade.rbac.webhook_config

metadata := {
	"id": "RBAC-WEBHOOK-CONFIG",
	"title": "Write admission webhook configurations or admission policies",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Grant write access to webhook configurations and admission policies only to their own controller, narrowed by resourceNames to its own objects.",
}

group := "admissionregistration.k8s.io"

resources := [
	"validatingwebhookconfigurations",
	"mutatingwebhookconfigurations",
	"validatingadmissionpolicies",
	"validatingadmissionpolicybindings",
	"mutatingadmissionpolicies",
	"mutatingadmissionpolicybindings",
]

write_verbs := {"create", "update", "patch", "delete", "deletecollection"}

named_verbs := {"update", "patch", "delete"}

# What the rule grants among `wanted`, as "verbs resources" text; undefined when nothing.
pairs(r, wanted) := sprintf("%s %s", [data.palisade.lib.rbac.list(verbs), data.palisade.lib.rbac.list(reached)]) if {
	reached := {res | some res in resources; count(data.palisade.lib.rbac.granted(r, group, res, wanted)) > 0}
	verbs := {verb | some res in reached; some verb in data.palisade.lib.rbac.granted(r, group, res, wanted)}
	count(reached) > 0
}

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({group}, {r | some r in resources})

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	not x.rule.narrowed
	granted := pairs(x.rule, write_verbs)
	v := {
		"msg": sprintf("%s can %s: it can disable admission control or intercept every object", [x.name, granted]),
		"path": data.palisade.lib.rbac.verb_path(x, write_verbs),
	}
}

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	x.rule.narrowed
	granted := pairs(x.rule, named_verbs)
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
	granted := pairs(x.rule, {"create", "deletecollection"})
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

targets := [{"group": group, "resource": res, "verbs": write_verbs} | some res in resources]
