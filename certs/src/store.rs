//! The certificate directory: `ca.crt`, `ca.key`, `tls.crt`, `tls.key` (the key names of a
//! Kubernetes TLS Secret, plus the CA's key, which stays on the machine that issues).
//!
//! A directory that already holds `ca.crt` and `ca.key` keeps its CA: only a new serving
//! certificate and key are issued (rotation — the caBundle of the webhook configurations stays
//! valid, and the webhook picks up the new pair when its Secret changes), unless a new CA is
//! asked for. Keys are written with mode 0600, every file through a temporary file and a rename,
//! so a reader never sees a half-written file.

use crate::error::{CertError, Result};
use crate::inspect::{self, parse_key};
use crate::issue::{self, PemPair};
use crate::service::Service;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The CA certificate: the caBundle of the webhook configurations.
pub const CA_CERT: &str = "ca.crt";
/// The CA's private key (not part of the Secret).
pub const CA_KEY: &str = "ca.key";
/// The serving certificate.
pub const TLS_CERT: &str = "tls.crt";
/// The serving certificate's private key.
pub const TLS_KEY: &str = "tls.key";

/// What to generate, and where.
#[derive(Debug, Clone)]
pub struct Request {
    pub service: Service,
    pub out: PathBuf,
    /// Validity of the serving certificate, in days (a new CA gets [`issue::ca_days`]).
    pub days: u32,
    /// Replace the CA even when the directory holds one.
    pub new_ca: bool,
}

/// What [`generate`] did.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The CA in the directory was kept.
    pub ca_reused: bool,
    pub ca_cert_pem: String,
    pub ca_not_after: SystemTime,
    pub serving_not_after: SystemTime,
    pub dns_names: Vec<String>,
    /// The files written, in order.
    pub written: Vec<PathBuf>,
}

/// Issues (or rotates) the certificates of `request` into its directory.
pub fn generate(request: &Request, now: SystemTime) -> Result<Generated> {
    let out = &request.out;
    std::fs::create_dir_all(out).map_err(|e| CertError::io(out, e))?;
    let (ca_crt, ca_key) = (out.join(CA_CERT), out.join(CA_KEY));
    let mut written = Vec::new();
    let (ca, ca_reused) = match (ca_crt.exists(), ca_key.exists(), request.new_ca) {
        (true, true, false) => (load_ca(&ca_crt, &ca_key)?, true),
        (true, false, false) | (false, true, false) => {
            let (there, missing) = if ca_crt.exists() {
                (&ca_crt, &ca_key)
            } else {
                (&ca_key, &ca_crt)
            };
            return Err(CertError::Unusable(format!(
                "{} exists but {} does not, so the CA cannot be reused; \
                 restore it, or ask for a new CA (--new-ca) and re-apply the caBundle",
                there.display(),
                missing.display()
            )));
        }
        _ => {
            let ca = issue::new_ca(&request.service, issue::ca_days(request.days), now)?;
            write_file(&ca_key, &ca.key_pem, true)?;
            write_file(&ca_crt, &ca.cert_pem, false)?;
            written.extend([ca_key.clone(), ca_crt.clone()]);
            (ca, false)
        }
    };
    let serving = issue::issue_serving(&ca, &request.service, request.days, now)
        .map_err(|e| e.in_file(&ca_crt))?;
    let (tls_crt, tls_key) = (out.join(TLS_CERT), out.join(TLS_KEY));
    write_file(&tls_key, &serving.key_pem, true)?;
    write_file(&tls_crt, &serving.cert_pem, false)?;
    written.extend([tls_key, tls_crt.clone()]);
    let ca_info = inspect::inspect(&ca.cert_pem).map_err(|e| e.in_file(&ca_crt))?;
    let info = inspect::inspect(&serving.cert_pem).map_err(|e| e.in_file(&tls_crt))?;
    Ok(Generated {
        ca_reused,
        ca_cert_pem: ca.cert_pem,
        ca_not_after: ca_info.not_after,
        serving_not_after: info.not_after,
        dns_names: info.dns_names,
        written,
    })
}

/// Reads a CA pair, with errors naming the file at fault.
fn load_ca(crt: &Path, key: &Path) -> Result<PemPair> {
    let cert_pem = std::fs::read_to_string(crt).map_err(|e| CertError::io(crt, e))?;
    let key_pem = std::fs::read_to_string(key).map_err(|e| CertError::io(key, e))?;
    inspect::inspect(&cert_pem).map_err(|e| e.in_file(crt))?;
    parse_key(&key_pem).map_err(|e| e.in_file(key))?;
    inspect::check_key_pair(&cert_pem, &key_pem).map_err(|_| {
        CertError::Unusable(format!(
            "the private key does not belong to the certificate {}",
            crt.display()
        ))
        .in_file(key)
    })?;
    Ok(PemPair { cert_pem, key_pem })
}

/// Writes a private file (mode 0600 before any content is written) through a temporary file in
/// the same directory and a rename, so a reader sees the old content or the new, never half.
pub fn write_private(path: &Path, content: &str) -> Result<()> {
    write_file(path, content, true)
}

/// Writes a file through a temporary file in the same directory and a rename; a private file
/// gets mode 0600 before any content is written.
fn write_file(path: &Path, content: &str, private: bool) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let io = |e| CertError::io(&tmp, e);
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    let mut file = options.open(&tmp).map_err(io)?;
    file.write_all(content.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(|e| CertError::io(path, e))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn keys_are_private_and_a_lone_ca_file_is_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let request = Request {
            service: Service::new("hook", "ns").unwrap_or_else(|e| panic!("{e}")),
            out: dir.path().join("certs"),
            days: 7,
            new_ca: false,
        };
        let done = generate(&request, SystemTime::now()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!done.ca_reused);
        assert_eq!(done.written.len(), 4);
        for (name, mode) in [
            (CA_KEY, 0o600),
            (TLS_KEY, 0o600),
            (CA_CERT, 0o644),
            (TLS_CERT, 0o644),
        ] {
            let meta = std::fs::metadata(request.out.join(name)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(meta.permissions().mode() & 0o777, mode, "{name}");
        }
        std::fs::remove_file(request.out.join(CA_KEY)).unwrap_or_else(|e| panic!("{e}"));
        let err = generate(&request, SystemTime::now()).map(|_| ()).err();
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains("ca.crt exists but") && msg.contains("--new-ca"),
            "{msg}"
        );
        let again = Request {
            new_ca: true,
            ..request.clone()
        };
        assert!(generate(&again, SystemTime::now()).is_ok_and(|g| !g.ca_reused));
    }

    #[test]
    fn a_ca_key_that_is_not_the_cas_is_named() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let request = Request {
            service: Service::new("hook", "ns").unwrap_or_else(|e| panic!("{e}")),
            out: dir.path().to_path_buf(),
            days: 7,
            new_ca: false,
        };
        generate(&request, SystemTime::now()).unwrap_or_else(|e| panic!("{e}"));
        // The serving key in the CA key's place.
        let tls_key = std::fs::read(dir.path().join(TLS_KEY)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join(CA_KEY), tls_key).unwrap_or_else(|e| panic!("{e}"));
        let msg = generate(&request, SystemTime::now())
            .map(|_| ())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            msg.contains("ca.key: ") && msg.contains("does not belong"),
            "{msg}"
        );
        std::fs::write(dir.path().join(CA_CERT), "junk").unwrap_or_else(|e| panic!("{e}"));
        let msg = generate(&request, SystemTime::now())
            .map(|_| ())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("ca.crt: not PEM"), "{msg}");
    }
}
