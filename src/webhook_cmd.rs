//! `palisade webhook`: the admission webhook. Flags (each also from an environment variable)
//! become server options; policies and configuration come from files, re-read when they change;
//! the inventory from a file or watched live in the cluster (`webhook_inventory`); the
//! certificate from files, or kept in the cluster with `--manage-certs` (`webhook_certs`).
//! Runs until SIGTERM or SIGINT, then shuts down gracefully.

use crate::cli::PolicyArgs;
use crate::cli::{parse_duration, parse_level, parse_version};
use crate::setup::engine_and_config;
use crate::{webhook_certs, webhook_inventory};
use anyhow::{Context, Result};
use palisade_cluster::ClientSettings;
use palisade_linter::config::DEFAULT_CONFIG;
use palisade_linter::{SourceFile, parse_file};
use palisade_policies::{PssLevel, PssVersion, Verdict};
use palisade_webhook::{FailureMode, PolicySet, ServerOptions, Source};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct WebhookArgs {
    /// Serving certificate (PEM chain), reloaded when it changes.
    #[arg(
        long,
        env = "PALISADE_CERT",
        value_name = "FILE",
        required_unless_present = "manage_certs"
    )]
    pub cert: Option<PathBuf>,
    /// Private key of the serving certificate (PEM).
    #[arg(
        long,
        env = "PALISADE_KEY",
        value_name = "FILE",
        required_unless_present = "manage_certs"
    )]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    pub certs: webhook_certs::CertArgs,
    /// TLS address for POST /validate and /mutate.
    #[arg(
        long,
        env = "PALISADE_LISTEN",
        value_name = "ADDR",
        default_value = "0.0.0.0:8443"
    )]
    pub listen: SocketAddr,
    /// Plain-HTTP address for GET /healthz, /readyz and /metrics.
    #[arg(
        long,
        env = "PALISADE_METRICS_LISTEN",
        value_name = "ADDR",
        default_value = "0.0.0.0:9090"
    )]
    pub metrics_listen: SocketAddr,
    /// Configuration file [default: `.palisade.yaml` in the working directory, if present].
    #[arg(long, env = "PALISADE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory (or file) of user Rego policies. Repeatable; comma-separated in the variable.
    #[arg(
        long = "policies",
        env = "PALISADE_POLICIES",
        value_name = "DIR",
        value_delimiter = ','
    )]
    pub policies: Vec<PathBuf>,
    /// Use only user policies, not the built-in library.
    #[arg(long, env = "PALISADE_NO_BUILTIN")]
    pub no_builtin: bool,
    /// Pod Security level [default: restricted, or the configuration's].
    #[arg(long, env = "PALISADE_PSS_LEVEL", value_parser = parse_level)]
    pub pss_level: Option<PssLevel>,
    /// Pod Security Standards version [default: latest, or the configuration's].
    #[arg(long, env = "PALISADE_PSS_VERSION", value_parser = parse_version)]
    pub pss_version: Option<PssVersion>,
    /// Objects the rules see beside the one under review (namespaces, bindings, …): the output of
    /// `kubectl get namespaces,clusterroles,clusterrolebindings,rolebindings -A -o yaml`.
    #[arg(long, env = "PALISADE_INVENTORY", value_name = "FILE", conflicts_with_all = ["kubeconfig", "context"])]
    pub inventory: Option<PathBuf>,
    /// Watch the inventory live through this kubeconfig [default in a pod: its service account].
    #[arg(long, env = "PALISADE_KUBECONFIG", value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use [default: its current context].
    #[arg(long, env = "PALISADE_CONTEXT", value_name = "NAME")]
    pub context: Option<String>,
    /// In a pod, do not watch the cluster (no inventory unless --inventory).
    #[arg(long, env = "PALISADE_NO_CLUSTER", conflicts_with_all = ["kubeconfig", "context"])]
    pub no_cluster: bool,
    /// A live inventory is rebuilt at most once per this window (and never sooner than twice
    /// its last rebuild took).
    #[arg(long, env = "PALISADE_INVENTORY_DEBOUNCE", value_name = "DURATION", default_value = "500ms", value_parser = parse_duration)]
    pub inventory_debounce: Duration,
    /// Evaluation timeout of one request (waiting included).
    #[arg(long, env = "PALISADE_TIMEOUT", value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// What a request gets when its evaluation times out or fails.
    #[arg(long, env = "PALISADE_FAILURE_MODE", default_value = "fail-open", value_parser = ["fail-open", "fail-closed"])]
    pub failure_mode: String,
    /// Largest request body, in bytes (larger: HTTP 413).
    #[arg(long, env = "PALISADE_MAX_BODY", value_name = "BYTES", default_value_t = 3 * 1024 * 1024)]
    pub max_body: usize,
    /// Evaluator threads: evaluations at once [default: the number of CPUs].
    #[arg(long, env = "PALISADE_CONCURRENCY", value_name = "N")]
    pub concurrency: Option<usize>,
    /// Time allowed for the TLS handshake, the first request, each request's headers and its
    /// body; also how long an HTTP/1.1 connection may stay idle between requests.
    #[arg(long, env = "PALISADE_READ_TIMEOUT", value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub read_timeout: Duration,
    /// How often certificate, policy, configuration and inventory files are checked for changes.
    #[arg(long, env = "PALISADE_RELOAD_INTERVAL", value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    pub reload_interval: Duration,
    /// After SIGTERM: time to keep serving with readiness off, before draining.
    #[arg(long, env = "PALISADE_SHUTDOWN_DELAY", value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub shutdown_delay: Duration,
    /// Log format on stderr.
    #[arg(long, env = "PALISADE_LOG_FORMAT", default_value = "json", value_parser = ["text", "json"])]
    pub log_format: String,
}

