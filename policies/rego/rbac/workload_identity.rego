# RBAC-WORKLOAD-IDENTITY: a workload runs with its service account's token, so whoever controls
# the workload (its image, a compromised dependency, anyone who can exec into it) holds every
# power the bindings give that service account. A workload is reported when its service account
# (`serviceAccountName`, default `default`, in the workload's namespace) holds a critical or high
# power through a RoleBinding or ClusterRoleBinding — to the account itself, or to the groups
# system:serviceaccounts and system:serviceaccounts:<namespace>. A power is the finding of an RBAC
# rule on the bound role, at the severity that rule grades it (a narrowed Secret read is `low`,
# not a power), judged where the binding grants it: a RoleBinding only in its own namespace.
# A DaemonSet is one step more severe (its token sits on every node, so one node is enough), so
# a medium power such as deleting pods is high there. No finding when no token is mounted:
# `automountServiceAccountToken: false` on the pod (or, when the pod does not say, on the
# ServiceAccount) and no projected serviceAccountToken volume.
package palisade.rbac.workload_identity

metadata := {
	"id": "RBAC-WORKLOAD-IDENTITY",
	"title": "Workload whose service account holds a critical or high RBAC power",
	"severity": "critical",
	"kinds": ["Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"],
	"remediation": "Give the workload its own service account bound only to what it needs (read-only where it only reads, a Role in its namespace rather than a ClusterRole), or set automountServiceAccountToken: false when it does not call the API.",
}

obj := input.review.object

spec := data.palisade.lib.pods.spec

namespace := obj.metadata.namespace if {
	is_string(obj.metadata.namespace)
	obj.metadata.namespace != ""
} else := input.review.namespace if {
	is_string(input.review.namespace)
	input.review.namespace != ""
} else := "default"

service_account := spec.serviceAccountName if {
	is_string(spec.serviceAccountName)
	spec.serviceAccountName != ""
} else := spec.serviceAccount if {
	is_string(spec.serviceAccount)
	spec.serviceAccount != ""
} else := "default"

# The serviceAccountName line, else the deprecated serviceAccount, else the pod spec.
path := sprintf("%s/serviceAccountName", [data.palisade.lib.pods.spec_path]) if {
	is_string(spec.serviceAccountName)
} else := sprintf("%s/serviceAccount", [data.palisade.lib.pods.spec_path]) if {
	is_string(spec.serviceAccount)
} else := data.palisade.lib.pods.spec_path

service_account_object := data.inventory.namespace[namespace].v1.ServiceAccount[service_account]

# The pod spec's own setting wins; the ServiceAccount's applies only when the pod says nothing.
no_automount if spec.automountServiceAccountToken == false

no_automount if {
	not is_boolean(spec.automountServiceAccountToken)
	service_account_object.automountServiceAccountToken == false
}

projected_token if {
	some v in spec.volumes
	some s in v.projected.sources
	is_object(s.serviceAccountToken)
}

token_mounted if not no_automount

token_mounted if projected_token

rank := {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

severities := ["info", "low", "medium", "high", "critical"]

step := 1 if obj.kind == "DaemonSet"

step := 0 if obj.kind != "DaemonSet"

daemonset_note := " (one step more severe on a DaemonSet: its token sits on every node)" if step == 1

daemonset_note := "" if step == 0

who(c) := sprintf("service account %q, a member of group %s,", [account, trim_prefix(c.key, "group:")]) if {
	startswith(c.key, "group:")
} else := sprintf("service account %q", [account])

account := sprintf("%s/%s", [namespace, service_account])

where(c) := sprintf("in namespace %q", [c.namespace]) if c.namespace != ""

where(c) := "cluster-wide" if c.namespace == ""

deny contains v if {
	token_mounted
	some c in data.palisade.lib.rbac_identity.chains_of(namespace, service_account)
	held := [p | some p in c.powers; rank[p.severity] + step >= 3]
	count(held) > 0
	top := min([4, max([rank[p.severity] | some p in held]) + step])
	powers := concat("; ", sort([sprintf("%s %s: %s", [p.rule, p.severity, p.msg]) | some p in held]))
	v := {
		"msg": sprintf("%s holds, through %s → %s %s: %s%s", [who(c), c.binding, c.role, where(c), powers, daemonset_note]),
		"path": path,
		"severity": severities[top],
	}
}
