//! Generated certificates as a TLS client sees them: the serving certificate chains to the CA
//! for the Service's names (rustls/webpki, the verifier the API server's Go TLS stack agrees
//! with on these points), expires when asked, and completes a real TLS handshake; rotation keeps
//! the CA, `--new-ca` replaces it.

use palisade_certs::{Request, Service, generate, inspect, store};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn der(pem: &str) -> CertificateDer<'static> {
    CertificateDer::from_pem_slice(pem.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"))
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots(ca_pem: &str) -> Arc<rustls::RootCertStore> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(der(ca_pem)).unwrap_or_else(|e| panic!("{e}"));
    Arc::new(roots)
}

/// Verifies `leaf_pem` against `ca_pem` for `name` at `at`, as a TLS client would.
fn verify(ca_pem: &str, leaf_pem: &str, name: &str, at: SystemTime) -> Result<(), rustls::Error> {
    let verifier = WebPkiServerVerifier::builder_with_provider(roots(ca_pem), provider())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let since = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_else(|e| panic!("{e}"));
    let server_name = ServerName::try_from(name.to_string()).unwrap_or_else(|e| panic!("{e}"));
    verifier
        .verify_server_cert(
            &der(leaf_pem),
            &[],
            &server_name,
            &[],
            UnixTime::since_unix_epoch(since),
        )
        .map(|_| ())
}

fn request(dir: &Path, days: u32, new_ca: bool) -> Request {
    Request {
        service: Service::new("palisade-webhook", "palisade-system")
            .unwrap_or_else(|e| panic!("{e}")),
        out: dir.to_path_buf(),
        days,
        new_ca,
    }
}

#[test]
fn serving_certificate_chains_to_the_ca_for_the_service_names_only() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let now = SystemTime::now();
    let done = generate(&request(dir.path(), 30, false), now).unwrap_or_else(|e| panic!("{e}"));
    let (ca, leaf) = (
        read(dir.path(), store::CA_CERT),
        read(dir.path(), store::TLS_CERT),
    );
    assert_eq!(done.ca_cert_pem, ca);
    for name in [
        "palisade-webhook.palisade-system.svc",
        "palisade-webhook.palisade-system.svc.cluster.local",
        "palisade-webhook.palisade-system",
        "palisade-webhook",
    ] {
        verify(&ca, &leaf, name, now).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for name in ["other.palisade-system.svc", "palisade-webhook.default.svc"] {
        assert!(verify(&ca, &leaf, name, now).is_err(), "{name} accepted");
    }
    // The CA itself is no serving certificate, and the leaf is no CA.
    assert!(verify(&leaf, &leaf, "palisade-webhook.palisade-system.svc", now).is_err());

    let info = inspect(&leaf).unwrap_or_else(|e| panic!("{e}"));
    assert!(info.ecdsa_p256 && !info.is_ca);
    assert_eq!(
        info.dns_names,
        [
            "palisade-webhook",
            "palisade-webhook.palisade-system",
            "palisade-webhook.palisade-system.svc",
            "palisade-webhook.palisade-system.svc.cluster.local"
        ]
    );
    let ca_info = inspect(&ca).unwrap_or_else(|e| panic!("{e}"));
    assert!(ca_info.is_ca && ca_info.ecdsa_p256);
    palisade_certs::check_key_pair(&leaf, &read(dir.path(), store::TLS_KEY))
        .unwrap_or_else(|e| panic!("{e}"));
    palisade_certs::check_key_pair(&ca, &read(dir.path(), store::CA_KEY))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(palisade_certs::check_key_pair(&leaf, &read(dir.path(), store::CA_KEY)).is_err());
}

