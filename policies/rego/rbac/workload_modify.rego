# RBAC-WORKLOAD-MODIFY: update or patch on pods or their controllers changes the image, command or
# (for controllers) the whole pod template of workloads already running, so code then runs as
# their service accounts with every permission those hold. Medium, as RBAC-CREATE-WORKLOADS: the
# same power reached through existing workloads rather than new ones. Subresources (status, scale,
# ephemeralcontainers, judged by RBAC-EPHEMERAL-CONTAINERS) change no template and are not counted.
# resourceNames narrow update and patch to the named workloads (low).
package palisade.rbac.workload_modify

metadata := {
	"id": "RBAC-WORKLOAD-MODIFY",
	"title": "Update or patch pods or workload controllers",
	"severity": "medium",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Grant update and patch on workloads only to deployers and controllers that need it, bound in the namespaces they deploy to, and narrowed by resourceNames where they tend named workloads. Aggregated ClusterRoles (aggregationRule) are not checked yet.",
}

modify_verbs := {"update", "patch"}

targets := [
	{"group": "", "resource": "pods", "verbs": modify_verbs},
	{"group": "", "resource": "replicationcontrollers", "verbs": modify_verbs},
	{"group": "apps", "resource": "deployments", "verbs": modify_verbs},
	{"group": "apps", "resource": "replicasets", "verbs": modify_verbs},
	{"group": "apps", "resource": "statefulsets", "verbs": modify_verbs},
	{"group": "apps", "resource": "daemonsets", "verbs": modify_verbs},
	{"group": "batch", "resource": "jobs", "verbs": modify_verbs},
	{"group": "batch", "resource": "cronjobs", "verbs": modify_verbs},
]

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({"", "apps", "batch"}, {t.resource | some t in targets})

deny contains v if {
	some x in relevant
	not x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, modify_verbs)
	v := {
		"msg": sprintf("rule %d can %s in %s: code then runs as those workloads' service accounts", [x.index, granted, data.palisade.lib.rbac_scope.scope]),
		"path": data.palisade.lib.rbac.verb_path(x, modify_verbs),
	}
}

deny contains v if {
	some x in relevant
	x.rule.narrowed
	granted := data.palisade.lib.rbac.grants(x.rule, targets, modify_verbs)
	v := {
		"msg": sprintf("rule %d can %s only for the workloads named %s", [x.index, granted, data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "low",
	}
}

warn contains v if {
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, modify_verbs)
}
