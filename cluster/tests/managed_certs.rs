//! The webhook's self-managed certificates against the fake API server: a first round fills the
//! shipped (empty) Secret and Lease and the caBundle of both configurations; a follower serves
//! what the leader wrote and writes nothing; a CA is succeeded in two rounds; missing objects
//! are created; a refused write is an error naming the object.

use crate::support::runtime;
use base64::Engine as _;
use palisade_certs::managed::{Lifetimes, Step, bundle_trusts};
use palisade_certs::{Service, key_ids};
use palisade_cluster::{CertManager, CertSettings, ClientSettings};
use palisade_fake_api::FakeApi;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, SystemTime};

const NS: &str = "palisade-system";
const NAME: &str = "palisade-webhook-certs";

fn webhook_config(kind: &str, hooks: &[&str]) -> Value {
    let webhooks: Vec<Value> = hooks
        .iter()
        .map(|h| {
            json!({"name": h, "sideEffects": "None", "admissionReviewVersions": ["v1"],
                        "clientConfig": {"service": {"name": "palisade-webhook", "namespace": NS}}})
        })
        .collect();
    json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": kind,
           "metadata": {"name": "palisade-webhook"}, "webhooks": webhooks})
}

/// The objects the manifests ship: an empty Secret and Lease, and both configurations.
fn shipped(api: &FakeApi) {
    api.apply(
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                     "metadata": {"name": NAME, "namespace": NS}}),
    );
    api.apply(
        json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                     "metadata": {"name": NAME, "namespace": NS}, "spec": {}}),
    );
    api.apply(webhook_config(
        "ValidatingWebhookConfiguration",
        &["a.palisade.dev", "b.palisade.dev"],
    ));
    api.apply(webhook_config(
        "MutatingWebhookConfiguration",
        &["m.palisade.dev"],
    ));
}

async fn manager(api: &FakeApi, dir: &Path, identity: &str, life: Lifetimes) -> CertManager {
    let settings = ClientSettings {
        kubeconfig: Some(api.kubeconfig(dir)),
        context: None,
    };
    let (config, _) = palisade_cluster::resolve(&settings)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = palisade_cluster::client(config).unwrap_or_else(|e| panic!("{e}"));
    CertManager::new(
        client,
        CertSettings {
            namespace: NS.into(),
            secret: NAME.into(),
            lease: NAME.into(),
            service: Service::new("palisade-webhook", NS).unwrap_or_else(|e| panic!("{e}")),
            webhook_configs: vec!["palisade-webhook".into()],
            identity: identity.into(),
            lifetimes: life,
            interval: Duration::from_secs(20),
            file: dir.join(format!("{identity}.pem")),
        },
    )
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn secret_text(api: &FakeApi, key: &str) -> String {
    let secret = api.get("Secret", NS, NAME).unwrap_or_default();
    let encoded = secret["data"][key].as_str().unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Every webhook's caBundle in the fake, decoded.
fn bundles(api: &FakeApi) -> Vec<String> {
    api.ca_bundles("palisade-webhook")
}

fn signed_by(cert_pem: &str, ca_pem: &str) -> bool {
    let (_, issuer) = key_ids(cert_pem).unwrap_or_default();
    let (own, _) = key_ids(ca_pem).unwrap_or_default();
    issuer.is_some() && issuer == own
}

#[test]
fn a_first_round_fills_the_secret_and_every_ca_bundle_and_a_follower_only_serves() {
    runtime().block_on(async {
        let api = FakeApi::start().await;
        shipped(&api);
        let dir = tempdir();
        let a = manager(&api, dir.path(), "a", Lifetimes::default()).await;
        let b = manager(&api, dir.path(), "b", Lifetimes::default()).await;
        let now = SystemTime::now();
        assert!(!a.file_ready(now));

        let round = a.round(now).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(round.leader && round.file_written, "{round:?}");
        assert!(matches!(
            round.steps.as_slice(),
            [Step::NewCa(_), Step::ServingIssued(_)]
        ));
        assert_eq!(
            round.patched,
            [
                "ValidatingWebhookConfiguration palisade-webhook",
                "MutatingWebhookConfiguration palisade-webhook"
            ]
        );
        let ca = secret_text(&api, "ca.crt");
        let bundles = bundles(&api);
        assert_eq!(bundles.len(), 3);
        assert!(bundles.iter().all(|b| bundle_trusts(b, &ca)), "{bundles:?}");
        let served = std::fs::read_to_string(dir.path().join("a.pem")).unwrap_or_default();
        assert!(served.starts_with(&secret_text(&api, "tls.crt")));
        assert!(served.ends_with(&secret_text(&api, "tls.key")));
        assert!(signed_by(&served, &ca));
        assert!(a.file_ready(now));
        let lease = api.get("Lease", NS, NAME).unwrap_or_default();
        assert_eq!(lease["spec"]["holderIdentity"], "a");
        assert_eq!(lease["spec"]["leaseDurationSeconds"], 60);
        assert_eq!(api.requests("secrets", "update"), 1);
        assert_eq!(api.requests("secrets", "create"), 0);

        // The follower serves the same pair and writes nothing.
        let round = b.round(now).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(!round.leader && round.file_written && round.steps.is_empty());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("b.pem")).unwrap_or_default(),
            served
        );
        // A second round of the leader changes nothing anywhere.
        let round = a.round(now).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (round.steps.len(), round.patched.len(), round.file_written),
            (0, 0, false)
        );
        assert_eq!(api.requests("secrets", "update"), 1);
        assert_eq!(api.requests("validatingwebhookconfigurations", "patch"), 1);
        assert_eq!(api.requests("mutatingwebhookconfigurations", "patch"), 1);

        // The leader stops renewing: after the Lease runs out, the follower takes over.
        let later = now + Duration::from_secs(61);
        let round = b.round(later).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(round.leader, "{round:?}");
        let lease = api.get("Lease", NS, NAME).unwrap_or_default();
        assert_eq!(lease["spec"]["holderIdentity"], "b");
        // As client-go counts: taking the shipped, unheld Lease was the first transition.
        assert_eq!(lease["spec"]["leaseTransitions"], 2);
        let round = a.round(later).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(!round.leader, "{round:?}");
    });
}

