//! TLS: the serving certificate, swapped atomically when its files change. The rustls
//! configuration is built once with the ring provider, TLS 1.2 and 1.3, ALPN `h2` and
//! `http/1.1`; every handshake asks the [`Resolver`] for the current certificate, so a rotation
//! needs no restart and drops no connection.

use crate::WebhookError;
use rustls::crypto::ring;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// A loaded certificate pair.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub key: Arc<CertifiedKey>,
    /// The leaf certificate's notAfter, seconds since the Unix epoch.
    pub not_after: i64,
}

/// Reads and checks a certificate chain and its private key.
pub(crate) fn load(cert: &Path, key: &Path) -> Result<Loaded, WebhookError> {
    let err = |path: &Path, detail: String| WebhookError::Certificate {
        path: path.to_path_buf(),
        detail,
    };
    let cert_pem = std::fs::read(cert).map_err(|e| err(cert, e.to_string()))?;
    let key_pem = std::fs::read(key).map_err(|e| err(key, e.to_string()))?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| err(cert, format!("not a PEM certificate chain: {e}")))?;
    let Some(leaf) = chain.first() else {
        return Err(err(cert, "no certificate in the file".into()));
    };
    let not_after = not_after(leaf).map_err(|e| err(cert, e))?;
    let private = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| err(key, format!("not a PEM private key: {e}")))?;
    let signing = ring::sign::any_supported_type(&private)
        .map_err(|e| err(key, format!("unsupported private key: {e}")))?;
    let certified = CertifiedKey::new(chain, signing);
    certified.keys_match().map_err(|e| {
        err(
            key,
            format!("does not match the certificate in {}: {e}", cert.display()),
        )
    })?;
    Ok(Loaded {
        key: Arc::new(certified),
        not_after,
    })
}

/// The notAfter of a DER certificate, in seconds since the Unix epoch.
fn not_after(der: &CertificateDer) -> Result<i64, String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref())
        .map_err(|e| format!("cannot read the certificate: {e}"))?;
    Ok(cert.validity().not_after.timestamp())
}

/// Hands every handshake the current certificate.
#[derive(Debug)]
pub(crate) struct Resolver {
    current: RwLock<Arc<CertifiedKey>>,
}

impl Resolver {
    pub fn new(key: Arc<CertifiedKey>) -> Self {
        Resolver {
            current: RwLock::new(key),
        }
    }

    /// Serves `key` from the next handshake on.
    pub fn replace(&self, key: Arc<CertifiedKey>) {
        match self.current.write() {
            Ok(mut current) => *current = key,
            Err(poisoned) => *poisoned.into_inner() = key,
        }
    }
}

impl ResolvesServerCert for Resolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        match self.current.read() {
            Ok(current) => Some(current.clone()),
            Err(poisoned) => Some(poisoned.into_inner().clone()),
        }
    }
}

/// The server configuration: ring, TLS 1.2+, ALPN h2 and http/1.1, certificates from `resolver`.
pub(crate) fn server_config(resolver: Arc<Resolver>) -> Result<rustls::ServerConfig, WebhookError> {
    let provider = Arc::new(ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| WebhookError::Certificate {
            path: "tls".into(),
            detail: e.to_string(),
        })?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}