#[test]
fn validity_is_the_days_asked_for() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let now = SystemTime::now();
    let done = generate(&request(dir.path(), 3, false), now).unwrap_or_else(|e| panic!("{e}"));
    let (ca, leaf) = (
        read(dir.path(), store::CA_CERT),
        read(dir.path(), store::TLS_CERT),
    );
    let expiry = palisade_certs::not_after(&leaf).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(expiry, done.serving_not_after);
    let days = expiry
        .duration_since(now)
        .map_or(0.0, |d| d.as_secs_f64() / 86_400.0);
    assert!((days - 3.0).abs() < 0.001, "{days}");
    let ca_days = palisade_certs::not_after(&ca)
        .unwrap_or_else(|e| panic!("{e}"))
        .duration_since(now)
        .map_or(0.0, |d| d.as_secs_f64() / 86_400.0);
    assert!((ca_days - 3650.0).abs() < 0.001, "{ca_days}");
    let name = "palisade-webhook.palisade-system.svc";
    let day = Duration::from_secs(86_400);
    verify(&ca, &leaf, name, now + 2 * day).unwrap_or_else(|e| panic!("{e}"));
    let err = verify(&ca, &leaf, name, now + 4 * day).err();
    assert!(
        matches!(
            err,
            Some(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Expired | rustls::CertificateError::ExpiredContext { .. }
            ))
        ),
        "{err:?}"
    );
}

#[test]
fn rotation_keeps_the_ca_and_a_new_ca_replaces_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let now = SystemTime::now();
    let name = "palisade-webhook.palisade-system.svc";
    generate(&request(dir.path(), 30, false), now).unwrap_or_else(|e| panic!("{e}"));
    let (ca1, leaf1, key1) = (
        read(dir.path(), store::CA_CERT),
        read(dir.path(), store::TLS_CERT),
        read(dir.path(), store::TLS_KEY),
    );
    let done = generate(&request(dir.path(), 30, false), now).unwrap_or_else(|e| panic!("{e}"));
    assert!(done.ca_reused);
    assert_eq!(done.written.len(), 2, "{:?}", done.written);
    let (ca2, leaf2, key2) = (
        read(dir.path(), store::CA_CERT),
        read(dir.path(), store::TLS_CERT),
        read(dir.path(), store::TLS_KEY),
    );
    assert_eq!(ca1, ca2);
    assert_ne!(leaf1, leaf2);
    assert_ne!(key1, key2);
    verify(&ca1, &leaf2, name, now).unwrap_or_else(|e| panic!("{e}"));

    let done = generate(&request(dir.path(), 30, true), now).unwrap_or_else(|e| panic!("{e}"));
    assert!(!done.ca_reused);
    let (ca3, leaf3) = (
        read(dir.path(), store::CA_CERT),
        read(dir.path(), store::TLS_CERT),
    );
    assert_ne!(ca3, ca1);
    verify(&ca3, &leaf3, name, now).unwrap_or_else(|e| panic!("{e}"));
    assert!(verify(&ca1, &leaf3, name, now).is_err());
}

#[test]
fn a_rustls_server_with_the_pair_completes_a_handshake_with_a_client_trusting_the_ca() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    generate(&request(dir.path(), 30, false), SystemTime::now()).unwrap_or_else(|e| panic!("{e}"));
    let chain = vec![der(&read(dir.path(), store::TLS_CERT))];
    let key = PrivateKeyDer::from_pem_slice(read(dir.path(), store::TLS_KEY).as_bytes())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let server = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|e| panic!("{e}"))
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap_or_else(|e| panic!("{e}"));
    let client = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|e| panic!("{e}"))
        .with_root_certificates(roots(&read(dir.path(), store::CA_CERT)))
        .with_no_client_auth();
    let name = ServerName::try_from("palisade-webhook.palisade-system.svc")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c =
        rustls::ClientConnection::new(Arc::new(client), name).unwrap_or_else(|e| panic!("{e}"));
    let mut s = rustls::ServerConnection::new(Arc::new(server)).unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..10 {
        if !c.is_handshaking() && !s.is_handshaking() {
            break;
        }
        let mut buf = Vec::new();
        c.write_tls(&mut buf).unwrap_or_else(|e| panic!("{e}"));
        s.read_tls(&mut buf.as_slice())
            .unwrap_or_else(|e| panic!("{e}"));
        s.process_new_packets()
            .unwrap_or_else(|e| panic!("server: {e}"));
        let mut buf = Vec::new();
        s.write_tls(&mut buf).unwrap_or_else(|e| panic!("{e}"));
        c.read_tls(&mut buf.as_slice())
            .unwrap_or_else(|e| panic!("{e}"));
        c.process_new_packets()
            .unwrap_or_else(|e| panic!("client: {e}"));
    }
    assert!(!c.is_handshaking() && !s.is_handshaking());
}
