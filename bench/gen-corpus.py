#!/usr/bin/env python3
"""Deterministic benchmark corpus of mixed Kubernetes objects for `palisade lint`.

Writes `--objects N` objects, 20 YAML documents per file, into `--out DIR`:

* every pod-template kind (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
  ReplicationController), about half hardened (clean at the restricted Pod Security level) and the
  rest baseline-only or risky (privileged, host namespaces, hostPath, added capabilities,
  runAsUser 0, missing or unconfined seccomp, host ports, unsafe sysctls, ...);
* RBAC: Roles and ClusterRoles (read-only, wildcards, secrets access, secrets narrowed by
  resourceNames, impersonation unrestricted and narrowed, pods/exec, escalate/bind, nodes/proxy,
  token requests, ...), RoleBindings and ClusterRoleBindings (service accounts, groups,
  cluster-admin, system:anonymous, default service account);
* Services and NetworkPolicies.

The same arguments always give byte-identical output (fixed seed, no clock, no hashing of sets).
Only the Python standard library is used. The output directory is created if missing; files named
`corpus-NNNNN.yaml` already in it are replaced, nothing else is touched.
"""

import argparse
import json
import os
import random
import re
import sys

DOCS_PER_FILE = 20
SEED = 20240611

POD_KINDS = [
    "Pod",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
]

# (kind, weight): pod templates ~60 %, RBAC ~20 %, Services ~12 %, NetworkPolicies ~8 %.
KIND_WEIGHTS = [
    ("Pod", 8),
    ("Deployment", 16),
    ("ReplicaSet", 4),
    ("StatefulSet", 8),
    ("DaemonSet", 6),
    ("Job", 6),
    ("CronJob", 6),
    ("ReplicationController", 6),
    ("Role", 5),
    ("ClusterRole", 5),
    ("RoleBinding", 5),
    ("ClusterRoleBinding", 5),
    ("Service", 12),
    ("NetworkPolicy", 8),
]

NAMESPACES = [
    "shop", "payments", "checkout", "catalog", "search", "auth", "billing", "media",
    "monitoring", "logging", "ingress", "data", "ml", "ci", "platform", "edge",
]
APPS = [
    "api", "web", "worker", "cart", "orders", "inventory", "gateway", "frontend", "backend",
    "indexer", "scheduler", "notifier", "exporter", "collector", "proxy", "cache", "queue",
    "reporter", "resizer", "mailer",
]
IMAGES = [
    "registry.example.org/{app}:1.{minor}.{patch}",
    "ghcr.io/example/{app}:v2.{minor}.{patch}",
    "docker.io/library/nginx:1.{minor}.{patch}",
    "quay.io/example/{app}@sha256:{digest}",
]

# Restricted-clean container securityContext and pod securityContext.
HARDENED_CONTAINER_SC = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}

# Risky settings; a risky workload gets one to three of them.
RISKS = [
    "privileged",
    "hostPID",
    "hostNetwork",
    "hostIPC",
    "hostPath",
    "capAdd",
    "capSysAdmin",
    "runAsRoot",
    "noSeccomp",
    "seccompUnconfined",
    "hostPort",
    "allowEscalation",
    "procMount",
    "unsafeSysctl",
    "apparmorUnconfined",
    "selinuxType",
    "windowsHostProcess",
    "hostProbe",
]

SAFE_SCALAR = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./=@-]*(:[A-Za-z0-9_./=@-]+)*$")
YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


# ----------------------------------------------------------------------------------------------
# A small block-style YAML emitter (mappings keep insertion order).


def scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    if SAFE_SCALAR.match(s) and s.lower() not in YAML_WORDS:
        return s
    return json.dumps(s)


