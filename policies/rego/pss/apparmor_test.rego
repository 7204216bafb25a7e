# Tests for PSS-APPARMOR.
package palisade.pss.apparmor_test

import data.palisade.pss.apparmor

pod(annotations, spec) := {"review": {"object": {"kind": "Pod", "metadata": {"annotations": annotations}, "spec": spec}}}

one := {"containers": [{"name": "app"}]}

test_unconfined_annotation_denied if {
	v := apparmor.deny with input as pod({"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}, one)
	{f.path | some f in v} == {"/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app"}
	some f in v
	contains(f.msg, "forbidden AppArmor profile")
}

test_allowed_annotations if {
	annotations := {
		"container.apparmor.security.beta.kubernetes.io/a": "runtime/default",
		"container.apparmor.security.beta.kubernetes.io/b": "localhost/custom",
		"container.apparmor.security.beta.kubernetes.io/c": "",
		"other/annotation": "unconfined",
	}
	v := apparmor.deny with input as pod(annotations, one)
	count(v) == 0
}

test_unconfined_fields_denied if {
	spec := {
		"securityContext": {"appArmorProfile": {"type": "Unconfined"}},
		"containers": [{"name": "a", "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}],
		"initContainers": [{"name": "i", "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}],
	}
	v := apparmor.deny with input as pod({}, spec)
	{f.path | some f in v} == {"/spec/securityContext/appArmorProfile/type", "/spec/initContainers/0/securityContext/appArmorProfile/type"}
}

test_allowed_fields if {
	spec := {
		"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
		"containers": [{"name": "a", "securityContext": {"appArmorProfile": {"type": "Localhost", "localhostProfile": "p"}}}],
	}
	v := apparmor.deny with input as pod({}, spec)
	count(v) == 0
}

test_deployment_template_annotation_escaped if {
	deployment := {"kind": "Deployment", "spec": {"template": {
		"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/a~b": "unconfined"}},
		"spec": one,
	}}}
	v := apparmor.deny with input as {"review": {"object": deployment}}
	{f.path | some f in v} == {"/spec/template/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1a~0b"}
}
