//! `palisade webhook --manage-certs`: the webhook keeps its CA and serving certificate in a
//! Secret, and the CA in its webhook configurations' `caBundle`, itself. Each round (every
//! `interval`):
//! 1. every replica reads the Secret;
//! 2. the replica holding the Lease (see `lease.rs`) moves it on with
//!    [`palisade_certs::managed::advance`] — a first CA, a serving certificate reissued with a
//!    third of its validity left, a CA succeeded in two steps — writes it back (a replace
//!    carrying the resourceVersion read: a concurrent writer makes it 409 and wait for the next
//!    round) and puts the trusted CAs into the caBundle of every webhook of the configurations;
//! 3. every replica writes the serving pair the Secret holds to its file (certificate and key
//!    in one PEM file, renamed into place, so the webhook's reload never sees half a rotation).
//!
//! Only get and update of the Secret and Lease (which the manifests ship, empty) and get and
//! patch of the two configurations are needed; create is tried only when they are missing.

use crate::error::ClusterError;
use crate::lease::LeaseLock;
use crate::webhook_configs::{self, WebhookConfigs};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, ObjectMeta, PostParams};
use palisade_certs::Service;
use palisade_certs::managed::{Lifetimes, Managed, Step, advance};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Where the certificates live and how they are kept.
#[derive(Debug, Clone)]
pub struct CertSettings {
    /// Namespace of the Secret and the Lease.
    pub namespace: String,
    pub secret: String,
    pub lease: String,
    /// The Service the serving certificate is for.
    pub service: Service,
    /// ValidatingWebhookConfigurations and MutatingWebhookConfigurations by name.
    pub webhook_configs: Vec<String>,
    /// This replica, as the Lease names its holder.
    pub identity: String,
    pub lifetimes: Lifetimes,
    /// Time between rounds; the Lease lasts three of them.
    pub interval: Duration,
    /// The file the serving certificate and key are written to.
    pub file: PathBuf,
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    /// This replica held the Lease.
    pub leader: bool,
    /// Changes written to the Secret.
    pub steps: Vec<Step>,
    /// Configurations whose caBundle was patched.
    pub patched: Vec<String>,
    /// The serving file was (re)written.
    pub file_written: bool,
}

/// One replica's certificate keeper.
#[derive(Debug, Clone)]
pub struct CertManager {
    secrets: Api<Secret>,
    lease: LeaseLock,
    configs: WebhookConfigs,
    settings: CertSettings,
}

impl CertManager {
    pub fn new(client: kube::Client, settings: CertSettings) -> Self {
        let ns = &settings.namespace;
        CertManager {
            secrets: Api::namespaced(client.clone(), ns),
            lease: LeaseLock {
                api: Api::namespaced(client.clone(), ns),
                name: settings.lease.clone(),
                identity: settings.identity.clone(),
                duration: (settings.interval * 3).max(Duration::from_secs(15)),
            },
            configs: WebhookConfigs::new(&client, settings.webhook_configs.clone()),
            settings,
        }
    }

    /// Whether the serving file holds a pair usable for the Service at `now` (a restarted
    /// container can serve before it reaches the API server).
    pub fn file_ready(&self, now: SystemTime) -> bool {
        let text = std::fs::read_to_string(&self.settings.file).unwrap_or_default();
        Managed::from_serving_pem(&text)
            .serving_pem(&self.settings.service, now)
            .is_some()
    }

