//! What the rendered install manifests must say for the webhook to work: the objects exist, the
//! webhook configurations call the Service on the right paths, the Service reaches the
//! container's named ports, the Deployment mounts the ConfigMap as a directory where its flags
//! point, the NetworkPolicy selects the webhook's pods — and the certificates are wired as the
//! chosen way says ([`Certs`]): managed by the webhook (its Secret, Lease and narrowed RBAC, an
//! emptyDir, no caBundle in the manifests), from files (the generated TLS Secret mounted, the CA
//! in every caBundle, no certificate RBAC), or from cert-manager (Certificates, CA injection).

use serde_json::Value;
use std::collections::BTreeSet;

const NS: &str = "palisade-system";
const NAME: &str = "palisade-webhook";

/// The object of `kind` named `name`.
pub fn object<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in the rendered manifests"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// How the rendered manifests get their certificates.
#[derive(Debug, Clone, Copy)]
pub enum Certs<'a> {
    /// The base: `--manage-certs`.
    Managed,
    /// The tls-files component, with this caBundle patched into the manifests.
    Files { ca_bundle: &'a str },
    /// The cert-manager component.
    CertManager,
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
}

pub fn check(docs: &[Value], certs: Certs) {
    for (kind, name) in [
        ("Namespace", NS),
        ("Namespace", "palisade-probe"),
        ("ServiceAccount", NAME),
        ("ClusterRole", NAME),
        ("ClusterRoleBinding", NAME),
        ("DaemonSet", "palisade-probe"),
    ] {
        object(docs, kind, name);
    }
    let ns = object(docs, "Namespace", NS);
    assert_eq!(
        ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "restricted"
    );

    let mut paths = Vec::new();
    for kind in [
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
    ] {
        let config = object(docs, kind, NAME);
        let hooks = config["webhooks"].as_array().cloned().unwrap_or_default();
        assert!(!hooks.is_empty(), "{kind}");
        for hook in &hooks {
            let what = format!("{kind} {}", hook["name"]);
            let client = &hook["clientConfig"];
            match certs {
                Certs::Files { ca_bundle } => assert_eq!(client["caBundle"], ca_bundle, "{what}"),
                _ => assert!(
                    client.get("caBundle").is_none(),
                    "{what}: caBundle in the manifests"
                ),
            }
            assert_eq!(client["service"]["name"], NAME, "{what}");
            assert_eq!(client["service"]["namespace"], NS, "{what}");
            assert_eq!(client["service"]["port"], 443, "{what}");
            paths.push(
                client["service"]["path"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
            assert_eq!(hook["sideEffects"], "None", "{what}");
            assert_eq!(strings(&hook["admissionReviewVersions"]), ["v1"], "{what}");
            let timeout = hook["timeoutSeconds"].as_u64().unwrap_or(0);
            assert!(
                (3..=30).contains(&timeout),
                "{what}: timeoutSeconds {timeout}"
            );
            assert!(hook["failurePolicy"].is_string(), "{what}");
            assert!(
                hook["matchConditions"][0]["expression"].is_string(),
                "{what}"
            );
            let excluded = &hook["namespaceSelector"]["matchExpressions"][0];
            assert_eq!(excluded["key"], "kubernetes.io/metadata.name", "{what}");
            assert_eq!(excluded["operator"], "NotIn", "{what}");
            assert_eq!(strings(&excluded["values"]), ["kube-system", NS], "{what}");
        }
        let resources: BTreeSet<&str> = hooks
            .iter()
            .flat_map(|h| h["rules"].as_array().into_iter().flatten())
            .flat_map(|r| strings(&r["resources"]))
            .collect();
        let templates = [
            "pods",
            "replicationcontrollers",
            "deployments",
            "replicasets",
            "statefulsets",
            "daemonsets",
            "jobs",
            "cronjobs",
        ];
        let mut expected: BTreeSet<&str> = templates.into_iter().collect();
        if kind.starts_with("Validating") {
            expected.extend([
                "pods/ephemeralcontainers",
                "roles",
                "clusterroles",
                "rolebindings",
                "clusterrolebindings",
                "networkpolicies",
            ]);
        }
        assert_eq!(resources, expected, "{kind}");
    }
    paths.sort();
    paths.dedup();
    assert_eq!(paths, ["/mutate", "/validate"]);

    let service = object(docs, "Service", NAME);
    let port = |name: &str| {
        service["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("Service has no port {name}"))
    };
    assert_eq!(port("https")["port"], 443);
    assert_eq!(port("https")["targetPort"], "https");
    assert_eq!(port("metrics")["targetPort"], "metrics");

    let deployment = object(docs, "Deployment", NAME);
    let spec = &deployment["spec"]["template"]["spec"];
    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    for (k, v) in service["spec"]["selector"]
        .as_object()
        .into_iter()
        .flatten()
    {
        assert_eq!(&labels[k], v, "Service selector {k}");
    }
    assert_eq!(deployment["spec"]["replicas"], 2);
    let container = &spec["containers"][0];
    let container_port = |name: &str| {
        container["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == name)
            .map(|p| p["containerPort"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(container_port("https"), 8443);
    assert_eq!(container_port("metrics"), 9090);
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(container["startupProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(container["readinessProbe"]["httpGet"]["port"], "metrics");
    let args = strings(&container["args"]);
    assert_eq!(args.first(), Some(&"webhook"));
    let volume_for = |mount_dir: &str| -> Value {
        let mount = container["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["mountPath"] == mount_dir)
            .unwrap_or_else(|| panic!("nothing mounted at {mount_dir}"));
        assert!(
            mount.get("subPath").is_none(),
            "{mount_dir}: subPath is never reloaded"
        );
        spec["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|v| v["name"] == mount["name"])
            .cloned()
            .unwrap_or(Value::Null)
    };
    let tls = volume_for("/etc/palisade/tls");
    match certs {
        Certs::Managed => {
            for flag in ["--manage-certs", "--cert-dir=/etc/palisade/tls"] {
                assert!(args.contains(&flag), "{args:?}");
            }
            assert_eq!(tls["emptyDir"]["medium"], "Memory", "{tls}");
            let env = container["env"].as_array().cloned().unwrap_or_default();
            let field = |name: &str| {
                env.iter()
                    .find(|e| e["name"] == name)
                    .map(|e| e["valueFrom"]["fieldRef"]["fieldPath"].clone())
                    .unwrap_or(Value::Null)
            };
            assert_eq!(field("POD_NAME"), "metadata.name");
            assert_eq!(field("POD_NAMESPACE"), "metadata.namespace");
        }
        Certs::Files { .. } | Certs::CertManager => {
            for flag in [
                "--cert=/etc/palisade/tls/tls.crt",
                "--key=/etc/palisade/tls/tls.key",
            ] {
                assert!(args.contains(&flag), "{args:?}");
            }
            assert!(!args.contains(&"--manage-certs"), "{args:?}");
            assert_eq!(tls["secret"]["secretName"], "palisade-webhook-tls");
            assert!(tls.get("emptyDir").is_none(), "{tls}");
        }
    }
    assert!(args.contains(&"--config=/etc/palisade/config/palisade.yaml"));
    let config = volume_for("/etc/palisade/config")["configMap"]["name"].clone();
    assert_eq!(config, "palisade-webhook-config");

    let policy = object(docs, "NetworkPolicy", NAME);
    for (k, v) in policy["spec"]["podSelector"]["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
    {
        assert_eq!(&labels[k], v, "NetworkPolicy podSelector {k}");
    }
    let ingress_ports: BTreeSet<u64> = policy["spec"]["ingress"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["ports"].as_array().into_iter().flatten())
        .filter_map(|p| p["port"].as_u64())
        .collect();
    assert_eq!(ingress_ports, BTreeSet::from([8443, 9090]));
    let pdb = object(docs, "PodDisruptionBudget", NAME);
    assert_eq!(pdb["spec"]["minAvailable"], 1);
    check_certs(docs, certs);
}

/// The certificate objects and RBAC of each way, and none of another's.
fn check_certs(docs: &[Value], certs: Certs) {
    let managed_objects = [
        ("Secret", "palisade-webhook-certs"),
        ("Lease", "palisade-webhook-certs"),
        ("Role", "palisade-webhook-certs"),
        ("RoleBinding", "palisade-webhook-certs"),
    ];
    let role = object(docs, "ClusterRole", NAME);
    let webhook_rule = role["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| strings(&r["apiGroups"]) == ["admissionregistration.k8s.io"]);
    let certificates = docs.iter().filter(|d| d["kind"] == "Certificate").count();
    if let Certs::Managed = certs {
        for (kind, name) in managed_objects {
            assert_eq!(
                object(docs, kind, name)["metadata"]["namespace"],
                NS,
                "{kind}"
            );
        }
        let secret = object(docs, "Secret", "palisade-webhook-certs");
        assert!(secret.get("data").is_none(), "shipped with data: {secret}");
        for rule in object(docs, "Role", "palisade-webhook-certs")["rules"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert_eq!(strings(&rule["resourceNames"]), ["palisade-webhook-certs"]);
            assert_eq!(strings(&rule["verbs"]), ["get", "update"]);
        }
        let rule = webhook_rule.unwrap_or_else(|| panic!("no caBundle rule: {role}"));
        assert_eq!(strings(&rule["resourceNames"]), [NAME]);
        assert_eq!(strings(&rule["verbs"]), ["get", "patch"]);
        assert_eq!(certificates, 0);
        return;
    }
    for (kind, name) in managed_objects {
        assert!(find(docs, kind, name).is_none(), "{kind} {name} left in");
    }
    assert!(webhook_rule.is_none(), "caBundle rule left in: {role}");
    if let Certs::Files { ca_bundle } = certs {
        let secret = object(docs, "Secret", "palisade-webhook-tls");
        assert_eq!(secret["metadata"]["namespace"], NS);
        assert_eq!(secret["type"], "kubernetes.io/tls");
        let keys: BTreeSet<&str> = secret["data"]
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys, BTreeSet::from(["ca.crt", "tls.crt", "tls.key"]));
        // kustomize wraps long base64 values; the API server's decoder skips the line breaks.
        let ca: String = secret["data"]["ca.crt"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        assert_eq!(ca, ca_bundle);
        assert_eq!(certificates, 0);
        return;
    }
    let serving = object(docs, "Certificate", NAME);
    assert_eq!(serving["spec"]["secretName"], "palisade-webhook-tls");
    let names = palisade_certs::Service::new(NAME, NS)
        .unwrap_or_else(|e| panic!("{e}"))
        .dns_names();
    assert_eq!(strings(&serving["spec"]["dnsNames"]), names);
    let issuer = &serving["spec"]["issuerRef"]["name"];
    let ca_issuer = object(docs, "Issuer", issuer.as_str().unwrap_or_default());
    let ca = object(docs, "Certificate", "palisade-webhook-ca");
    assert_eq!(
        ca_issuer["spec"]["ca"]["secretName"],
        ca["spec"]["secretName"]
    );
    assert_eq!(ca["spec"]["isCA"], true);
    for kind in [
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
    ] {
        let config = object(docs, kind, NAME);
        assert_eq!(
            config["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
            format!("{NS}/{NAME}"),
            "{kind}"
        );
    }
}
