//! Reading certificates back: expiry (for the webhook's certificate-expiry metric), DNS names,
//! CA flag and key type, and whether a private key belongs to a certificate (so that a reload
//! never serves a half-rotated pair).

use crate::error::{CertError, Result};
use rcgen::{KeyPair, PublicKeyData};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::oid_registry::{OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY};
use x509_parser::pem::Pem;

/// What a certificate says about itself, as far as Palisade cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    /// DNS names of the subject alternative name extension, in order.
    pub dns_names: Vec<String>,
    /// The basic constraints extension says CA:true.
    pub is_ca: bool,
    /// The key is ECDSA on the P-256 curve.
    pub ecdsa_p256: bool,
    /// The subject distinguished name, e.g. `CN=palisade-webhook.palisade-system.svc`.
    pub subject: String,
}

/// The first certificate of a PEM text (a chain starts with the leaf), parsed and summarised.
pub fn inspect(cert_pem: &str) -> Result<CertInfo> {
    with_first_certificate(cert_pem, |cert| {
        let dns_names = match cert.subject_alternative_name() {
            Ok(Some(san)) => san
                .value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(d) => Some(d.to_string()),
                    _ => None,
                })
                .collect(),
            Ok(None) => Vec::new(),
            Err(e) => return Err(CertError::Pem(format!("bad subject alternative name: {e}"))),
        };
        let spki = cert.public_key();
        let ecdsa_p256 = spki.algorithm.algorithm == OID_KEY_TYPE_EC_PUBLIC_KEY
            && spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .is_some_and(|curve| curve == OID_EC_P256);
        Ok(CertInfo {
            not_before: system_time(cert.validity().not_before.timestamp()),
            not_after: system_time(cert.validity().not_after.timestamp()),
            dns_names,
            is_ca: cert.is_ca(),
            ecdsa_p256,
            subject: cert.subject().to_string(),
        })
    })
}

/// When the first certificate of a PEM text expires.
pub fn not_after(cert_pem: &str) -> Result<SystemTime> {
    with_first_certificate(cert_pem, |cert| {
        Ok(system_time(cert.validity().not_after.timestamp()))
    })
}

/// Checks that a PEM private key (PKCS#8) is the key of the first certificate of a PEM text.
/// `Err(CertError::Unusable)` when they do not belong together.
pub fn check_key_pair(cert_pem: &str, key_pem: &str) -> Result<()> {
    let key = parse_key(key_pem)?;
    let key_spki = key.subject_public_key_info();
    with_first_certificate(cert_pem, |cert| {
        if cert.public_key().raw == key_spki.as_slice() {
            Ok(())
        } else {
            Err(CertError::Unusable(
                "the private key does not belong to the certificate".into(),
            ))
        }
    })
}

/// A key identifier (subject or authority), as the certificate carries it.
pub type KeyId = Vec<u8>;

/// The key identifiers of the first certificate of a PEM text: its own (subject key identifier)
/// and its issuer's (authority key identifier), where the certificate carries them. A
/// certificate was signed by a CA of the same name only if its authority key identifier is the
/// CA's subject key identifier: Palisade's CAs all share a name, never a key.
pub fn key_ids(cert_pem: &str) -> Result<(Option<KeyId>, Option<KeyId>)> {
    use x509_parser::extensions::ParsedExtension;
    with_first_certificate(cert_pem, |cert| {
        let (mut own, mut issuer) = (None, None);
        for ext in cert.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(id) => own = Some(id.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    issuer = aki.key_identifier.as_ref().map(|id| id.0.to_vec());
                }
                _ => {}
            }
        }
        Ok((own, issuer))
    })
}

/// The DER bytes of every certificate of a PEM text, in order (unreadable blocks skipped).
pub fn certificates_der(text: &str) -> Vec<Vec<u8>> {
    Pem::iter_from_buffer(text.as_bytes())
        .filter_map(|block| block.ok())
        .filter(|block| block.label == "CERTIFICATE")
        .map(|block| block.contents)
        .collect()
}

/// Parses a PEM private key.
pub(crate) fn parse_key(key_pem: &str) -> Result<KeyPair> {
    KeyPair::from_pem(key_pem)
        .map_err(|e| CertError::Pem(format!("not a usable PEM private key (PKCS#8): {e}")))
}

/// Formats a time as UTC, `2035-01-31T12:00:00Z`, for messages.
pub fn utc(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(dt) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            dt.year(),
            u8::from(dt.month()),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        ),
        Err(_) => format!("{secs} s after 1970"),
    }
}

fn with_first_certificate<T>(
    cert_pem: &str,
    f: impl FnOnce(&X509Certificate<'_>) -> Result<T>,
) -> Result<T> {
    let mut saw_block = false;
    for block in Pem::iter_from_buffer(cert_pem.as_bytes()) {
        let block = block.map_err(|e| CertError::Pem(format!("not valid PEM: {e}")))?;
        saw_block = true;
        if block.label != "CERTIFICATE" {
            continue;
        }
        let cert = block
            .parse_x509()
            .map_err(|e| CertError::Pem(format!("not a valid X.509 certificate: {e}")))?;
        return f(&cert);
    }
    Err(CertError::Pem(if saw_block {
        "no CERTIFICATE block in the PEM text".into()
    } else {
        "not PEM: no `-----BEGIN CERTIFICATE-----` block".into()
    }))
}

fn system_time(unix: i64) -> SystemTime {
    match u64::try_from(unix) {
        Ok(secs) => UNIX_EPOCH + Duration::from_secs(secs),
        Err(_) => UNIX_EPOCH - Duration::from_secs(unix.unsigned_abs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for text in [
            "",
            "hello",
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n",
            "-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----\n",
        ] {
            assert!(
                matches!(not_after(text), Err(CertError::Pem(_))),
                "{text:?}"
            );
            assert!(inspect(text).is_err(), "{text:?}");
        }
        assert!(matches!(
            check_key_pair("", "garbage"),
            Err(CertError::Pem(_))
        ));
    }

    #[test]
    fn formats_utc() {
        let t = UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        assert_eq!(utc(t), "2033-05-18T03:33:20Z");
        assert_eq!(utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
    }
}
