# Tests for PSS-PRIVILEGED.
package palisade.pss.privileged_test

import data.palisade.pss.privileged

pod(sc) := {"review": {"kind": {"kind": "Pod"}, "object": {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": sc}]}}}}

test_privileged_denied if {
	v := privileged.deny with input as pod({"privileged": true})
	count(v) == 1
	some f in v
	f.path == "/spec/containers/0/securityContext/privileged"
	contains(f.msg, "privileged")
}

test_unprivileged_allowed if {
	v := privileged.deny with input as pod({"privileged": false})
	count(v) == 0
}

test_unset_allowed if {
	v := privileged.deny with input as pod({})
	count(v) == 0
}

test_deployment_init_container_denied if {
	deployment := {"kind": "Deployment", "spec": {"template": {"spec": {
		"containers": [{"name": "app"}],
		"initContainers": [{"name": "setup", "securityContext": {"privileged": true}}],
	}}}}
	v := privileged.deny with input as {"review": {"object": deployment}}
	{f.path | some f in v} == {"/spec/template/spec/initContainers/0/securityContext/privileged"}
	some f in v
	contains(f.msg, `init container "setup" must not set securityContext.privileged=true`)
}

test_cronjob_ephemeral_container_denied if {
	cronjob := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"containers": [{"name": "app"}],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"privileged": true}}],
	}}}}}}
	v := privileged.deny with input as {"review": {"object": cronjob}}
	{f.path | some f in v} == {"/spec/jobTemplate/spec/template/spec/ephemeralContainers/0/securityContext/privileged"}
}

test_other_kinds_ignored if {
	v := privileged.deny with input as {"review": {"object": {"kind": "ConfigMap", "data": {"privileged": "true"}}}}
	count(v) == 0
}
