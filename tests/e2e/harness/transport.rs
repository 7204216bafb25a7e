//! The API server's HTTPS connections to webhooks, as its Go transport keeps them: reused while
//! the server keeps them open (checked before anything is written, so a connection the server
//! closed is replaced rather than failing a request), optionally renewed after some requests,
//! with one TLS configuration per caBundle. Every certificate served is recorded.

use super::client::{self, Alpn, Connection};
use base64::Engine as _;
use hyper::body::Bytes;
use rustls::pki_types::CertificateDer;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// The API server's HTTPS connections to webhooks: kept and reused (a new one when the server
/// has closed it, or after `reconnect_after` requests), one TLS configuration per caBundle.
#[derive(Debug)]
pub struct Transport {
    alpn: Alpn,
    reconnect_after: Option<usize>,
    pool: Mutex<Vec<(String, Connection)>>,
    configs: Mutex<BTreeMap<String, Arc<rustls::ClientConfig>>>,
    /// The certificate of every connection made, in order.
    pub served: Mutex<Vec<CertificateDer<'static>>>,
}

impl Transport {
    pub fn new(alpn: Alpn, reconnect_after: Option<usize>) -> Transport {
        Transport {
            alpn,
            reconnect_after,
            pool: Mutex::new(Vec::new()),
            configs: Mutex::new(BTreeMap::new()),
            served: Mutex::new(Vec::new()),
        }
    }

    pub(super) async fn post(
        &self,
        addr: SocketAddr,
        server_name: &str,
        port: u16,
        bundle: &str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<(u16, Bytes), String> {
        let key = format!("{addr} {server_name} {bundle}");
        let pooled = {
            let mut pool = lock(&self.pool);
            let at = pool.iter().position(|(k, _)| *k == key);
            at.map(|i| pool.swap_remove(i).1)
        };
        let fresh = |c: &Connection| self.reconnect_after.is_none_or(|n| c.used < n);
        let reusable = match pooled {
            Some(mut c) if fresh(&c) => c.ready().await.then_some(c),
            _ => None,
        };
        let mut conn = match reusable {
            Some(c) => c,
            None => {
                let config = self.config(bundle)?;
                let c = client::connect(addr, server_name, port, config).await?;
                lock(&self.served).push(c.peer.clone());
                c
            }
        };
        let answer = conn.post(path, body).await?;
        lock(&self.pool).push((key, conn));
        Ok(answer)
    }

    fn config(&self, bundle: &str) -> Result<Arc<rustls::ClientConfig>, String> {
        if let Some(c) = lock(&self.configs).get(bundle) {
            return Ok(c.clone());
        }
        let pem = base64::engine::general_purpose::STANDARD
            .decode(bundle)
            .map_err(|e| format!("caBundle is not base64: {e}"))?;
        let config = client::tls_config(&pem, self.alpn)?;
        lock(&self.configs).insert(bundle.to_string(), config.clone());
        Ok(config)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
