//! Certificates a webhook manages for itself (`palisade webhook --manage-certs`): the state one
//! Secret keeps ([`Managed`]), and the step from one state to the next ([`advance`]), a pure
//! function of that state, the time and whether the webhook configurations already trust the
//! next CA. Whoever holds the Lease runs it and writes the result back; every replica serves
//! the serving pair the Secret holds.
//!
//! Rotation, so that the API server never meets a certificate it does not trust:
//! - the serving certificate is reissued under the current CA when a third of its validity is
//!   left (or it is missing, unreadable, for other names, or from another CA);
//! - the CA, when a third of its validity is left, is succeeded in two steps: a *next* CA is
//!   added to the trusted set (the webhook configurations' `caBundle`) first; only once every
//!   webhook's `caBundle` holds it does it become the signing CA and issue the serving
//!   certificate. A replica still serving the old certificate stays trusted: a CA leaves the
//!   trusted set only when it expires, and it cannot expire before the certificates it signed.
//! - a CA that is missing, unreadable or expired is replaced at once (a new installation, or
//!   a Secret emptied to start over); CAs still valid in the old trusted set stay in it.

use crate::error::Result;
use crate::inspect::{self, certificates_der, check_key_pair, key_ids};
use crate::issue::{self, PemPair};
use crate::service::Service;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// Secret keys: the signing CA, the serving pair, the trusted CAs and the next CA.
pub const CA_CERT: &str = "ca.crt";
pub const CA_KEY: &str = "ca.key";
pub const TLS_CERT: &str = "tls.crt";
pub const TLS_KEY: &str = "tls.key";
pub const TRUSTED: &str = "ca-bundle.crt";
pub const NEXT_CA_CERT: &str = "next-ca.crt";
pub const NEXT_CA_KEY: &str = "next-ca.key";

/// What the Secret holds. Unreadable or missing entries are `None` (replaced by [`advance`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Managed {
    pub ca: Option<PemPair>,
    pub serving: Option<PemPair>,
    pub next_ca: Option<PemPair>,
    /// The CA certificates (PEM) the webhook configurations are to trust, the signing CA first.
    pub trusted: Vec<String>,
}

/// How long what [`advance`] issues is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    pub serving_days: u32,
    pub ca_days: u32,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            serving_days: issue::DEFAULT_DAYS,
            ca_days: issue::ca_days(issue::DEFAULT_DAYS),
        }
    }
}

/// One change [`advance`] made, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// No usable CA (why): a new one.
    NewCa(String),
    /// The CA has a third of its validity left: a next CA, trusted before it signs.
    NextCaTrusted,
    /// Every webhook trusts the next CA: it signs from now on.
    NextCaPromoted,
    /// A new serving certificate (why).
    ServingIssued(String),
    /// CAs dropped from the trusted set: expired, unreadable or repeated.
    TrustedDropped(usize),
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::NewCa(why) => write!(f, "new CA ({why})"),
            Step::NextCaTrusted => f.write_str("next CA added to the trusted set"),
            Step::NextCaPromoted => f.write_str("next CA, trusted by every webhook, now signs"),
            Step::ServingIssued(why) => write!(f, "new serving certificate ({why})"),
            Step::TrustedDropped(n) => write!(f, "{n} CA(s) dropped from the trusted set"),
        }
    }
}

impl Managed {
    /// Reads a Secret's `data` (values decoded from base64).
    pub fn from_data(data: &BTreeMap<String, Vec<u8>>) -> Managed {
        let text = |key: &str| {
            data.get(key)
                .and_then(|v| String::from_utf8(v.clone()).ok())
                .filter(|t| !t.trim().is_empty())
        };
        let pair = |cert: &str, key: &str| {
            Some(PemPair {
                cert_pem: text(cert)?,
                key_pem: text(key)?,
            })
        };
        Managed {
            ca: pair(CA_CERT, CA_KEY),
            serving: pair(TLS_CERT, TLS_KEY),
            next_ca: pair(NEXT_CA_CERT, NEXT_CA_KEY),
            trusted: text(TRUSTED).map(|t| split_pem(&t)).unwrap_or_default(),
        }
    }

