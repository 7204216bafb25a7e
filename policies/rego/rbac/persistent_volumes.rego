# RBAC-PERSISTENT-VOLUMES: creating a PersistentVolume can expose any host path of a node to
# whoever claims it, around Pod Security (the pod only names a claim); updating one can rebind
# its data to another claim, deleting one destroys it. PersistentVolumes are cluster-scoped, so only
# a ClusterRole can grant them; a Role naming them grants nothing (an info note). Claims (persistentvolumeclaims) are ordinary and not checked.
package palisade.rbac.persistent_volumes

metadata := {
	"id": "RBAC-PERSISTENT-VOLUMES",
	"title": "Write PersistentVolumes",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Leave PersistentVolumes to the storage provisioner; let workloads use PersistentVolumeClaims.",
}

modify_verbs := {"update", "patch", "delete", "deletecollection"}

named_verbs := {"update", "patch", "delete"}

# The rules this policy looks at closely (see `touching`).
relevant := data.palisade.lib.rbac.touching({""}, {"persistentvolumes"})

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	not x.rule.narrowed
	data.palisade.lib.rbac.allows(x.rule, "", "persistentvolumes", "create")
	v := {
		"msg": sprintf("%s can create PersistentVolumes, which can expose any host path of a node", [x.name]),
		"path": data.palisade.lib.rbac.verb_path(x, {"create"}),
	}
}

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	not x.rule.narrowed
	verbs := data.palisade.lib.rbac.granted(x.rule, "", "persistentvolumes", modify_verbs)
	count(verbs) > 0
	v := {
		"msg": sprintf("%s can %s any PersistentVolume", [x.name, data.palisade.lib.rbac.list(verbs)]),
		"path": data.palisade.lib.rbac.verb_path(x, modify_verbs),
		"severity": "medium",
	}
}

deny contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	x.rule.narrowed
	verbs := data.palisade.lib.rbac.granted(x.rule, "", "persistentvolumes", named_verbs)
	count(verbs) > 0
	v := {
		"msg": sprintf("%s can %s only the PersistentVolumes named %s", [x.name, data.palisade.lib.rbac.list(verbs), data.palisade.lib.rbac.list(x.rule.resourceNames)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "low",
		"remediation": data.palisade.lib.rbac.narrowed_remediation,
	}
}

warn contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some x in relevant
	x.rule.narrowed
	verbs := data.palisade.lib.rbac.granted(x.rule, "", "persistentvolumes", {"create", "deletecollection"})
	count(verbs) > 0
	v := {
		"msg": sprintf("%s: resourceNames cannot narrow %s (the request names no object), so it grants none of it", [x.name, data.palisade.lib.rbac.list(verbs)]),
		"path": data.palisade.lib.rbac.names_path(x),
		"severity": "info",
		"remediation": data.palisade.lib.rbac.unnamed_remediation,
	}
}

targets := [{"group": "", "resource": "persistentvolumes", "verbs": {"create"} | modify_verbs}]

warn contains v if {
	data.palisade.lib.rbac.is_cluster_role
	some v in data.palisade.lib.rbac.miscased_notes(relevant, targets, {"create"} | modify_verbs)
}

warn contains v if {
	some v in data.palisade.lib.rbac.cluster_scoped_notes(targets)
}