def emit(value, indent, out):
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            key = scalar(k)
            if isinstance(v, dict) and v:
                out.append(f"{pad}{key}:")
                emit(v, indent + 2, out)
            elif isinstance(v, list) and v:
                if all(not isinstance(x, (dict, list)) for x in v) and len(v) <= 6:
                    out.append(f"{pad}{key}: [{', '.join(scalar(x) for x in v)}]")
                else:
                    out.append(f"{pad}{key}:")
                    emit(v, indent + 2, out)
            elif isinstance(v, dict):
                out.append(f"{pad}{key}: {{}}")
            elif isinstance(v, list):
                out.append(f"{pad}{key}: []")
            else:
                out.append(f"{pad}{key}: {scalar(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                lines = []
                emit(item, indent + 2, lines)
                first = lines[0]
                lines[0] = pad + "- " + first[indent + 2 :]
                out.extend(lines)
            elif isinstance(item, list):
                out.append(f"{pad}- {json.dumps(item)}")
            else:
                out.append(f"{pad}- {scalar(item)}")
    else:
        out.append(pad + scalar(value))


def to_yaml(doc):
    out = []
    emit(doc, 0, out)
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------------
# Workloads.


def image(rng, app):
    tmpl = rng.choice(IMAGES)
    digest = "".join(rng.choice("0123456789abcdef") for _ in range(64))
    return tmpl.format(app=app, minor=rng.randrange(30), patch=rng.randrange(10), digest=digest)


def container(rng, app, index, profile, risks):
    name = app if index == 0 else f"{app}-sidecar-{index}"
    port = rng.choice([8080, 8443, 9090, 3000, 5000])
    c = {
        "name": name,
        "image": image(rng, app),
        "args": [f"--port={port}", f"--log-level={rng.choice(['info', 'debug', 'warn'])}"],
        "ports": [{"name": "http", "containerPort": port}],
        "env": [{"name": "APP_NAME", "value": app}],
        "resources": {
            "requests": {"cpu": f"{rng.choice([50, 100, 250])}m", "memory": f"{rng.choice([64, 128, 256])}Mi"},
            "limits": {"memory": f"{rng.choice([256, 512])}Mi"},
        },
    }
    if index > 0:
        del c["env"]
    if index == 0:
        c["readinessProbe"] = {
            "httpGet": {"path": "/healthz", "port": port},
            "initialDelaySeconds": 5,
        }
        c["volumeMounts"] = [{"name": "config", "mountPath": "/etc/app", "readOnly": True}]
    if profile == "hardened":
        c["securityContext"] = json.loads(json.dumps(HARDENED_CONTAINER_SC))
        return c
    sc = {}
    if profile == "baseline":
        # Baseline-clean, fails restricted: no seccomp, root allowed, capabilities not dropped.
        sc["allowPrivilegeEscalation"] = rng.choice([True, False])
    else:
        sc["runAsNonRoot"] = rng.choice([True, False])
    if index == 0:
        for risk in risks:
            if risk == "privileged":
                sc["privileged"] = True
            elif risk == "capAdd":
                sc["capabilities"] = {"add": rng.sample(["NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_TIME"], 2)}
            elif risk == "capSysAdmin":
                sc["capabilities"] = {"drop": ["ALL"], "add": ["SYS_ADMIN"]}
            elif risk == "runAsRoot":
                sc["runAsUser"] = 0
                sc["runAsNonRoot"] = False
            elif risk == "seccompUnconfined":
                sc["seccompProfile"] = {"type": "Unconfined"}
            elif risk == "hostPort":
                c["ports"][0]["hostPort"] = c["ports"][0]["containerPort"]
            elif risk == "allowEscalation":
                sc["allowPrivilegeEscalation"] = True
            elif risk == "procMount":
                sc["procMount"] = "Unmasked"
            elif risk == "apparmorUnconfined":
                sc["appArmorProfile"] = {"type": "Unconfined"}
            elif risk == "selinuxType":
                sc["seLinuxOptions"] = {"type": "spc_t"}
            elif risk == "windowsHostProcess":
                sc["windowsOptions"] = {"hostProcess": True}
            elif risk == "hostProbe":
                c["readinessProbe"]["httpGet"]["host"] = "10.0.0.1"
    c["securityContext"] = sc
    return c


def pod_spec(rng, app, profile):
    risks = []
    if profile == "risky":
        risks = rng.sample(RISKS, rng.randint(1, 3))
    count = rng.choices([1, 2, 3], weights=[7, 2, 1])[0]
    spec = {"serviceAccountName": rng.choice([app, app, "default"])}
    if profile == "hardened":
        spec["automountServiceAccountToken"] = False
        spec["securityContext"] = {
            "runAsNonRoot": True,
            "runAsUser": 10000 + rng.randrange(1000),
            "fsGroup": 10000,
            "seccompProfile": {"type": "RuntimeDefault"},
        }
    elif "noSeccomp" not in risks:
        spec["securityContext"] = {"fsGroup": 2000}
    for risk in risks:
        if risk in ("hostPID", "hostNetwork", "hostIPC"):
            spec[risk] = True
        elif risk == "unsafeSysctl":
            spec.setdefault("securityContext", {})["sysctls"] = [{"name": "kernel.msgmax", "value": "65536"}]
    spec["containers"] = [container(rng, app, i, profile, risks) for i in range(count)]
    if rng.random() < 0.25:
        init = container(rng, app + "-init", 1, profile, [])
        init["name"] = "init-" + app
        init.pop("ports", None)
        spec["initContainers"] = [init]
    volumes = [{"name": "config", "configMap": {"name": f"{app}-config"}}]
    if "hostPath" in risks:
        volumes.append({"name": "host", "hostPath": {"path": rng.choice(["/var/run/docker.sock", "/", "/var/log"])}})
    else:
        volumes.append({"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}})
    spec["volumes"] = volumes
    return spec


def metadata(name, namespace, app):
    meta = {
        "name": name,
        "namespace": namespace,
        "labels": {
            "app.kubernetes.io/name": app,
            "app.kubernetes.io/part-of": namespace,
        },
    }
    return meta


def pod_template(rng, app, profile):
    return {
        "metadata": {"labels": {"app.kubernetes.io/name": app, "app.kubernetes.io/instance": app}},
        "spec": pod_spec(rng, app, profile),
    }


def workload(rng, kind, serial):
    app = rng.choice(APPS)
    ns = rng.choice(NAMESPACES)
    name = f"{app}-{serial:06d}"
    profile = rng.choices(["hardened", "baseline", "risky"], weights=[5, 2, 3])[0]
    api = "v1" if kind in ("Pod", "ReplicationController") else "batch/v1" if kind in ("Job", "CronJob") else "apps/v1"
    doc = {"apiVersion": api, "kind": kind, "metadata": metadata(name, ns, app)}
    selector = {"matchLabels": {"app.kubernetes.io/name": app, "app.kubernetes.io/instance": app}}
    if kind == "Pod":
        tmpl = pod_template(rng, app, profile)
        doc["metadata"]["labels"].update(tmpl["metadata"]["labels"])
        doc["spec"] = tmpl["spec"]
    elif kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"):
        spec = {}
        if kind != "DaemonSet":
            spec["replicas"] = rng.choice([1, 2, 3, 5])
        spec["selector"] = selector
        if kind == "StatefulSet":
            spec["serviceName"] = app
        spec["template"] = pod_template(rng, app, profile)
        doc["spec"] = spec
    elif kind == "ReplicationController":
        doc["spec"] = {
            "replicas": rng.choice([1, 2]),
            "selector": selector["matchLabels"],
            "template": pod_template(rng, app, profile),
        }
    elif kind == "Job":
        tmpl = pod_template(rng, app, profile)
        tmpl["spec"]["restartPolicy"] = "Never"
        doc["spec"] = {"backoffLimit": 3, "ttlSecondsAfterFinished": 3600, "template": tmpl}
    elif kind == "CronJob":
        tmpl = pod_template(rng, app, profile)
        tmpl["spec"]["restartPolicy"] = "OnFailure"
        doc["spec"] = {
            "schedule": f"{rng.randrange(60)} {rng.randrange(24)} * * *",
            "concurrencyPolicy": "Forbid",
            "jobTemplate": {"spec": {"backoffLimit": 2, "template": tmpl}},
        }
    return doc


# ----------------------------------------------------------------------------------------------
# RBAC.

READ = ["get", "list", "watch"]
WRITE = ["create", "update", "patch", "delete"]


def rbac_rules(rng, cluster):
    choices = [
        ("read", 6),
        ("wildcard", 2),
        ("secrets", 2),
        ("secretsNarrowed", 2),
        ("impersonate", 1),
        ("impersonateNarrowed", 2),
        ("exec", 1),
        ("escalate", 1),
        ("workloads", 2),
        ("token", 1),
    ]
    if cluster:
        choices += [("nodesProxy", 1), ("csr", 1), ("webhooks", 1), ("pv", 1)]
    kinds = [c for c, _ in choices]
    weights = [w for _, w in choices]
    rules = [
        {"apiGroups": [""], "resources": ["configmaps", "services", "endpoints"], "verbs": READ},
    ]
    for pick in rng.choices(kinds, weights=weights, k=rng.randint(1, 3)):
        if pick == "read":
            rules.append({"apiGroups": ["apps"], "resources": ["deployments", "replicasets"], "verbs": READ})
        elif pick == "wildcard":
            rules.append(rng.choice([
                {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                {"apiGroups": [""], "resources": ["*"], "verbs": READ},
                {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]},
            ]))
        elif pick == "secrets":
            rules.append({"apiGroups": [""], "resources": ["secrets"], "verbs": READ})
        elif pick == "secretsNarrowed":
            rules.append({
                "apiGroups": [""],
                "resources": ["secrets"],
                "resourceNames": ["cluster-user-auth", "oidc-auth"],
                "verbs": ["get", "list"],
            })
        elif pick == "impersonate":
            rules.append({"apiGroups": [""], "resources": ["users", "groups", "serviceaccounts"], "verbs": ["impersonate"]})
        elif pick == "impersonateNarrowed":
            rules.append({
                "apiGroups": [""],
                "resources": ["users"],
                "resourceNames": ["alice@example.org", "bob@example.org"],
                "verbs": ["impersonate"],
            })
        elif pick == "exec":
            rules.append({"apiGroups": [""], "resources": ["pods/exec", "pods/portforward"], "verbs": ["create", "get"]})
        elif pick == "escalate":
            rules.append({
                "apiGroups": ["rbac.authorization.k8s.io"],
                "resources": ["roles", "rolebindings"],
                "verbs": ["bind", "escalate"],
            })
        elif pick == "workloads":
            rules.append({"apiGroups": ["", "apps"], "resources": ["pods", "deployments"], "verbs": WRITE})
        elif pick == "token":
            rules.append({"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]})
        elif pick == "nodesProxy":
            rules.append({"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]})
        elif pick == "csr":
            rules.append({
                "apiGroups": ["certificates.k8s.io"],
                "resources": ["certificatesigningrequests/approval"],
                "verbs": ["update"],
            })
        elif pick == "webhooks":
            rules.append({
                "apiGroups": ["admissionregistration.k8s.io"],
                "resources": ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"],
                "verbs": ["create", "update", "patch"],
            })
        elif pick == "pv":
            rules.append({"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["create", "delete"]})
    return rules


def rbac_meta(rng, kind, serial, namespaced):
    """(app, namespace, metadata) of an RBAC object; metadata names the namespace only when `namespaced`."""
    app = rng.choice(APPS)
    ns = rng.choice(NAMESPACES)
    meta = {"name": f"{app}-{kind.lower()}-{serial:06d}"}
    if namespaced:
        meta["namespace"] = ns
    meta["labels"] = {"app.kubernetes.io/name": app}
    return app, ns, meta


def role(rng, kind, serial):
    _, _, meta = rbac_meta(rng, kind, serial, kind == "Role")
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": meta,
        "rules": rbac_rules(rng, kind == "ClusterRole"),
    }


def binding(rng, kind, serial):
    app, ns, meta = rbac_meta(rng, kind, serial, kind == "RoleBinding")
    pick = rng.choices(["sa", "group", "clusterAdmin", "masters", "anonymous", "defaultSA"], weights=[10, 3, 1, 1, 1, 1])[0]
    role_ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": f"{app}-reader"}
    if kind == "RoleBinding" and rng.random() < 0.5:
        role_ref["kind"] = "Role"
    subjects = [{"kind": "ServiceAccount", "name": app, "namespace": ns}]
    if pick == "group":
        subjects = [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": f"team-{app}"}]
    elif pick == "clusterAdmin":
        role_ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}
    elif pick == "masters":
        subjects.append({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"})
    elif pick == "anonymous":
        subjects = [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "system:anonymous"}]
    elif pick == "defaultSA":
        subjects = [{"kind": "ServiceAccount", "name": "default", "namespace": ns}]
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": meta,
        "roleRef": role_ref,
        "subjects": subjects,
    }


# ----------------------------------------------------------------------------------------------
# Services and NetworkPolicies.


def service(rng, serial):
    app = rng.choice(APPS)
    ns = rng.choice(NAMESPACES)
    stype = rng.choices(["ClusterIP", "NodePort", "LoadBalancer", "Headless"], weights=[6, 2, 1, 1])[0]
    spec = {"selector": {"app.kubernetes.io/name": app}}
    port = {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}
    if stype == "Headless":
        spec["clusterIP"] = "None"
    else:
        spec["type"] = stype
    if stype == "NodePort":
        port["nodePort"] = 30000 + rng.randrange(2767)
    spec["ports"] = [port, {"name": "metrics", "port": 9090, "targetPort": 9090, "protocol": "TCP"}]
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(f"{app}-{serial:06d}", ns, app),
        "spec": spec,
    }


def network_policy(rng, serial):
    app = rng.choice(APPS)
    ns = rng.choice(NAMESPACES)
    pick = rng.choices(["denyAll", "allowAll", "app", "egressDns"], weights=[2, 1, 5, 2])[0]
    meta = metadata(f"{app}-netpol-{serial:06d}", ns, app)
    if pick == "denyAll":
        spec = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    elif pick == "allowAll":
        spec = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": app}}, "ingress": [{}], "policyTypes": ["Ingress"]}
    elif pick == "app":
        spec = {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": app}},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [
                        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "frontend"}}},
                        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}},
                    ],
                    "ports": [{"protocol": "TCP", "port": 8080}],
                }
            ],
        }
    else:
        spec = {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": app}},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }
            ],
        }
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta, "spec": spec}


