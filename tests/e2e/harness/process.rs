//! One `palisade webhook` process on loopback, as the real binary runs it: certificates from
//! `palisade certs generate` for the manifests' Service, ports chosen free (and chosen again if
//! another process took one first), `--reload-interval 200ms --shutdown-delay 0s --log-format
//! json`, ready once `GET /readyz` answers 200. Everything lives in a temporary directory; the
//! guard kills the process (SIGKILL) and removes the directory when dropped, also when a test
//! fails — and then prints the end of the webhook's log.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The Service the manifests point the API server at.
pub const SERVICE: &str = "palisade-webhook";
pub const NAMESPACE: &str = "palisade-system";
/// How long a start may take before the test gives up.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running webhook; killed, and its directory removed, when dropped.
#[derive(Debug)]
pub struct Webhook {
    pub(super) child: Mutex<Option<Child>>,
    pub dir: tempfile::TempDir,
    /// The TLS listener (`/validate`, `/mutate`).
    pub addr: SocketAddr,
    /// The plain-HTTP listener (`/readyz`, `/metrics`).
    pub metrics_addr: SocketAddr,
}

impl Webhook {
    pub fn builder() -> super::builder::WebhookBuilder {
        super::builder::WebhookBuilder::default()
    }

    /// A file in the webhook's directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The CA certificate (PEM) that signed the serving certificate.
    pub fn ca_pem(&self) -> String {
        read(&self.path("certs/ca.crt"))
    }

    /// Runs `palisade certs generate` for `service` into the certificate directory: the first
    /// time a new CA, afterwards a new serving certificate under the same CA (unless `extra`
    /// says `--new-ca`).
    pub fn generate_certs(&self, service: &str, extra: &[&str]) {
        let out = Command::new(palisade())
            .args([
                "certs",
                "generate",
                "--service",
                service,
                "--namespace",
                NAMESPACE,
            ])
            .arg("--out")
            .arg(self.path("certs"))
            .args(extra)
            .output()
            .unwrap_or_else(|e| panic!("palisade certs generate: {e}"));
        assert!(
            out.status.success(),
            "palisade certs generate: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub(super) fn spawn(&mut self, args: &[String]) -> Result<(), String> {
        let (addr, metrics_addr) = free_ports();
        let log = std::fs::File::create(self.path("webhook.log"))
            .unwrap_or_else(|e| panic!("webhook.log: {e}"));
        let mut cmd = Command::new(palisade());
        cmd.arg("webhook");
        // A webhook that manages its certificates reads them from its --cert-dir.
        if !args.iter().any(|a| a == "--manage-certs") {
            cmd.arg(format!("--cert={}", self.path("certs/tls.crt").display()))
                .arg(format!("--key={}", self.path("certs/tls.key").display()));
        }
        cmd.arg(format!("--listen={addr}"))
            .arg(format!("--metrics-listen={metrics_addr}"))
            .args([
                "--reload-interval=200ms",
                "--shutdown-delay=0s",
                "--log-format=json",
            ])
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        // Only the flags given here: no PALISADE_* setting of the environment leaks in.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("PALISADE_") {
                cmd.env_remove(key);
            }
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("palisade webhook: {e}"));
        *self.child() = Some(child);
        (self.addr, self.metrics_addr) = (addr, metrics_addr);
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            let exited = self.child().as_mut().map(Child::try_wait);
            if let Some(Ok(Some(status))) = exited {
                *self.child() = None;
                return Err(format!("exited with {status}:\n{}", self.log()));
            }
            if self.get("/readyz").is_some_and(|(code, _)| code == 200) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        Err(format!(
            "not ready within {START_TIMEOUT:?}:\n{}",
            self.log()
        ))
    }

    /// The webhook's log (JSON lines on stderr).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path("webhook.log")).unwrap_or_default()
    }

    fn child(&self) -> std::sync::MutexGuard<'_, Option<Child>> {
        self.child
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// SIGKILL, and wait for the process to be gone (its sockets closed).
    pub fn kill(&self) {
        if let Some(mut child) = self.child().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends a signal (`STOP`, `CONT`, …) with kill(1). For `STOP` and `CONT`, waits (bounded)
    /// until the process is stopped or running again: delivery is asynchronous.
    pub fn signal(&self, name: &str) {
        let pid = self.child().as_ref().map(Child::id);
        let pid = pid.unwrap_or_else(|| panic!("no webhook process to send SIG{name} to"));
        let ok = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(pid.to_string())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill -{name} {pid} failed");
        let want_stopped = match name {
            "STOP" => true,
            "CONT" => false,
            _ => return,
        };
        // The state is the field after the parenthesised command name in /proc/PID/stat.
        let stopped = || {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let state = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .next()?
                .to_string();
            Some(state == "T")
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while stopped().is_some_and(|s| s != want_stopped) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        assert!(
            stopped().is_none_or(|s| s == want_stopped),
            "SIG{name}: process {pid} did not change state"
        );
    }

    /// `GET path` on the plain-HTTP listener: status and body, or `None` if it does not answer.
    pub fn get(&self, path: &str) -> Option<(u16, String)> {
        let timeout = Duration::from_secs(2);
        let mut tcp = TcpStream::connect_timeout(&self.metrics_addr, timeout).ok()?;
        tcp.set_read_timeout(Some(timeout)).ok()?;
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        tcp.write_all(request.as_bytes()).ok()?;
        let mut text = String::new();
        tcp.read_to_string(&mut text).ok()?;
        let code = text.split_whitespace().nth(1)?.parse().ok()?;
        let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        Some((code, body.to_string()))
    }

    /// AdmissionReviews the webhook says it has answered (`palisade_admission_requests_total`).
    pub fn answered(&self) -> u64 {
        let (_, metrics) = self
            .get("/metrics")
            .unwrap_or_else(|| panic!("GET /metrics: no answer"));
        metrics
            .lines()
            .filter(|l| l.starts_with("palisade_admission_requests_total{"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }
}

impl Drop for Webhook {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let log = self.log();
            let lines: Vec<&str> = log.lines().collect();
            let tail = &lines[lines.len().saturating_sub(40)..];
            eprintln!("--- end of the webhook's log ---\n{}", tail.join("\n"));
        }
    }
}

/// The `palisade` binary under test.
pub fn palisade() -> PathBuf {
    assert_cmd::cargo::cargo_bin("palisade")
}

/// Two distinct free loopback ports (free when asked; the start retries if one is taken since).
fn free_ports() -> (SocketAddr, SocketAddr) {
    let bind =
        || TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind 127.0.0.1:0: {e}"));
    let (a, b) = (bind(), bind());
    let addr = |l: &TcpListener| l.local_addr().unwrap_or_else(|e| panic!("{e}"));
    (addr(&a), addr(&b))
}

pub fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
