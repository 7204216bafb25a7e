# Pod templates and containers of every workload kind, with JSON pointers to them, and the Pod
# Security parameters (level, version) the PSS rules read.
package palisade.lib.pods

# The object under review.
object := input.review.object

# JSON pointer (as path segments) to the pod spec for each pod-template kind.
spec_prefix := {
	"Pod": ["spec"],
	"Deployment": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
}

# JSON pointer (as path segments) to the pod metadata for each pod-template kind.
meta_prefix := {
	"Pod": ["metadata"],
	"Deployment": ["spec", "template", "metadata"],
	"ReplicaSet": ["spec", "template", "metadata"],
	"StatefulSet": ["spec", "template", "metadata"],
	"DaemonSet": ["spec", "template", "metadata"],
	"Job": ["spec", "template", "metadata"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "metadata"],
	"ReplicationController": ["spec", "template", "metadata"],
}

# The pod spec of the object under review (undefined for kinds without a pod template).
spec := object.get(object, spec_prefix[object.kind], null)

# The pod's metadata (labels and annotations), or an empty object.
metadata := object.get(object, meta_prefix[object.kind], {})

# "/spec/template/spec" style pointer to the pod spec.
spec_path := concat("", [sprintf("/%s", [seg]) | some seg in spec_prefix[object.kind]])

meta_path := concat("", [sprintf("/%s", [seg]) | some seg in meta_prefix[object.kind]])

# How a container of each list is named in messages.
container_label := {
	"containers": "container",
	"initContainers": "init container",
	"ephemeralContainers": "ephemeral container",
}

# Every container of every kind: {"container", "sc", "field", "label", "name", "who", "index",
# "path", "sc_path"} ("sc" is its securityContext, {} when absent or null; "sc_path" points at
# the securityContext when it is an object, else at the container; "who" names it in messages:
# `container "app"`, `init container "setup"`). An array: a set of objects is kept sorted by
# comparing them whole.
containers := [c |
	some field in ["containers", "initContainers", "ephemeralContainers"]
	some i, container in spec[field]
	name := object.get(container, "name", "")
	label := container_label[field]
	path := sprintf("%s/%s/%d", [spec_path, field, i])
	c := {
		"container": container,
		"sc": object_or_empty(container, "securityContext"),
		"field": field,
		"label": label,
		"name": name,
		"who": sprintf("%s %q", [label, name]),
		"index": i,
		"path": path,
		"sc_path": sc_path(container, path),
	}
]

# Pointer to a container's securityContext when it is an object, else to the container.
sc_path(container, path) := concat("", [path, "/securityContext"]) if is_object(container.securityContext)
else := path

# `o[key]` when it is an object, else {}.
object_or_empty(o, key) := v if {
	v := o[key]
	is_object(v)
} else := {}

# The pod-level securityContext ({} when absent or null) and the pointer to it.
pod_security_context := sc if {
	sc := object.get(spec, "securityContext", {})
	is_object(sc)
} else := {}

pod_security_context_path := sprintf("%s/securityContext", [spec_path])

# A container's securityContext ({} when absent or null).
security_context(c) := c.sc

# Pointer to a container's securityContext field `name`, or to the nearest parent that exists
# (the securityContext, else the container) when the field is not set.
security_context_field_path(c, name) := concat("/", [c.sc_path, name]) if object.get(c.sc, name, null) != null
else := c.sc_path

# Pointer to field `key` of `obj` (found at `path`) when it is set, else to `obj` itself.
field_path(obj, key, path) := sprintf("%s/%s", [path, key]) if object.get(obj, key, null) != null
else := path

# Escapes one JSON pointer segment (RFC 6901: "~" as "~0", "/" as "~1").
escape(segment) := replace(replace(segment, "~", "~0"), "/", "~1")

# Pod Security Standards minor version (input.parameters.pss_version; latest when missing).
latest_version := 37

version := v if {
	v := input.parameters.pss_version
	is_number(v)
} else := latest_version

# Pod Security Standards level (input.parameters.pss_level; restricted when missing).
level := l if {
	l := input.parameters.pss_level
	l in {"baseline", "restricted"}
} else := "restricted"

# The pod declares spec.os.name: windows.
windows if spec.os.name == "windows"

# Restricted checks stop applying to explicitly Windows pods from v1.25.
windows_exempt if {
	version >= 25
	windows
}

# The pod runs in its own user namespace (spec.hostUsers: false). From v1.35 some checks relax.
user_namespace_relaxed if {
	version >= 35
	spec.hostUsers == false
}

# The string field `key` of `obj`, or "" when it is missing, null or not a string (the API's zero
# value for an optional string).
text(obj, key) := s if {
	s := object.get(obj, key, "")
	is_string(s)
} else := ""

# Mutation helpers. A default is added only where nothing is set: never over a value the user
# wrote, whatever it is.

# An RFC 6902 `add` that sets `keys` (path segments) below `obj`, the object at JSON pointer
# `path`, to `value`. It is made at the first segment that is missing or null, with the segments
# after it built around the value, so it applies to the object as it is. Undefined when the full
# path is already set, or when a segment on the way holds something other than an object.
default_op(obj, path, keys, value) := op if {
	some i in numbers.range(0, count(keys) - 1)
	parent := object.get(obj, array.slice(keys, 0, i), null)
	is_object(parent)
	object.get(parent, keys[i], null) == null
	segments := [escape(k) | some k in array.slice(keys, 0, i + 1)]
	op := {
		"op": "add",
		"path": concat("/", array.concat([path], segments)),
		"value": nest(array.slice(keys, i + 1, count(keys)), value),
	}
}

# `value` wrapped in objects, one per key of `keys` (at most three).
nest(keys, value) := value if count(keys) == 0

nest(keys, value) := {keys[0]: value} if count(keys) == 1

nest(keys, value) := {keys[0]: {keys[1]: value}} if count(keys) == 2

nest(keys, value) := {keys[0]: {keys[1]: {keys[2]: value}}} if count(keys) == 3
