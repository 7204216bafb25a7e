# RBAC-POD-EXEC: pods/exec and pods/attach run commands in (or attach to) a running container, with
# its service account token, Secrets and network identity; pods/portforward opens the pod's ports
# to the caller. They are requested with create; WebSocket clients request them with get, which
# older API servers authorize with get alone, so get counts too (at a lower severity).
# A rule narrowed by resourceNames reaches only the named pods.
package palisade.rbac.pod_exec

metadata := {
	"id": "RBAC-POD-EXEC",
	"title": "Exec, attach or port-forward into pods",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Grant pods/exec, pods/attach and pods/portforward only for break-glass access, bound in the namespaces concerned.",
}

subresources := {"pods/exec": "run commands in", "pods/attach": "attach to", "pods/portforward": "port-forward to"}

# Severity by subresource, by whether create is granted (else only get), and by narrowing.
severities := {
	"pods/exec": {"create": {"all": "high", "named": "medium"}, "get": {"all": "medium", "named": "low"}},
	"pods/attach": {"create": {"all": "high", "named": "medium"}, "get": {"all": "medium", "named": "low"}},
	"pods/portforward": {"create": {"all": "medium", "named": "low"}, "get": {"all": "low", "named": "low"}},
}

strongest(r, sub) := "create" if {
	data.palisade.lib.rbac.allows(r, "", sub, "create")
} else := "get" if {
	data.palisade.lib.rbac.allows(r, "", sub, "get")
}

reach(r) := sprintf("the pods named %s", [data.palisade.lib.rbac.list(r.resourceNames)]) if r.narrowed

reach(r) := sprintf("any pod in %s", [data.palisade.lib.rbac_scope.scope]) if not r.narrowed

named(r) := "named" if r.narrowed

named(r) := "all" if not r.narrowed

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {sub | some sub, _ in subresources})

deny contains v if {
	some x in relevant
	some sub, action in subresources
	verb := strongest(x.rule, sub)
	v := {
		"msg": sprintf("%s can %s %s (%s %s)", [x.name, action, reach(x.rule), verb, sub]),
		"path": data.palisade.lib.rbac.verb_path(x, {verb}),
		"severity": severities[sub][verb][named(x.rule)],
	}
}

warn contains v if {
	targets := [{"group": "", "resource": sub, "verbs": {"get", "create"}} | some sub, _ in subresources]
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, {"get", "create"})
}
