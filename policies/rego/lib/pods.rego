# Pod templates and containers of every workload kind, with JSON pointers to them.
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

# Every container of every kind: {"container", "kind", "index", "path"}.
containers contains c if {
	some field in ["containers", "initContainers", "ephemeralContainers"]
	some i, container in spec[field]
	c := {
		"container": container,
		"field": field,
		"index": i,
		"path": sprintf("%s/%s/%d", [spec_path, field, i]),
	}
}