    /// One round at `now`.
    pub async fn round(&self, now: SystemTime) -> Result<Round, ClusterError> {
        let s = &self.settings;
        let api_err = |what: String| move |source| ClusterError::Api { what, source };
        let secret_name = format!("secret {}/{}", s.namespace, s.secret);
        let secret = self
            .secrets
            .get_opt(&s.secret)
            .await
            .map_err(api_err(secret_name.clone()))?;
        let mut managed = Managed::from_data(&decoded(secret.as_ref()));
        let mut round = Round {
            leader: self
                .lease
                .try_hold(now)
                .await
                .map_err(api_err(format!("lease {}/{}", s.namespace, s.lease)))?,
            ..Round::default()
        };
        if round.leader {
            let configs = self
                .configs
                .read()
                .await
                .map_err(api_err("webhook configurations".into()))?;
            let next_trusted = managed
                .next_ca
                .as_ref()
                .is_some_and(|next| webhook_configs::all_trust(&configs, &next.cert_pem));
            let (next, steps) = advance(&managed, &s.service, s.lifetimes, next_trusted, now)?;
            if !steps.is_empty() {
                if !self
                    .write(secret, &next)
                    .await
                    .map_err(api_err(secret_name))?
                {
                    // Someone else wrote it since it was read: the next round reads it again.
                    return Ok(Round::default());
                }
                managed = next;
                round.steps = steps;
            }
            round.patched = webhook_configs::patch_all(&configs, &managed.ca_bundle())
                .await
                .map_err(api_err("webhook configurations: caBundle".into()))?;
        }
        if let Some(pem) = managed.serving_pem(&s.service, now) {
            round.file_written = write_file(&s.file, &pem)?;
        }
        Ok(round)
    }

    /// Writes the Secret: replaced with the resourceVersion read, or created. False when
    /// another writer came first (409).
    async fn write(&self, read: Option<Secret>, state: &Managed) -> Result<bool, kube::Error> {
        let data: BTreeMap<String, ByteString> = state
            .to_data()
            .into_iter()
            .map(|(k, v)| (k, ByteString(v)))
            .collect();
        let result = match read {
            Some(mut secret) => {
                secret.data = Some(data);
                secret.string_data = None;
                self.secrets
                    .replace(&self.settings.secret, &PostParams::default(), &secret)
                    .await
            }
            None => {
                let secret = Secret {
                    metadata: ObjectMeta {
                        name: Some(self.settings.secret.clone()),
                        ..ObjectMeta::default()
                    },
                    type_: Some("Opaque".into()),
                    data: Some(data),
                    ..Secret::default()
                };
                self.secrets.create(&PostParams::default(), &secret).await
            }
        };
        match result {
            Ok(_) => Ok(true),
            Err(kube::Error::Api(status)) if status.code == 409 => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Runs rounds until the serving file is ready (at once if it already is), retrying every
    /// `retry` (a follower waits for the leader's first Secret). Errors are logged, not fatal:
    /// the API server may come up after the webhook.
    pub async fn until_ready(&self, retry: Duration) {
        loop {
            if self.file_ready(SystemTime::now()) {
                return;
            }
            self.logged_round().await;
            if self.file_ready(SystemTime::now()) {
                return;
            }
            tokio::time::sleep(retry).await;
        }
    }

    /// Runs a round every interval, for ever (abort the task to stop).
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(self.settings.interval).await;
                self.logged_round().await;
            }
        })
    }

    async fn logged_round(&self) {
        match self.round(SystemTime::now()).await {
            Ok(round) => {
                for step in &round.steps {
                    tracing::info!(secret = %self.settings.secret, "certificates: {step}");
                }
                for config in &round.patched {
                    tracing::info!("certificates: caBundle of {config} updated");
                }
                if round.file_written {
                    tracing::info!(file = %self.settings.file.display(), "certificates: serving pair written");
                }
            }
            Err(e) => tracing::warn!("certificates: {e}"),
        }
    }
}

/// A Secret's data, decoded (nothing when there is no Secret).
fn decoded(secret: Option<&Secret>) -> BTreeMap<String, Vec<u8>> {
    secret
        .and_then(|s| s.data.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect()
}

/// Writes `text` to `path` (private, renamed into place) unless it already holds it; true when
/// written.
fn write_file(path: &Path, text: &str) -> Result<bool, ClusterError> {
    if std::fs::read_to_string(path).is_ok_and(|have| have == text) {
        return Ok(false);
    }
    palisade_certs::write_private(path, text)?;
    Ok(true)
}
