# RBAC-CREATE-WORKLOADS: creating pods, or the controllers that create them, lets a subject run any
# image as any service account of the namespace, mount its Secrets and ConfigMaps, and use every
# permission those service accounts hold. resourceNames cannot narrow create (a create request names
# no object yet): such a rule grants no create at all, and is only noted as ineffective.
package palisade.rbac.create_workloads

metadata := {
	"id": "RBAC-CREATE-WORKLOADS",
	"title": "Create pods or workload controllers",
	"severity": "medium",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Grant create on workloads only to deployers and controllers that need it, bound in the namespaces they deploy to, with admission policy (Pod Security) enforced there.",
}

workloads := [
	{"group": "", "resource": "pods"},
	{"group": "", "resource": "replicationcontrollers"},
	{"group": "apps", "resource": "deployments"},
	{"group": "apps", "resource": "replicasets"},
	{"group": "apps", "resource": "statefulsets"},
	{"group": "apps", "resource": "daemonsets"},
	{"group": "batch", "resource": "jobs"},
	{"group": "batch", "resource": "cronjobs"},
]

# Undefined for a rule that grants no create at all (most rules): its workloads are not walked.
created(r) := {w.resource | some w in workloads; data.palisade.lib.rbac.allows(r, w.group, w.resource, "create")} if {
	count({"create", "*"} & r.verb_set) > 0
}

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({"", "apps", "batch"}, {w.resource | some w in workloads})

deny contains v if {
	some x in relevant
	not x.rule.narrowed
	kinds := created(x.rule)
	count(kinds) > 0
	v := {
		"msg": sprintf("%s can create %s in %s, running any image as any service account there", [x.name, data.palisade.lib.rbac.list(kinds), data.palisade.lib.rbac_scope.scope]),
		"path": data.palisade.lib.rbac.verb_path(x, {"create"}),
	}
}

warn contains v if {
	some x in relevant
	x.rule.narrowed
	kinds := created(x.rule)
	count(kinds) > 0
	v := {
		"msg": sprintf("%s: resourceNames cannot narrow create (a create request names no object), so it grants no create on %s", [x.name, data.palisade.lib.rbac.list(kinds)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "info",
		"remediation": data.palisade.lib.rbac.unnamed_remediation,
	}
}

warn contains v if {
	targets := [{"group": w.group, "resource": w.resource, "verbs": {"create"}} | some w in workloads]
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, {"create"})
}