pub fn run(args: WebhookArgs) -> Result<ExitCode> {
    crate::logs::init(&args.log_format);
    let (cert, key) = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => (cert.clone(), key.clone()),
        _ => (args.certs.file(), args.certs.file()),
    };
    let mut options = ServerOptions::new(cert, key);
    options.listen = args.listen;
    options.metrics_listen = args.metrics_listen;
    options.timeout = args.timeout;
    options.failure_mode = args
        .failure_mode
        .parse::<FailureMode>()
        .map_err(anyhow::Error::msg)?;
    options.max_body = args.max_body;
    if let Some(n) = args.concurrency {
        options.concurrency = n.max(1);
    }
    options.reload_interval = args.reload_interval;
    options.read_timeout = args.read_timeout;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
        // Evaluations have threads of their own; the blocking pool only reads files on reload.
        .max_blocking_threads(4)
        .build()
        .context("starting the async runtime")?;
    let source = Arc::new(FileSource::new(&args));
    let delay = args.shutdown_delay;
    let live = webhook_inventory::live_settings(&webhook_inventory::Choice {
        inventory: args.inventory.clone(),
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
        no_cluster: args.no_cluster,
    });
    runtime.block_on(async move {
        // The client is configured before serving (a bad kubeconfig exits 2); the API server is
        // first contacted by the reflectors, in the background.
        let client = match &live {
            Some(settings) => Some(webhook_inventory::client(settings).await?),
            None => None,
        };
        let certs = if args.certs.manage_certs {
            let settings = ClientSettings {
                kubeconfig: args.kubeconfig.clone(),
                context: args.context.clone(),
            };
            let manager = webhook_certs::manager(&args.certs, &settings).await?;
            // No certificate, no TLS: wait for one (a restarted container has its file already).
            tokio::select! {
                () = manager.until_ready(Duration::from_secs(2)) => {}
                () = wait_for_signal() => return Ok(ExitCode::SUCCESS),
            }
            Some(manager)
        } else {
            None
        };
        let running = palisade_webhook::start(options, source).await?;
        let _certs = certs.map(|m| AbortOnDrop(m.spawn()));
        let _reflectors = client.map(|c| {
            webhook_inventory::spawn(c, running.live_inventory(), args.inventory_debounce)
        });
        wait_for_signal().await;
        running.shutdown(delay).await;
        Ok(ExitCode::SUCCESS)
    })
}

/// A background task that stops with its owner.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Policies and configuration from files, as `palisade lint` reads them; the inventory from a file.
#[derive(Debug)]
struct FileSource {
    args: PolicyArgs,
    inventory: Option<PathBuf>,
    /// Policy directories named by the configuration last loaded (watched too).
    config_dirs: Mutex<Vec<PathBuf>>,
}

impl FileSource {
    fn new(args: &WebhookArgs) -> Self {
        FileSource {
            args: PolicyArgs {
                pss_level: args.pss_level,
                pss_version: args.pss_version,
                policies: args.policies.clone(),
                no_builtin: args.no_builtin,
                config: args.config.clone(),
            },
            inventory: args.inventory.clone(),
            config_dirs: Mutex::new(Vec::new()),
        }
    }
}

impl Source for FileSource {
    fn load(&self) -> Result<PolicySet, String> {
        let (engine, config) = engine_and_config(&self.args).map_err(|e| format!("{e:#}"))?;
        if let Ok(mut dirs) = self.config_dirs.lock() {
            dirs.clone_from(&config.policies);
        }
        Ok(PolicySet {
            verdict: Verdict::new(config.settings, &engine),
            deriver: crate::netpol_coverage::netpol_deriver(&engine, Vec::new()),
            engine,
            mutation_namespaces: config.mutation_namespaces,
        })
    }

    fn watched(&self) -> Vec<PathBuf> {
        let config = self
            .args
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG));
        let mut paths = vec![config];
        paths.extend(self.args.policies.iter().cloned());
        if let Ok(dirs) = self.config_dirs.lock() {
            paths.extend(dirs.iter().cloned());
        }
        paths
    }

    fn inventory_path(&self) -> Option<PathBuf> {
        self.inventory.clone()
    }

    fn read_inventory(&self) -> Result<Vec<Value>, String> {
        let Some(path) = &self.inventory else {
            return Ok(Vec::new());
        };
        read_objects(path).map_err(|e| format!("{e:#}"))
    }
}

/// Every Kubernetes object in a YAML or JSON file (`List` items expanded).
fn read_objects(path: &Path) -> Result<Vec<Value>> {
    let source: SourceFile = palisade_linter::read(path)?;
    let file = parse_file(&source)?;
    Ok(file
        .objects
        .iter()
        .filter_map(|o| file.value(o).cloned())
        .collect())
}
