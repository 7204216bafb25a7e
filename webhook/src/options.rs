//! Server options, validated once by the caller (the CLI maps flags and environment to them).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// What a request gets when its evaluation times out or fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureMode {
    /// Allowed, with a warning saying why.
    Open,
    /// Denied (HTTP-like code 500 in the status).
    Closed,
}

impl std::str::FromStr for FailureMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fail-open" | "open" => Ok(FailureMode::Open),
            "fail-closed" | "closed" => Ok(FailureMode::Closed),
            other => Err(format!(
                "unknown failure mode `{other}` (expected fail-open or fail-closed)"
            )),
        }
    }
}

/// Everything the server needs besides the policies.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub listen: SocketAddr,
    pub metrics_listen: SocketAddr,
    pub cert: PathBuf,
    pub key: PathBuf,
    /// Per-request evaluation timeout.
    pub timeout: Duration,
    pub failure_mode: FailureMode,
    /// Largest request body accepted; larger is answered 413.
    pub max_body: usize,
    /// Evaluator threads: evaluations running at once; more wait in their queue (the wait counts
    /// towards the timeout). Each thread holds one evaluator (~1.5 MB).
    pub concurrency: usize,
    /// How often watched files are checked for changes.
    pub reload_interval: Duration,
    /// Time allowed for the TLS handshake, for the first request to arrive and for reading a
    /// request's headers.
    pub read_timeout: Duration,
    /// Connections idle longer than this are closed.
    pub idle_timeout: Duration,
    /// How long in-flight requests may take to finish at shutdown.
    pub grace: Duration,
}

impl ServerOptions {
    /// Defaults for the given certificate pair.
    pub fn new(cert: PathBuf, key: PathBuf) -> Self {
        ServerOptions {
            listen: SocketAddr::from(([0, 0, 0, 0], 8443)),
            metrics_listen: SocketAddr::from(([0, 0, 0, 0], 9090)),
            cert,
            key,
            timeout: Duration::from_secs(2),
            failure_mode: FailureMode::Open,
            max_body: 3 * 1024 * 1024,
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            reload_interval: Duration::from_secs(2),
            read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(90),
            grace: Duration::from_secs(25),
        }
    }
}
