# PSS-CAPABILITIES-RESTRICTED (restricted, from v1.22): every container must drop ALL capabilities
# and may add back only NET_BIND_SERVICE. Checks securityContext.capabilities.drop and .add of every
# container. From v1.25 Windows pods are exempt.
package palisade.pss.capabilities_restricted

metadata := {
	"id": "PSS-CAPABILITIES-RESTRICTED",
	"title": "Capabilities not dropped",
	"severity": "high",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Set securityContext.capabilities.drop: [\"ALL\"] in every container and add back at most NET_BIND_SERVICE.",
	"pss_level": "restricted",
	"since": 22,
}

# Pointer to capabilities.drop, or to the nearest parent that exists.
drop_path(c) := sprintf("%s/securityContext/capabilities/drop", [c.path]) if {
	c.sc.capabilities.drop != null
} else := data.palisade.lib.pods.security_context_field_path(c, "capabilities")

# The container's fields are read directly (`c.sc` is always an object): a capabilities or drop
# that is missing, null or not a list leaves "ALL" undropped, as the API server reads it.
deny contains v if {
	not data.palisade.lib.pods.windows_exempt
	some c in data.palisade.lib.pods.containers
	not "ALL" in c.sc.capabilities.drop
	v := {
		"msg": sprintf("unrestricted capabilities (%s must set securityContext.capabilities.drop=[\"ALL\"])", [c.who]),
		"path": drop_path(c),
	}
}

deny contains v if {
	not data.palisade.lib.pods.windows_exempt
	some c in data.palisade.lib.pods.containers
	some i, cap in c.sc.capabilities.add
	cap != "NET_BIND_SERVICE"
	v := {
		"msg": sprintf("unrestricted capabilities (%s must not include %q in securityContext.capabilities.add)", [c.who, cap]),
		"path": sprintf("%s/securityContext/capabilities/add/%d", [c.path, i]),
	}
}

# Mutation (opt-in): ALL in every container's capabilities.drop. Appended to a drop list the
# container writes; the list (and its parents) added where missing. Added capabilities are left
# for validation to judge. Not added to Windows pods.
patch contains op if {
	not data.palisade.lib.pods.windows
	some c in data.palisade.lib.pods.containers
	caps := data.palisade.lib.pods.object_or_empty(c.sc, "capabilities")
	not "ALL" in object.get(caps, "drop", [])
	op := drop_all(c, caps)
}

drop_all(c, caps) := op if {
	is_array(caps.drop)
	op := {"op": "add", "path": sprintf("%s/securityContext/capabilities/drop/-", [c.path]), "value": "ALL"}
} else := data.palisade.lib.pods.default_op(c.container, c.path, ["securityContext", "capabilities", "drop"], ["ALL"])