    /// The Secret's `data` for this state.
    pub fn to_data(&self) -> BTreeMap<String, Vec<u8>> {
        let mut data = BTreeMap::new();
        let mut put = |pair: &Option<PemPair>, cert: &str, key: &str| {
            if let Some(p) = pair {
                data.insert(cert.to_string(), p.cert_pem.clone().into_bytes());
                data.insert(key.to_string(), p.key_pem.clone().into_bytes());
            }
        };
        put(&self.ca, CA_CERT, CA_KEY);
        put(&self.serving, TLS_CERT, TLS_KEY);
        put(&self.next_ca, NEXT_CA_CERT, NEXT_CA_KEY);
        if !self.trusted.is_empty() {
            data.insert(TRUSTED.to_string(), self.ca_bundle().into_bytes());
        }
        data
    }

    /// The trusted CAs as one PEM text: what goes into every webhook's `caBundle`.
    pub fn ca_bundle(&self) -> String {
        self.trusted.concat()
    }

    /// A state holding only the serving pair of a text [`Managed::serving_pem`] wrote (the
    /// certificate, then its key).
    pub fn from_serving_pem(text: &str) -> Managed {
        let serving = text.find("-----BEGIN PRIVATE KEY-----").map(|at| PemPair {
            cert_pem: text[..at].to_string(),
            key_pem: text[at..].to_string(),
        });
        Managed {
            serving,
            ..Managed::default()
        }
    }

    /// The serving certificate and its key in one PEM text (one file, so that a reader never
    /// sees a new certificate beside an old key), if they are usable for `service` at `now`.
    pub fn serving_pem(&self, service: &Service, now: SystemTime) -> Option<String> {
        let pair = self.serving.as_ref()?;
        serving_problem(pair, None, service, now, 0)
            .is_none()
            .then(|| format!("{}{}", pair.cert_pem, pair.key_pem))
    }
}

/// Whether every certificate of `ca_pem` is in the PEM text `bundle` (compared as DER).
pub fn bundle_trusts(bundle: &str, ca_pem: &str) -> bool {
    let have = certificates_der(bundle);
    let wanted = certificates_der(ca_pem);
    !wanted.is_empty() && wanted.iter().all(|c| have.contains(c))
}

/// The state after one step at `now`: `next_trusted` says whether every webhook's `caBundle`
/// already holds `current.next_ca`. Returns the steps taken (none: nothing to write).
pub fn advance(
    current: &Managed,
    service: &Service,
    life: Lifetimes,
    next_trusted: bool,
    now: SystemTime,
) -> Result<(Managed, Vec<Step>)> {
    let mut next = current.clone();
    let mut steps = Vec::new();
    let before = next.trusted.len();
    next.trusted = valid_unique(&next.trusted, now);
    if next.trusted.len() < before {
        steps.push(Step::TrustedDropped(before - next.trusted.len()));
    }
    match next
        .ca
        .as_ref()
        .map_or(Some("none".into()), |ca| ca_problem(ca, now))
    {
        Some(why) => {
            let ca = issue::new_ca(service, life.ca_days, now)?;
            next.next_ca = None;
            next.serving = None;
            next.ca = Some(ca);
            steps.push(Step::NewCa(why));
        }
        None => match next.next_ca.take() {
            Some(pending) if ca_problem(&pending, now).is_none() => {
                if next_trusted {
                    next.ca = Some(pending);
                    steps.push(Step::NextCaPromoted);
                } else {
                    next.next_ca = Some(pending);
                }
            }
            // An unusable next CA is forgotten (and left to expire out of the trusted set).
            _ if next.ca.as_ref().is_some_and(|ca| due(&ca.cert_pem, now)) => {
                next.next_ca = Some(issue::new_ca(service, life.ca_days, now)?);
                steps.push(Step::NextCaTrusted);
            }
            _ => {}
        },
    }
    for pair in [&next.next_ca, &next.ca].into_iter().flatten() {
        if !next
            .trusted
            .iter()
            .any(|t| bundle_trusts(t, &pair.cert_pem))
        {
            next.trusted.insert(0, pair.cert_pem.clone());
        }
    }
    if let Some(ca) = &next.ca {
        // The signing CA first, then the rest in their order.
        if let Some(at) = next
            .trusted
            .iter()
            .position(|t| bundle_trusts(t, &ca.cert_pem))
        {
            let first = next.trusted.remove(at);
            next.trusted.insert(0, first);
        }
        let why = match &next.serving {
            None => Some("none".to_string()),
            Some(pair) => serving_problem(pair, Some(ca), service, now, 3),
        };
        if let Some(why) = why {
            let left = remaining(&ca.cert_pem, now).map_or(0, |d| d.as_secs() / 86_400);
            let days = u32::try_from(left)
                .unwrap_or(u32::MAX)
                .clamp(1, life.serving_days);
            next.serving = Some(issue::issue_serving(ca, service, days, now)?);
            steps.push(Step::ServingIssued(why));
        }
    }
    Ok((next, steps))
}

