//! The API server's HTTPS client for a webhook: TLS whose only root is the configuration's
//! caBundle, the server verified by the Service's DNS name (`name.namespace.svc`) while the TCP
//! connection goes to the loopback address standing in for the Service, ALPN `h2` then
//! `http/1.1` (rustls with the ring provider, hyper over tokio-rustls). A [`Connection`] carries
//! the certificate the server presented, so tests can see a rotation.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpStream;

/// Which HTTP versions the client offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alpn {
    /// `h2`, then `http/1.1` (what the API server's Go client offers).
    Both,
    Http1Only,
}

/// A TLS client configuration that trusts exactly the CA certificates in `ca_pem`.
pub fn tls_config(ca_pem: &[u8], alpn: Alpn) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem) {
        let cert = cert.map_err(|e| format!("caBundle: {e}"))?;
        roots.add(cert).map_err(|e| format!("caBundle: {e}"))?;
    }
    if roots.is_empty() {
        return Err("caBundle holds no certificate".into());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Go's TLS client, which the API server uses, keeps no session cache: every connection is a
    // full handshake, and sees the certificate the server serves now.
    config.resumption = rustls::client::Resumption::disabled();
    config.alpn_protocols = match alpn {
        Alpn::Both => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        Alpn::Http1Only => vec![b"http/1.1".to_vec()],
    };
    Ok(Arc::new(config))
}

#[derive(Debug)]
enum Sender {
    H1(http1::SendRequest<Full<Bytes>>),
    H2(http2::SendRequest<Full<Bytes>>),
}

/// One HTTPS connection to a webhook.
#[derive(Debug)]
pub struct Connection {
    sender: Sender,
    /// `host:port` of the Service, for the request's authority.
    authority: String,
    /// The leaf certificate the server presented.
    pub peer: CertificateDer<'static>,
    /// Requests sent on this connection.
    pub used: usize,
}

/// Connects to `addr`, verifying the server as `server_name`.
pub async fn connect(
    addr: SocketAddr,
    server_name: &str,
    port: u16,
    config: Arc<rustls::ClientConfig>,
) -> Result<Connection, String> {
    let tcp = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("dial tcp {addr}: {e}"))?;
    let _ = tcp.set_nodelay(true);
    let name = ServerName::try_from(server_name.to_string()).map_err(|e| e.to_string())?;
    let tls = tokio_rustls::TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| format!("tls: {e}"))?;
    let session = tls.get_ref().1;
    let peer = session
        .peer_certificates()
        .and_then(|chain| chain.first())
        .map(|c| c.clone().into_owned())
        .ok_or("tls: the server presented no certificate")?;
    let h2 = session.alpn_protocol() == Some(b"h2");
    let io = TokioIo::new(tls);
    let sender = if h2 {
        let (sender, conn) = http2::handshake(TokioExecutor::new(), io)
            .await
            .map_err(|e| format!("http2 handshake: {e}"))?;
        tokio::spawn(conn);
        Sender::H2(sender)
    } else {
        let (sender, conn) = http1::handshake(io)
            .await
            .map_err(|e| format!("http1 handshake: {e}"))?;
        tokio::spawn(conn);
        Sender::H1(sender)
    };
    Ok(Connection {
        sender,
        authority: format!("{server_name}:{port}"),
        peer,
        used: 0,
    })
}

impl Connection {
    /// Whether the connection can take another request (false once the server closed it).
    pub async fn ready(&mut self) -> bool {
        match &mut self.sender {
            Sender::H1(s) => s.ready().await.is_ok(),
            Sender::H2(s) => s.ready().await.is_ok(),
        }
    }

    /// `POST path_and_query` with a JSON body: status and body.
    pub async fn post(
        &mut self,
        path_and_query: &str,
        body: Vec<u8>,
    ) -> Result<(u16, Bytes), String> {
        self.used += 1;
        let h2 = matches!(self.sender, Sender::H2(_));
        // HTTP/2 carries scheme and authority as pseudo-headers, HTTP/1.1 a Host header.
        let uri = if h2 {
            format!("https://{}{path_and_query}", self.authority)
        } else {
            path_and_query.to_string()
        };
        let request = hyper::Request::post(uri)
            .header("host", &self.authority)
            .header("content-type", "application/json")
            .header("accept", "application/json, */*")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let request = if h2 {
            let (mut parts, body) = request.into_parts();
            parts.headers.remove("host");
            hyper::Request::from_parts(parts, body)
        } else {
            request
        };
        let response = match &mut self.sender {
            Sender::H1(s) => s.send_request(request).await,
            Sender::H2(s) => s.send_request(request).await,
        }
        .map_err(|e| format!("request: {e}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("response body: {e}"))?
            .to_bytes();
        Ok((status, bytes))
    }
}

/// Serial number (hex) and notBefore (Unix seconds) of a DER certificate.
pub fn serial_and_not_before(cert: &CertificateDer) -> (String, i64) {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref())
        .unwrap_or_else(|e| panic!("served certificate: {e}"));
    (
        parsed.raw_serial_as_string(),
        parsed.validity().not_before.timestamp(),
    )
}
