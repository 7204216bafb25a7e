//! Group `tls`: the API server trusts only the caBundle and checks the Service's DNS name. The
//! webhook's certificate names `palisade-webhook.palisade-system.svc`; a caBundle of another CA
//! fails the connection, and so does a serving certificate for another name — including one
//! the webhook loads by itself after a rotation gone wrong, which it serves until the right
//! one is back. A failed connection is a failed call: `Fail` rejects, `Ignore` admits.

use super::harness::client::Alpn;
use super::harness::process::{NAMESPACE, SERVICE, read};
use super::harness::{ApiServer, Attempt, Harness, Webhook, run_cases};
use super::objects::{network_policy, restricted_pod};
use std::time::{Duration, Instant};

const NS: &str = "default";

#[test]
fn tls() {
    let h = Harness::start(Webhook::builder());
    run_cases(
        "tls",
        &h,
        &[
            ("served_certificate_names_the_service", names_the_service),
            ("another_ca_fails", another_ca_fails),
            ("another_name_fails", another_name_fails),
            (
                "certificate_for_another_service_fails",
                other_service_certificate_fails,
            ),
        ],
    );
}

fn service_name() -> String {
    format!("{SERVICE}.{NAMESPACE}.svc")
}

/// `Fail` rejects with a TLS error, `Ignore` admits.
fn calls_fail(api: &ApiServer, h: &Harness, cause: &str) {
    let out =
        h.rt.block_on(api.admit(Attempt::create(restricted_pod("web", NS))));
    assert!(!out.allowed && out.code == 500, "{out:#?}");
    assert!(
        out.message.contains("failed calling webhook") && out.message.contains(cause),
        "{}",
        out.message
    );
    let out =
        h.rt.block_on(api.admit(Attempt::create(network_policy("deny-all", NS))));
    assert!(
        out.allowed && !out.calls.is_empty() && out.calls.iter().all(|c| c.result.is_err()),
        "{out:#?}"
    );
}

fn names_the_service(h: &Harness) {
    let cert = h.served_certificate();
    let (_, parsed) =
        x509_parser::parse_x509_certificate(cert.as_ref()).unwrap_or_else(|e| panic!("{e}"));
    let san = parsed.subject_alternative_name().ok().flatten();
    let names: Vec<String> = san
        .map(|s| {
            s.value
                .general_names
                .iter()
                .map(|n| n.to_string())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        names.iter().any(|n| n.contains(&service_name())),
        "{names:?}"
    );
    let out = h.admit(Attempt::create(restricted_pod("web", NS)));
    assert!(out.allowed, "{out:#?}");
}

fn another_ca_fails(h: &Harness) {
    let other = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new(super::harness::process::palisade())
        .args([
            "certs",
            "generate",
            "--service",
            SERVICE,
            "--namespace",
            NAMESPACE,
            "--out",
        ])
        .arg(other.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let other_ca = read(&other.path().join("ca.crt"));
    let error = h.connect(&service_name(), &other_ca, Alpn::Both).err();
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("invalid peer certificate")),
        "{error:?}"
    );
    let mut api = h
        .api
        .with_transport(super::harness::apiserver::Transport::new(Alpn::Both, None));
    let bundle = palisade_certs::ca_bundle(&other_ca);
    for hook in &mut api.webhooks {
        hook.client_config.ca_bundle = bundle.clone();
    }
    calls_fail(&api, h, "invalid peer certificate");
}

fn another_name_fails(h: &Harness) {
    let ca = h.webhook.ca_pem();
    assert!(h.connect(&service_name(), &ca, Alpn::Both).is_ok());
    for name in [
        "other-webhook.palisade-system.svc",
        "palisade-webhook.default.svc",
        "localhost",
    ] {
        let error = h.connect(name, &ca, Alpn::Both).err();
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("not valid for name")),
            "{name}: {error:?}"
        );
    }
}

/// Waits (bounded) until a new connection verified as the Service's name succeeds or fails.
fn wait_until_connect(h: &Harness, succeeds: bool) -> Result<(), String> {
    let ca = h.webhook.ca_pem();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let result = h.connect(&service_name(), &ca, Alpn::Both).map(|_| ());
        if result.is_ok() == succeeds || Instant::now() > deadline {
            return result;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn other_service_certificate_fails(h: &Harness) {
    // A rotation for the wrong Service, under the right CA: the webhook loads it (the pair is
    // valid), and the API server refuses it.
    h.webhook.generate_certs("other-webhook", &[]);
    let error = wait_until_connect(h, false).err();
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("not valid for name")),
        "{error:?}"
    );
    let fresh = h
        .api
        .with_transport(super::harness::apiserver::Transport::new(Alpn::Both, None));
    calls_fail(&fresh, h, "not valid for name");
    // The right certificate again: served from the next handshake on.
    h.webhook.generate_certs(SERVICE, &[]);
    wait_until_connect(h, true)
        .unwrap_or_else(|e| panic!("the right certificate is not back: {e}"));
    let out =
        h.rt.block_on(fresh.admit(Attempt::create(restricted_pod("web", NS))));
    assert!(out.allowed, "{out:#?}");
}