#[test]
fn a_ca_is_trusted_by_every_webhook_before_it_signs() {
    runtime().block_on(async {
        let api = FakeApi::start().await;
        shipped(&api);
        let dir = tempdir();
        let life = Lifetimes {
            serving_days: 10,
            ca_days: 30,
        };
        let a = manager(&api, dir.path(), "a", life).await;
        let t0 = SystemTime::now();
        a.round(t0).await.unwrap_or_else(|e| panic!("{e}"));
        let old_ca = secret_text(&api, "ca.crt");

        // Day 21: the next CA goes into every caBundle; the old CA still signs.
        let t1 = t0 + Duration::from_secs(21 * 86_400);
        let round = a.round(t1).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(round.steps.contains(&Step::NextCaTrusted), "{round:?}");
        let next = secret_text(&api, "next-ca.crt");
        assert!(
            bundles(&api)
                .iter()
                .all(|b| bundle_trusts(b, &next) && bundle_trusts(b, &old_ca))
        );
        let served = std::fs::read_to_string(dir.path().join("a.pem")).unwrap_or_default();
        assert!(signed_by(&served, &old_ca));

        // The next round sees every webhook trust it: it signs the served certificate.
        let round = a
            .round(t1 + Duration::from_secs(20))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(round.steps.contains(&Step::NextCaPromoted), "{round:?}");
        assert!(round.file_written);
        assert_eq!(secret_text(&api, "ca.crt"), next);
        assert_eq!(secret_text(&api, "next-ca.crt"), "");
        let served = std::fs::read_to_string(dir.path().join("a.pem")).unwrap_or_default();
        assert!(signed_by(&served, &next));
        // The same set of CAs: no caBundle patch for the new order.
        assert!(round.patched.is_empty(), "{round:?}");
        assert!(bundles(&api).iter().all(|b| bundle_trusts(b, &old_ca)));
    });
}

#[test]
fn missing_objects_are_created_and_a_refused_write_names_the_object() {
    runtime().block_on(async {
        let api = FakeApi::start().await;
        let dir = tempdir();
        let a = manager(&api, dir.path(), "a", Lifetimes::default()).await;
        api.refuse("secrets");
        let err = a.round(SystemTime::now()).await.map(|_| ()).err();
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.contains("secret palisade-system/palisade-webhook-certs")
                && text.contains("forbidden"),
            "{text}"
        );
        assert!(!a.file_ready(SystemTime::now()));

        api.allow("secrets");
        let round = a
            .round(SystemTime::now())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            round.leader && round.file_written && round.patched.is_empty(),
            "{round:?}"
        );
        assert_eq!(api.requests("secrets", "create"), 1);
        assert_eq!(api.requests("leases", "create"), 1);
        assert_eq!(
            api.get("Secret", NS, NAME).unwrap_or_default()["type"],
            "Opaque"
        );
    });
}