# ----------------------------------------------------------------------------------------------


def generate(rng, serial):
    kinds = [k for k, _ in KIND_WEIGHTS]
    weights = [w for _, w in KIND_WEIGHTS]
    kind = rng.choices(kinds, weights=weights)[0]
    if kind in POD_KINDS:
        return workload(rng, kind, serial)
    if kind in ("Role", "ClusterRole"):
        return role(rng, kind, serial)
    if kind in ("RoleBinding", "ClusterRoleBinding"):
        return binding(rng, kind, serial)
    if kind == "Service":
        return service(rng, serial)
    return network_policy(rng, serial)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, required=True, help="number of objects to write")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    if args.objects < 0:
        parser.error("--objects must be >= 0")
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    files = 0
    counts = {}
    for start in range(0, args.objects, DOCS_PER_FILE):
        docs = []
        for serial in range(start, min(start + DOCS_PER_FILE, args.objects)):
            doc = generate(rng, serial)
            counts[doc["kind"]] = counts.get(doc["kind"], 0) + 1
            docs.append(to_yaml(doc))
        path = os.path.join(args.out, f"corpus-{files:05d}.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("---\n".join(docs))
        files += 1
    summary = ", ".join(f"{k} {counts[k]}" for k in sorted(counts))
    print(f"wrote {args.objects} objects in {files} files to {args.out} ({summary})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