/// Why a CA cannot sign (None: it can).
fn ca_problem(ca: &PemPair, now: SystemTime) -> Option<String> {
    let info = match inspect::inspect(&ca.cert_pem) {
        Ok(info) => info,
        Err(e) => return Some(format!("unreadable: {e}")),
    };
    if !info.is_ca {
        return Some("not a CA".into());
    }
    if let Err(e) = check_key_pair(&ca.cert_pem, &ca.key_pem) {
        return Some(e.to_string());
    }
    (info.not_after <= now).then(|| format!("expired at {}", inspect::utc(info.not_after)))
}

/// Why a serving pair should be replaced (None: it is fine). With a CA, it must have been
/// issued by it; with `fraction` above zero, more than 1/fraction of its validity must be left.
fn serving_problem(
    pair: &PemPair,
    ca: Option<&PemPair>,
    service: &Service,
    now: SystemTime,
    fraction: u32,
) -> Option<String> {
    let info = match inspect::inspect(&pair.cert_pem) {
        Ok(info) => info,
        Err(e) => return Some(format!("unreadable: {e}")),
    };
    if let Err(e) = check_key_pair(&pair.cert_pem, &pair.key_pem) {
        return Some(e.to_string());
    }
    if info.dns_names != service.dns_names() {
        return Some(format!("issued for {}", info.dns_names.join(", ")));
    }
    if let Some(ca) = ca {
        let (_, issuer) = key_ids(&pair.cert_pem).unwrap_or_default();
        let (own, _) = key_ids(&ca.cert_pem).unwrap_or_default();
        if issuer.is_none() || issuer != own {
            return Some("not issued by the signing CA".into());
        }
    }
    if info.not_after <= now || (fraction > 0 && due_by(&info, now, fraction)) {
        return Some(format!("expires at {}", inspect::utc(info.not_after)));
    }
    None
}

/// Whether a certificate has less than a third of its validity left.
fn due(cert_pem: &str, now: SystemTime) -> bool {
    inspect::inspect(cert_pem).map_or(true, |info| due_by(&info, now, 3))
}

fn due_by(info: &inspect::CertInfo, now: SystemTime, fraction: u32) -> bool {
    let whole = info
        .not_after
        .duration_since(info.not_before)
        .unwrap_or_default();
    let left = info.not_after.duration_since(now).unwrap_or_default();
    left < whole / fraction
}

fn remaining(cert_pem: &str, now: SystemTime) -> Option<Duration> {
    inspect::not_after(cert_pem).ok()?.duration_since(now).ok()
}

/// The CAs of `trusted` that parse, are CAs, have not expired, each once.
fn valid_unique(trusted: &[String], now: SystemTime) -> Vec<String> {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut kept = Vec::new();
    for pem in trusted {
        let Some(der) = certificates_der(pem).into_iter().next() else {
            continue;
        };
        let fine = inspect::inspect(pem).is_ok_and(|i| i.is_ca && i.not_after > now);
        if fine && !seen.contains(&der) {
            seen.push(der);
            kept.push(pem.clone());
        }
    }
    kept
}

/// Splits a PEM text into one text per certificate block.
fn split_pem(text: &str) -> Vec<String> {
    const END: &str = "-----END CERTIFICATE-----";
    text.split_inclusive(END)
        .filter_map(|chunk| {
            let start = chunk.find("-----BEGIN CERTIFICATE-----")?;
            chunk
                .ends_with(END)
                .then(|| format!("{}\n", &chunk[start..]))
        })
        .collect()
}
