//! A server on loopback with generated certificates and policies from memory or a directory,
//! and a minimal HTTPS client that trusts only the generated CA.

use palisade_policies::{Engine, EngineBuilder, PolicySource, Settings, Verdict};
use palisade_webhook::{FailureMode, PolicySet, Running, ServerOptions, Source};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub const SERVICE: &str = "palisade-webhook.palisade-system.svc";

/// Policies from a directory of `.rego` files (re-read on every load), plus the built-ins.
#[derive(Debug)]
pub struct DirSource {
    pub dir: PathBuf,
    pub settings: Settings,
}

impl Source for DirSource {
    fn load(&self) -> Result<PolicySet, String> {
        let sources: Vec<PolicySource> =
            palisade_policies::load_dir(&self.dir).map_err(|e| e.to_string())?;
        let engine: Engine = EngineBuilder::new()
            .add_sources(sources)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(PolicySet {
            verdict: Verdict::new(self.settings.clone(), &engine),
            engine,
            mutation_namespaces: Vec::new(),
            deriver: None,
        })
    }
    fn watched(&self) -> Vec<PathBuf> {
        vec![self.dir.clone()]
    }
    fn inventory_path(&self) -> Option<PathBuf> {
        None
    }
    fn read_inventory(&self) -> Result<Vec<Value>, String> {
        Ok(Vec::new())
    }
}

/// A running server and what a client needs to reach it.
pub struct Server {
    pub running: Option<Running>,
    pub ca: String,
    /// The CA with its key, to issue new serving certificates.
    pub ca_pair: palisade_certs::PemPair,
    pub policies: tempfile::TempDir,
    /// Holds `tls.crt` and `tls.key`, which the server watches.
    pub certs: tempfile::TempDir,
}

/// Starts a server whose user policies are `rego` files (name, text).
pub async fn start(rego: &[(&str, &str)], mode: FailureMode, timeout: Duration) -> Server {
    let certs = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let service = palisade_certs::Service::new("palisade-webhook", "palisade-system")
        .unwrap_or_else(|e| panic!("{e}"));
    let now = SystemTime::now();
    let ca = palisade_certs::new_ca(&service, 30, now).unwrap_or_else(|e| panic!("{e}"));
    let serving =
        palisade_certs::issue_serving(&ca, &service, 30, now).unwrap_or_else(|e| panic!("{e}"));
    let (cert, key) = (certs.path().join("tls.crt"), certs.path().join("tls.key"));
    std::fs::write(&cert, &serving.cert_pem).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&key, &serving.key_pem).unwrap_or_else(|e| panic!("{e}"));
    let policies = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (name, text) in rego {
        std::fs::write(policies.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut options = ServerOptions::new(cert, key);
    options.listen = "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}"));
    options.metrics_listen = options.listen;
    options.failure_mode = mode;
    options.timeout = timeout;
    options.reload_interval = Duration::from_millis(100);
    let source = Arc::new(DirSource {
        dir: policies.path().to_path_buf(),
        settings: Settings::default(),
    });
    let running = palisade_webhook::start(options, source)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Server {
        running: Some(running),
        ca: ca.cert_pem.clone(),
        ca_pair: ca,
        policies,
        certs,
    }
}

impl Server {
    fn running(&self) -> &Running {
        self.running
            .as_ref()
            .unwrap_or_else(|| panic!("server stopped"))
    }

    /// POSTs `body` to `path` over TLS; returns the status and the body.
    pub async fn post(&self, path: &str, body: Vec<u8>) -> (u16, Vec<u8>) {
        use http_body_util::{BodyExt, Full};
        use rustls::pki_types::pem::PemObject;
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(self.ca.as_bytes()) {
            roots
                .add(cert.unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap_or_else(|e| panic!("{e}"))
            .with_root_certificates(roots)
            .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let tcp = tokio::net::TcpStream::connect(self.running().addr)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let name =
            rustls::pki_types::ServerName::try_from(SERVICE).unwrap_or_else(|e| panic!("{e}"));
        let tls = connector
            .connect(name, tcp)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tls))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        tokio::spawn(conn);
        let request = hyper::Request::post(path)
            .header("host", SERVICE)
            .header("content-type", "application/json")
            .body(Full::new(hyper::body::Bytes::from(body)))
            .unwrap_or_else(|e| panic!("{e}"));
        let response = sender
            .send_request(request)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .to_bytes();
        (status, bytes.to_vec())
    }

    /// Sends an AdmissionReview for `object` to /validate; returns the `response` object.
    pub async fn validate(&self, object: Value) -> Value {
        let kind = object["kind"].as_str().unwrap_or_default().to_string();
        let review = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "u-1", "kind": {"group": "", "version": "v1", "kind": kind},
                        "namespace": "shop", "operation": "CREATE",
                        "userInfo": {"username": "alice"}, "object": object}});
        let (status, body) = self
            .post("/validate", serde_json::to_vec(&review).unwrap_or_default())
            .await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let doc: Value = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}"));
        doc["response"].clone()
    }

    /// The server's metrics text.
    pub fn metrics(&self) -> String {
        self.running().metrics()
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown(Duration::ZERO).await;
        }
    }
}

pub fn pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "shop"},
           "spec": {"containers": [{"name": "a", "image": "x"}]}})
}
