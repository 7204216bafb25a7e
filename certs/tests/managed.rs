//! The self-managed certificate state: a new installation, serving rotation, the two-step CA
//! rotation with its overlap, and Secrets holding garbage.

use palisade_certs::managed::{Lifetimes, Managed, Step, advance, bundle_trusts};
use palisade_certs::{PemPair, Service, key_ids, new_ca};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

fn service() -> Service {
    Service::new("palisade-webhook", "palisade-system").unwrap_or_else(|e| panic!("{e}"))
}

fn days(n: u64) -> Duration {
    Duration::from_secs(n * 86_400)
}

fn step(m: &Managed, life: Lifetimes, trusted: bool, now: SystemTime) -> (Managed, Vec<Step>) {
    advance(m, &service(), life, trusted, now).unwrap_or_else(|e| panic!("{e}"))
}

fn issued_by(leaf: &PemPair, ca: &PemPair) -> bool {
    let (_, issuer) = key_ids(&leaf.cert_pem).unwrap_or_else(|e| panic!("{e}"));
    let (own, _) = key_ids(&ca.cert_pem).unwrap_or_else(|e| panic!("{e}"));
    issuer.is_some() && issuer == own
}

fn pair(p: &Option<PemPair>) -> &PemPair {
    p.as_ref().unwrap_or_else(|| panic!("missing pair"))
}

#[test]
fn an_empty_secret_gets_a_ca_and_a_serving_certificate_then_stays_put() {
    let now = SystemTime::now();
    let (m, steps) = step(&Managed::default(), Lifetimes::default(), false, now);
    assert!(
        matches!(steps.as_slice(), [Step::NewCa(w), Step::ServingIssued(_)] if w == "none"),
        "{steps:?}"
    );
    assert_eq!(m.trusted, vec![pair(&m.ca).cert_pem.clone()]);
    assert!(issued_by(pair(&m.serving), pair(&m.ca)));
    let file = m.serving_pem(&service(), now).unwrap_or_default();
    assert!(file.contains("BEGIN CERTIFICATE") && file.contains("PRIVATE KEY"));

    // What the Secret stores reads back the same, and a second step changes nothing.
    let data = m.to_data();
    let keys: Vec<&str> = data.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["ca-bundle.crt", "ca.crt", "ca.key", "tls.crt", "tls.key"]
    );
    assert_eq!(Managed::from_data(&data), m);
    let (again, steps) = step(&m, Lifetimes::default(), true, now + days(100));
    assert!(steps.is_empty(), "{steps:?}");
    assert_eq!(again, m);
}

#[test]
fn the_serving_certificate_is_renewed_with_a_third_of_its_validity_left() {
    let now = SystemTime::now();
    let (m, _) = step(&Managed::default(), Lifetimes::default(), false, now);
    // 365 days: at day 240, 125 are left (more than a third); at day 250, 115.
    let (same, steps) = step(&m, Lifetimes::default(), false, now + days(240));
    assert!(steps.is_empty(), "{steps:?}");
    assert_eq!(same, m);
    let (later, steps) = step(&m, Lifetimes::default(), false, now + days(250));
    assert!(
        matches!(steps.as_slice(), [Step::ServingIssued(w)] if w.starts_with("expires at")),
        "{steps:?}"
    );
    assert_eq!(later.ca, m.ca);
    assert_eq!(later.trusted, m.trusted);
    assert_ne!(later.serving, m.serving);
}

