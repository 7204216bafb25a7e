//! Group `robustness`: what a broken or hostile client gets. Bodies that are not an
//! AdmissionReview v1 (not JSON, another apiVersion, no uid, …) are answered 400; a body over
//! `--max-body` 413 (one at the limit is served); and connections that stall — no TLS handshake,
//! a handshake and then nothing (HTTP/1.1 or HTTP/2), an HTTP/2 preface and then nothing, half a
//! request header, idle after a request — are closed by the server within its read timeout
//! (`--read-timeout`, 2 s here), never left hanging. The stalls run while the other cases do.

use super::harness::client::{Alpn, tls_config};
use super::harness::process::{NAMESPACE, SERVICE};
use super::harness::{Attempt, Harness, Webhook, review, run_cases};
use super::objects::restricted_pod;
use rustls::pki_types::ServerName;
use serde_json::{Value, json};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::task::JoinHandle;

const MAX_BODY: usize = 64 * 1024;
/// The webhook's read timeout (handshake and request headers), and how much later than that a
/// stalled connection may still be open.
const READ_TIMEOUT: Duration = Duration::from_secs(2);
const SLACK: Duration = Duration::from_secs(3);

/// A stalled connection and the task that measures how long the server keeps it open.
type Stall = (&'static str, JoinHandle<Result<Duration, String>>);

struct Robustness {
    h: Harness,
    stalls: Mutex<Vec<Stall>>,
}

#[test]
fn robustness() {
    let h = Harness::start(
        Webhook::builder()
            .arg(&format!("--max-body={MAX_BODY}"))
            .arg(&format!("--read-timeout={}s", READ_TIMEOUT.as_secs())),
    );
    let stalls = [
        "no TLS handshake",
        "TLS, then nothing (HTTP/1.1)",
        "TLS, then nothing (HTTP/2)",
        "HTTP/2 preface, then nothing",
        "half a request header",
        "idle after a request",
    ]
    .into_iter()
    .map(|what| {
        (
            what,
            h.rt.spawn(stall(h.webhook.addr, h.webhook.ca_pem(), what)),
        )
    })
    .collect();
    let ctx = Robustness {
        h,
        stalls: Mutex::new(stalls),
    };
    run_cases(
        "robustness",
        &ctx,
        &[
            ("bad_bodies_answered_400", bad_bodies),
            ("oversized_body_answered_413", oversized_body),
            ("stalled_connections_closed", stalled_connections_closed),
        ],
    );
}

fn valid_review() -> Value {
    let uid = review::uid();
    review::review(
        "v1",
        Attempt::create(restricted_pod("web", "default")).request(&uid),
    )
}

fn post_bytes(h: &Harness, body: Vec<u8>) -> (u16, String) {
    let (status, bytes) =
        h.rt.block_on(h.api.post_raw("/validate", body))
            .unwrap_or_else(|e| panic!("POST /validate: {e}"));
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn bad_bodies(ctx: &Robustness) {
    let mut wrong_version = valid_review();
    wrong_version["apiVersion"] = json!("admission.k8s.io/v1beta1");
    let mut no_uid = valid_review();
    no_uid["request"].as_object_mut().map(|r| r.remove("uid"));
    let mut no_request = valid_review();
    no_request.as_object_mut().map(|r| r.remove("request"));
    let mut wrong_kind = valid_review();
    wrong_kind["kind"] = json!("Pod");
    let cases: [(&str, Vec<u8>, &str); 7] = [
        (
            "not JSON",
            b"apiVersion: admission.k8s.io/v1\n".to_vec(),
            "not JSON",
        ),
        ("empty", Vec::new(), "not JSON"),
        ("a JSON list", b"[]".to_vec(), "object"),
        (
            "wrong apiVersion",
            wrong_version.to_string().into_bytes(),
            "apiVersion",
        ),
        ("wrong kind", wrong_kind.to_string().into_bytes(), "kind"),
        ("no uid", no_uid.to_string().into_bytes(), "request.uid"),
        ("no request", no_request.to_string().into_bytes(), "request"),
    ];
    for (what, body, names) in cases {
        let (status, text) = post_bytes(&ctx.h, body);
        assert_eq!(status, 400, "{what}: {text}");
        assert!(
            text.contains(names),
            "{what}: the answer does not name {names}: {text}"
        );
    }
    // The webhook is still there and well.
    let (status, body) = ctx.h.post("/validate", &valid_review());
    assert_eq!(
        (status, &body["response"]["allowed"]),
        (200, &json!(true)),
        "{body}"
    );
}

/// A valid review of exactly `size` bytes (an annotation pads it).
fn review_of_size(size: usize) -> (String, Vec<u8>) {
    let mut review = valid_review();
    review["request"]["object"]["metadata"]["annotations"] = json!({"padding": ""});
    let base = serde_json::to_vec(&review).unwrap_or_default().len();
    let pad = size
        .checked_sub(base)
        .unwrap_or_else(|| panic!("{size} < {base}"));
    review["request"]["object"]["metadata"]["annotations"]["padding"] = json!("x".repeat(pad));
    let body = serde_json::to_vec(&review).unwrap_or_default();
    assert_eq!(body.len(), size);
    (
        review["request"]["uid"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        body,
    )
}

fn oversized_body(ctx: &Robustness) {
    let (uid, at_limit) = review_of_size(MAX_BODY);
    let (status, text) = post_bytes(&ctx.h, at_limit);
    assert_eq!(status, 200, "a body of exactly --max-body: {text}");
    assert!(text.contains(&uid), "{text}");
    let (_, over) = review_of_size(MAX_BODY + 1);
    let (status, text) = post_bytes(&ctx.h, over);
    assert_eq!(status, 413, "{text}");
    let (status, text) = post_bytes(&ctx.h, vec![b' '; 4 * MAX_BODY]);
    assert_eq!(status, 413, "{text}");
}

fn stalled_connections_closed(ctx: &Robustness) {
    let stalls = std::mem::take(&mut *ctx.stalls.lock().unwrap_or_else(|e| e.into_inner()));
    assert_eq!(stalls.len(), 6);
    let mut problems = Vec::new();
    for (what, task) in stalls {
        match ctx.h.rt.block_on(task) {
            Ok(Ok(took)) => {
                println!("e2e::robustness: {what}: closed by the server after {took:.1?}")
            }
            Ok(Err(e)) => problems.push(format!("{what}: {e}")),
            Err(e) => problems.push(format!("{what}: task: {e}")),
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Opens a connection that stalls as `what` says; returns how long the server took to close it.
async fn stall(
    addr: std::net::SocketAddr,
    ca_pem: String,
    what: &'static str,
) -> Result<Duration, String> {
    let started = Instant::now();
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let mut stream: Box<dyn Stream> = if what == "no TLS handshake" {
        Box::new(tcp)
    } else {
        let alpn = if what.contains("HTTP/2") {
            Alpn::Both
        } else {
            Alpn::Http1Only
        };
        let config = tls_config(ca_pem.as_bytes(), alpn)?;
        let name = ServerName::try_from(format!("{SERVICE}.{NAMESPACE}.svc"))
            .map_err(|e| e.to_string())?;
        let tls = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await;
        Box::new(tls.map_err(|e| format!("tls: {e}"))?)
    };
    let host = format!("Host: {SERVICE}.{NAMESPACE}.svc\r\n");
    let sent = match what {
        "half a request header" => format!("POST /validate HTTP/1.1\r\n{host}Content-Type: appl"),
        "HTTP/2 preface, then nothing" => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_string(),
        "idle after a request" => {
            let body = valid_review().to_string();
            let length = body.len();
            format!(
                "POST /validate HTTP/1.1\r\n{host}Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{body}"
            )
        }
        _ => String::new(),
    };
    stream
        .write_all(sent.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    stream.flush().await.map_err(|e| e.to_string())?;
    let deadline = tokio::time::Instant::now() + READ_TIMEOUT + SLACK;
    let mut buf = vec![0u8; 16 * 1024];
    let mut received = Vec::new();
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => {
                return Err(format!(
                    "still open after {:.1?} (received {} bytes)",
                    started.elapsed(),
                    received.len()
                ));
            }
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
        }
    }
    if what == "idle after a request" && !received.starts_with(b"HTTP/1.1 200") {
        return Err(format!(
            "the request was not answered: {}",
            String::from_utf8_lossy(&received)
        ));
    }
    Ok(started.elapsed())
}
