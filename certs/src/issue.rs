//! Issuing certificates with rcgen (ring backend, ECDSA P-256): a self-signed CA and a serving
//! certificate signed by it for a Service.
//!
//! Validity: the serving certificate is valid for the days asked for (default
//! [`DEFAULT_DAYS`]); a new CA for [`ca_days`] of them — at least ten years, and never less than
//! the serving certificate — so that serving certificates can be rotated many times under one
//! CA without touching the webhook configurations' caBundle. Both start
//! [`CLOCK_SKEW`] in the past, so that an API server whose clock is a little behind accepts them.

use crate::error::{CertError, Result};
use crate::inspect::{self, parse_key, utc};
use crate::service::Service;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
};
use std::time::{Duration, SystemTime};
use time::OffsetDateTime;

/// Validity of a serving certificate unless asked otherwise.
pub const DEFAULT_DAYS: u32 = 365;
/// The least validity of a new CA: ten years.
pub const CA_MIN_DAYS: u32 = 3650;
/// The longest validity accepted, for either certificate: a hundred years.
pub const MAX_DAYS: u32 = 36_500;
/// How far in the past validity starts.
pub const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// A certificate and its private key, both PEM (the key PKCS#8).
#[derive(Clone, PartialEq, Eq)]
pub struct PemPair {
    pub cert_pem: String,
    pub key_pem: String,
}

impl std::fmt::Debug for PemPair {
    /// Shows the certificate, never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PemPair")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"[elided]")
            .finish()
    }
}

/// Days of validity of a new CA issued alongside a serving certificate of `serving_days`.
pub fn ca_days(serving_days: u32) -> u32 {
    serving_days.max(CA_MIN_DAYS)
}

