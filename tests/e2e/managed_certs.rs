//! Group `managed_certs`: the real `palisade webhook --manage-certs --kubeconfig FILE` against a
//! fake API server holding what `kubectl apply -k manifests/` creates for it (the empty Secret
//! and Lease, both webhook configurations without a caBundle). Before serving, the webhook
//! issues a CA and a serving certificate into the Secret and patches the CA into every webhook's
//! caBundle; the harness, trusting only that caBundle (as the API server does), gets its
//! verdicts. Emptied Secret (starting over): a new CA, a new caBundle, and new connections are
//! served the new certificate — without a restart.

use super::harness::apiserver::ApiServer;
use super::harness::process::{Webhook, write};
use super::harness::{Attempt, Harness, repo, runtime};
use super::objects::{privileged_pod, restricted_pod};
use base64::Engine as _;
use palisade_fake_api::FakeApi;
use rustls::pki_types::CertificateDer;
use serde_json::Value;
use std::time::{Duration, Instant};

const NS: &str = "palisade-system";
const SECRET: &str = "palisade-webhook-certs";
const CHANGE_TIMEOUT: Duration = Duration::from_secs(20);

/// The objects of `manifests/webhook/` the certificate management touches, as shipped.
fn shipped(api: &FakeApi) {
    for file in [
        "certs-secret.yaml",
        "certs-lease.yaml",
        "validatingwebhookconfiguration.yaml",
        "mutatingwebhookconfiguration.yaml",
    ] {
        let path = repo(&format!("manifests/webhook/{file}"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        for doc in palisade_linter::yaml::parse_documents(&text)
            .unwrap_or_else(|e| panic!("{file}: {e:?}"))
        {
            api.apply(doc.value);
        }
    }
}

fn decode(encoded: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The caBundle every webhook in the fake holds, when they all hold the same one.
fn the_ca_bundle(api: &FakeApi) -> Option<String> {
    let bundles = api.ca_bundles("palisade-webhook");
    let first = bundles.first()?.clone();
    (!first.is_empty() && bundles.iter().all(|b| *b == first)).then_some(first)
}

fn secret_text(api: &FakeApi, key: &str) -> String {
    let secret = api.get("Secret", NS, SECRET).unwrap_or_default();
    decode(secret["data"][key].as_str().unwrap_or_default())
}

fn der(pem: &str) -> Vec<u8> {
    palisade_certs::certificates_der(pem)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Trusts `bundle` alone from now on, as an API server reading the configurations would.
fn trust(h: &mut Harness, bundle: &str) {
    write(&h.webhook.path("certs/ca.crt"), bundle);
    h.api = ApiServer::from_manifests(&repo("manifests/webhook"), &h.webhook);
}

/// The certificate served to a client trusting only `bundle`.
fn served(h: &Harness, bundle: &str) -> Result<CertificateDer<'static>, String> {
    let name = format!("palisade-webhook.{NS}.svc");
    let alpn = super::harness::client::Alpn::Both;
    h.connect(&name, bundle, alpn).map(|c| c.peer)
}

#[test]
fn managed_certs() {
    let fake_rt = runtime();
    let api = fake_rt.block_on(FakeApi::start());
    shipped(&api);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let kubeconfig = api.kubeconfig(dir.path());
    let webhook = Webhook::builder()
        .arg("--manage-certs")
        .arg(&format!("--kubeconfig={}", kubeconfig.display()))
        .arg(&format!("--cert-namespace={NS}"))
        .arg(&format!("--cert-dir={}", dir.path().join("tls").display()))
        .arg("--cert-interval=200ms")
        .start();

    // Ready means certified: the Secret is filled and every webhook trusts its CA.
    let bundle =
        the_ca_bundle(&api).unwrap_or_else(|| panic!("caBundle not set\n{}", webhook.log()));
    let ca = secret_text(&api, "ca.crt");
    assert_eq!(bundle, ca);
    let lease = api.get("Lease", NS, SECRET).unwrap_or_default();
    assert!(lease["spec"]["holderIdentity"].is_string(), "{lease}");
    write(&webhook.path("certs/ca.crt"), &bundle);
    let h = Harness {
        rt: runtime(),
        api: ApiServer::from_manifests(&repo("manifests/webhook"), &webhook),
        webhook,
    };
    let first = served(&h, &bundle).unwrap_or_else(|e| panic!("with the managed caBundle: {e}"));
    assert_eq!(first.as_ref(), der(&secret_text(&api, "tls.crt")));

    let out = h.admit(Attempt::create(privileged_pod("privileged", "default")));
    assert!(!out.allowed && out.code == 403, "{out:#?}");
    assert!(
        out.denied_rules().iter().any(|r| r == "PSS-PRIVILEGED"),
        "{out:#?}"
    );
    let out = h.admit(Attempt::create(restricted_pod("fine", "default")));
    assert!(out.allowed, "{out:#?}");

    // Starting over (the Secret emptied): a new CA in every caBundle, and the running webhook
    // serves a certificate it signed.
    let mut emptied: Value = api.get("Secret", NS, SECRET).unwrap_or_default();
    if let Some(map) = emptied.as_object_mut() {
        map.remove("data");
    }
    api.apply(emptied);
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    let new_bundle = loop {
        match the_ca_bundle(&api) {
            Some(b) if b != bundle => break b,
            _ if Instant::now() > deadline => panic!("caBundle not renewed\n{}", h.webhook.log()),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    assert_eq!(new_bundle, secret_text(&api, "ca.crt"));
    let new_leaf = der(&secret_text(&api, "tls.crt"));
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    // Until the replica reloads, it serves the old certificate, which the new CA did not sign.
    while served(&h, &new_bundle).map(|c| c.as_ref().to_vec()) != Ok(new_leaf.clone()) {
        assert!(
            Instant::now() < deadline,
            "new certificate not served\n{}",
            h.webhook.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut h = h;
    trust(&mut h, &new_bundle);
    let out = h.admit(Attempt::create(privileged_pod(
        "privileged-again",
        "default",
    )));
    assert!(!out.allowed && out.code == 403, "{out:#?}");
    assert!(
        h.webhook.log().contains("certificates: new CA"),
        "{}",
        h.webhook.log()
    );
}
