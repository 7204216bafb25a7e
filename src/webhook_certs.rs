//! `palisade webhook --manage-certs`: the flags, and the wiring of the cluster crate's
//! [`CertManager`] into the webhook — before serving, a serving pair is fetched (or issued, by the
//! replica holding the Lease) and written to `--cert-dir`; while serving, a round every
//! `--cert-interval` keeps it and the configurations' caBundle current. The webhook reloads the
//! file as it reloads any certificate file.

use crate::cli::parse_duration;
use anyhow::{Context, Result};
use palisade_certs::Service;
use palisade_certs::managed::Lifetimes;
use palisade_cluster::{CertManager, CertSettings, ClientSettings};
use std::path::PathBuf;
use std::time::Duration;

/// Where the namespace of a pod's service account is mounted.
const POD_NAMESPACE_FILE: &str = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

#[derive(Debug, Clone, clap::Args)]
pub struct CertArgs {
    /// Keep the CA and serving certificate in a Secret and the CA in the webhook configurations'
    /// caBundle, issuing and rotating them (instead of --cert and --key).
    #[arg(long, env = "PALISADE_MANAGE_CERTS", conflicts_with_all = ["cert", "key"])]
    pub manage_certs: bool,
    /// With --manage-certs: the directory the serving pair is written to, as `tls.pem`.
    #[arg(
        long,
        env = "PALISADE_CERT_DIR",
        value_name = "DIR",
        default_value = "/etc/palisade/tls"
    )]
    pub cert_dir: PathBuf,
    /// With --manage-certs: the Secret (and Lease) holding the certificates.
    #[arg(
        long,
        env = "PALISADE_CERT_SECRET",
        value_name = "NAME",
        default_value = "palisade-webhook-certs"
    )]
    pub cert_secret: String,
    /// With --manage-certs: their namespace [default: the pod's].
    #[arg(long, env = "PALISADE_CERT_NAMESPACE", value_name = "NAMESPACE")]
    pub cert_namespace: Option<String>,
    /// With --manage-certs: the Service the API server calls (the certificate's DNS names).
    #[arg(
        long,
        env = "PALISADE_SERVICE",
        value_name = "NAME",
        default_value = "palisade-webhook"
    )]
    pub service: String,
    /// With --manage-certs: the Validating- and MutatingWebhookConfigurations whose caBundle is
    /// kept. Repeatable; comma-separated in the variable.
    #[arg(
        long = "webhook-config",
        env = "PALISADE_WEBHOOK_CONFIGS",
        value_name = "NAME",
        value_delimiter = ',',
        default_value = "palisade-webhook"
    )]
    pub webhook_configs: Vec<String>,
    /// With --manage-certs: validity of a serving certificate, in days (a CA: ten years at least).
    #[arg(
        long,
        env = "PALISADE_CERT_DAYS",
        value_name = "DAYS",
        default_value_t = palisade_certs::DEFAULT_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=36_500)
    )]
    pub cert_days: u32,
    /// With --manage-certs: time between certificate rounds (the Lease lasts three).
    #[arg(long, env = "PALISADE_CERT_INTERVAL", value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub cert_interval: Duration,
}

impl CertArgs {
    /// The serving file the webhook loads (certificate and key in one).
    pub fn file(&self) -> PathBuf {
        self.cert_dir.join("tls.pem")
    }
}

/// The certificate keeper for these flags, with a client resolved as the live inventory's.
pub async fn manager(args: &CertArgs, client: &ClientSettings) -> Result<CertManager> {
    let namespace = match &args.cert_namespace {
        Some(ns) => ns.clone(),
        None => pod_namespace().context(
            "--manage-certs: --cert-namespace is needed outside a pod (no POD_NAMESPACE, no \
             service account namespace file)",
        )?,
    };
    let service = Service::new(&args.service, &namespace).context("--service")?;
    let (config, origin) = palisade_cluster::resolve(client)
        .await
        .context("--manage-certs")?;
    tracing::info!(%origin, server = %config.cluster_url, secret = %args.cert_secret, "certificates: managed in the cluster");
    let client = palisade_cluster::client(config).context("--manage-certs")?;
    std::fs::create_dir_all(&args.cert_dir)
        .with_context(|| format!("--cert-dir {}", args.cert_dir.display()))?;
    Ok(CertManager::new(
        client,
        CertSettings {
            namespace,
            secret: args.cert_secret.clone(),
            lease: args.cert_secret.clone(),
            service,
            webhook_configs: args.webhook_configs.clone(),
            identity: identity(),
            lifetimes: Lifetimes {
                serving_days: args.cert_days,
                ca_days: palisade_certs::ca_days(args.cert_days),
            },
            interval: args.cert_interval,
            file: args.file(),
        },
    ))
}

/// The pod's namespace: POD_NAMESPACE (the downward API), else the service account's.
fn pod_namespace() -> Option<String> {
    std::env::var("POD_NAMESPACE")
        .ok()
        .or_else(|| std::fs::read_to_string(POD_NAMESPACE_FILE).ok())
        .map(|ns| ns.trim().to_string())
        .filter(|ns| !ns.is_empty())
}

/// This replica's name as a Lease holder: the pod's name, else host and process.
fn identity() -> String {
    std::env::var("POD_NAME")
        .or_else(|_| std::env::var("HOSTNAME"))
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("palisade-{}", std::process::id()))
}