/// A new self-signed CA (CA:true, path length 0, keyCertSign and cRLSign) named after the
/// Service it is for.
pub fn new_ca(service: &Service, days: u32, now: SystemTime) -> Result<PemPair> {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "palisade");
    dn.push(
        DnType::CommonName,
        format!("palisade CA for {}.{}", service.name(), service.namespace()),
    );
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    (params.not_before, params.not_after) = validity(days, now)?;
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let cert = params.self_signed(&key)?;
    Ok(PemPair {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// A new serving certificate for `service` (its [`Service::dns_names`], serverAuth, not a CA),
/// signed by `ca`, with a new key. The CA must be a CA, hold the key given with it, and outlive
/// the new certificate.
pub fn issue_serving(
    ca: &PemPair,
    service: &Service,
    days: u32,
    now: SystemTime,
) -> Result<PemPair> {
    let (not_before, not_after) = validity(days, now)?;
    let ca_info = inspect::inspect(&ca.cert_pem)?;
    if !ca_info.is_ca {
        return Err(CertError::Unusable(format!(
            "the CA certificate ({}) is not a CA (basic constraints CA:false or missing)",
            ca_info.subject
        )));
    }
    inspect::check_key_pair(&ca.cert_pem, &ca.key_pem)?;
    let wanted = SystemTime::from(not_after);
    if ca_info.not_after < wanted {
        return Err(CertError::Unusable(format!(
            "the CA expires at {}, before a {days}-day serving certificate would ({}): \
             generate a new CA or ask for fewer days",
            utc(ca_info.not_after),
            utc(wanted)
        )));
    }
    let ca_key = parse_key(&ca.key_pem)?;
    let issuer = Issuer::from_ca_cert_pem(&ca.cert_pem, &ca_key)?;

    let mut params = CertificateParams::new(service.dns_names())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "palisade");
    dn.push(DnType::CommonName, service.server_name());
    params.distinguished_name = dn;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    (params.not_before, params.not_after) = (not_before, not_after);
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let cert = params.signed_by(&key, &issuer)?;
    Ok(PemPair {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// Checks a number of days and turns it into a validity period starting [`CLOCK_SKEW`] before
/// `now`.
fn validity(days: u32, now: SystemTime) -> Result<(OffsetDateTime, OffsetDateTime)> {
    if days == 0 || days > MAX_DAYS {
        return Err(CertError::InvalidValidity(format!(
            "--days: {days} is out of range (1 to {MAX_DAYS})"
        )));
    }
    let start = now.checked_sub(CLOCK_SKEW).unwrap_or(now);
    let end = now
        .checked_add(Duration::from_secs(u64::from(days) * 86_400))
        .ok_or_else(|| CertError::InvalidValidity(format!("--days: {days} is too far ahead")))?;
    // Whole seconds, as the certificate stores them.
    let whole = |t: SystemTime| -> Result<OffsetDateTime> {
        let secs = t
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_err(|_| CertError::InvalidValidity("the clock is before 1970".into()))?
            .as_secs();
        i64::try_from(secs)
            .ok()
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            .ok_or_else(|| CertError::InvalidValidity(format!("--days: {days} is too far ahead")))
    };
    Ok((whole(start)?, whole(end)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service() -> Service {
        Service::new("hook", "ns").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn ca_and_serving_certificate_say_what_they_are() {
        let now = SystemTime::now();
        let ca = new_ca(&service(), ca_days(30), now).unwrap_or_else(|e| panic!("{e}"));
        let leaf = issue_serving(&ca, &service(), 30, now).unwrap_or_else(|e| panic!("{e}"));
        let ca_info = inspect::inspect(&ca.cert_pem).unwrap_or_else(|e| panic!("{e}"));
        let info = inspect::inspect(&leaf.cert_pem).unwrap_or_else(|e| panic!("{e}"));
        assert!(ca_info.is_ca && !info.is_ca);
        assert!(ca_info.ecdsa_p256 && info.ecdsa_p256);
        assert_eq!(info.dns_names, service().dns_names());
        assert_eq!(info.subject, "O=palisade, CN=hook.ns.svc");
        let days = |a: SystemTime, b: SystemTime| {
            b.duration_since(a).map_or(0, |d| d.as_secs()) as f64 / 86_400.0
        };
        assert!((days(now, info.not_after) - 30.0).abs() < 0.001);
        assert!((days(now, ca_info.not_after) - 3650.0).abs() < 0.001);
        assert!(info.not_before < now && ca_info.not_before < now);
        assert!(inspect::check_key_pair(&leaf.cert_pem, &leaf.key_pem).is_ok());
        assert!(matches!(
            inspect::check_key_pair(&leaf.cert_pem, &ca.key_pem),
            Err(CertError::Unusable(_))
        ));
        assert!(!format!("{leaf:?}").contains("PRIVATE KEY"));
    }

    #[test]
    fn refuses_a_ca_that_would_expire_first_a_leaf_as_ca_and_a_foreign_key() {
        let now = SystemTime::now();
        let ca = new_ca(&service(), 10, now).unwrap_or_else(|e| panic!("{e}"));
        let err = issue_serving(&ca, &service(), 11, now).map(|_| ()).err();
        assert!(
            matches!(&err, Some(CertError::Unusable(m)) if m.contains("expires")),
            "{err:?}"
        );
        let leaf = issue_serving(&ca, &service(), 5, now).unwrap_or_else(|e| panic!("{e}"));
        let err = issue_serving(&leaf, &service(), 1, now).map(|_| ()).err();
        assert!(
            matches!(&err, Some(CertError::Unusable(m)) if m.contains("not a CA")),
            "{err:?}"
        );
        let other = new_ca(&service(), 10, now).unwrap_or_else(|e| panic!("{e}"));
        let mixed = PemPair {
            cert_pem: ca.cert_pem.clone(),
            key_pem: other.key_pem,
        };
        let err = issue_serving(&mixed, &service(), 1, now).map(|_| ()).err();
        assert!(
            matches!(&err, Some(CertError::Unusable(m)) if m.contains("does not belong")),
            "{err:?}"
        );
    }

    #[test]
    fn days_out_of_range_are_input_errors() {
        for days in [0, MAX_DAYS + 1] {
            let err = new_ca(&service(), days, SystemTime::now())
                .map(|_| ())
                .err();
            assert!(matches!(err, Some(CertError::InvalidValidity(_))), "{days}");
        }
        assert_eq!(ca_days(30), CA_MIN_DAYS);
        assert_eq!(ca_days(5000), 5000);
    }
}
