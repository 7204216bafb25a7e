# RBAC-TOKEN-REQUEST: create on serviceaccounts/token mints tokens for service accounts, so the
# subject holds every permission they hold. Unrestricted in a ClusterRole that is every service
# account of the cluster, kube-system's controllers included. Narrowed by resourceNames it reaches
# only the named service accounts (critical when one is bound to cluster-admin in data.inventory).
package palisade.rbac.token_request

import data.palisade.lib.rbac
import data.palisade.lib.rbac_admin

metadata := {
	"id": "RBAC-TOKEN-REQUEST",
	"title": "Mint service account tokens",
	"severity": "high",
	"kinds": ["Role", "ClusterRole"],
	"remediation": "Narrow serviceaccounts/token with resourceNames to the service accounts the subject must act as, bound in their namespace. Aggregated ClusterRoles (aggregationRule) are not checked yet.",
}

deny contains v if {
	some x in rbac.rules
	not rbac.narrowed(x.rule)
	rbac.allows(x.rule, "", "serviceaccounts/token", "create")
	v := {
		"msg": sprintf("rule %d can mint tokens for any service account in %s (create serviceaccounts/token)", [x.index, rbac.scope]),
		"path": rbac.verb_path(x, {"create"}),
		"severity": unrestricted_severity,
	}
}

unrestricted_severity := "critical" if rbac.is_cluster_role

unrestricted_severity := "high" if rbac.is_role

deny contains v if {
	some x in rbac.rules
	rbac.narrowed(x.rule)
	rbac.allows(x.rule, "", "serviceaccounts/token", "create")
	v := {
		"msg": sprintf("rule %d can mint tokens only for the service accounts named %s", [x.index, rbac.list(rbac.names(x.rule))]),
		"path": rbac.names_path(x),
		"severity": "medium",
	}
}

deny contains v if {
	some x in rbac.rules
	rbac.narrowed(x.rule)
	rbac.allows(x.rule, "", "serviceaccounts/token", "create")
	some k, name in x.rule.resourceNames
	rbac_admin.admin_subject("ServiceAccount", name)
	v := {
		"msg": sprintf("rule %d can mint tokens for service account %q, which holds cluster-admin", [x.index, name]),
		"path": sprintf("%s/%d", [rbac.names_path(x), k]),
		"severity": "critical",
	}
}
