package palisade.pss.privileged_test

import data.palisade.pss.privileged

pod(sc) := {"review": {"kind": {"kind": "Pod"}, "object": {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": sc}]}}}}

test_privileged_denied if {
	v := privileged.deny with input as pod({"privileged": true})
	count(v) == 1
	some f in v
	f.path == "/spec/containers/0/securityContext/privileged"
}

test_unprivileged_allowed if {
	v := privileged.deny with input as pod({"privileged": false})
	count(v) == 0
}