#[test]
fn a_ca_is_succeeded_in_two_steps_and_the_old_one_trusted_until_it_expires() {
    let life = Lifetimes {
        serving_days: 10,
        ca_days: 30,
    };
    let t0 = SystemTime::now();
    let (m0, _) = step(&Managed::default(), life, false, t0);
    let old_ca = pair(&m0.ca).clone();

    // Day 21: a third of the CA's validity left. The next CA is trusted, not yet signing; the
    // expired serving certificate is reissued by the CA every webhook trusts now.
    let t1 = t0 + days(21);
    let (m1, steps) = step(&m0, life, false, t1);
    assert!(steps.contains(&Step::NextCaTrusted), "{steps:?}");
    assert_eq!(m1.ca.as_ref(), Some(&old_ca));
    let next = pair(&m1.next_ca).clone();
    assert!(issued_by(pair(&m1.serving), &old_ca));
    assert!(bundle_trusts(&m1.ca_bundle(), &next.cert_pem));
    assert!(bundle_trusts(&m1.ca_bundle(), &old_ca.cert_pem));
    assert!(bundle_trusts(&m1.trusted[0], &old_ca.cert_pem));

    // Until the webhooks trust it, the next CA waits.
    let (waiting, steps) = step(&m1, life, false, t1 + Duration::from_secs(60));
    assert!(steps.is_empty(), "{steps:?}");
    assert_eq!(waiting, m1);

    // Trusted everywhere: it signs, and the serving certificate comes from it.
    let (m2, steps) = step(&m1, life, true, t1 + Duration::from_secs(60));
    assert_eq!(
        steps,
        [
            Step::NextCaPromoted,
            Step::ServingIssued("not issued by the signing CA".into())
        ]
    );
    assert_eq!(m2.ca.as_ref(), Some(&next));
    assert!(m2.next_ca.is_none());
    assert!(issued_by(pair(&m2.serving), &next));
    assert!(bundle_trusts(&m2.trusted[0], &next.cert_pem));
    assert!(bundle_trusts(&m2.ca_bundle(), &old_ca.cert_pem));

    // The old CA leaves the trusted set when it expires, not before.
    let (m3, steps) = step(&m2, life, true, t0 + days(29));
    assert!(!steps.contains(&Step::TrustedDropped(1)), "{steps:?}");
    assert_eq!(m3.trusted.len(), 2);
    let (m4, steps) = step(&m3, life, true, t0 + days(31));
    assert!(steps.contains(&Step::TrustedDropped(1)), "{steps:?}");
    assert_eq!(m4.trusted, vec![next.cert_pem.clone()]);
}

#[test]
fn garbage_in_the_secret_is_replaced_and_a_lost_ca_key_keeps_the_old_ca_trusted() {
    let now = SystemTime::now();
    let mut data = BTreeMap::new();
    for key in ["ca.crt", "ca.key", "tls.crt", "tls.key", "ca-bundle.crt"] {
        data.insert(key.to_string(), b"not PEM".to_vec());
    }
    data.insert("next-ca.crt".into(), vec![0xff, 0xfe]);
    let garbage = Managed::from_data(&data);
    assert!(garbage.trusted.is_empty() && garbage.next_ca.is_none());
    let (m, steps) = step(&garbage, Lifetimes::default(), false, now);
    assert!(
        matches!(steps.first(), Some(Step::NewCa(w)) if w.starts_with("unreadable")),
        "{steps:?}"
    );
    assert!(m.serving_pem(&service(), now).is_some());

    // The CA's key is lost, its certificate still valid: a new CA signs, the old one stays
    // trusted for the replicas still serving a certificate it issued.
    let mut lost = m.clone();
    let other = new_ca(&service(), 3650, now).unwrap_or_else(|e| panic!("{e}"));
    lost.ca = Some(PemPair {
        cert_pem: pair(&m.ca).cert_pem.clone(),
        key_pem: other.key_pem,
    });
    let (fresh, steps) = step(&lost, Lifetimes::default(), false, now);
    assert!(
        matches!(steps.first(), Some(Step::NewCa(w)) if w.contains("does not belong")),
        "{steps:?}"
    );
    assert_ne!(fresh.ca, m.ca);
    assert_eq!(fresh.trusted.len(), 2);
    assert!(bundle_trusts(&fresh.ca_bundle(), &pair(&m.ca).cert_pem));
    assert!(issued_by(pair(&fresh.serving), pair(&fresh.ca)));
}

#[test]
fn a_serving_pair_for_another_service_or_with_a_foreign_key_is_not_served() {
    let now = SystemTime::now();
    let (m, _) = step(&Managed::default(), Lifetimes::default(), false, now);
    let elsewhere = Service::new("other", "palisade-system").unwrap_or_else(|e| panic!("{e}"));
    assert!(m.serving_pem(&elsewhere, now).is_none());
    let (moved, steps) =
        advance(&m, &elsewhere, Lifetimes::default(), false, now).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(steps.as_slice(), [Step::ServingIssued(w)] if w.starts_with("issued for palisade-webhook,")),
        "{steps:?}"
    );
    assert!(moved.serving_pem(&elsewhere, now).is_some());

    let mut mixed = m.clone();
    if let Some(s) = mixed.serving.as_mut() {
        s.key_pem = pair(&m.ca).key_pem.clone();
    }
    assert!(mixed.serving_pem(&service(), now).is_none());
    assert!(!bundle_trusts(&m.ca_bundle(), &pair(&m.serving).cert_pem));
    assert!(!bundle_trusts(&m.ca_bundle(), "no certificate"));
}
