//! What a test asks of its webhook: a configuration file, user policies, an inventory and
//! extra flags, written into the webhook's directory before it starts.

use super::process::{SERVICE, Webhook, write};
use std::net::SocketAddr;
use std::sync::Mutex;

/// Starts retried when a chosen port was taken in the meantime.
const START_ATTEMPTS: usize = 5;

/// What to start: configuration, user policies, inventory and extra flags.
#[derive(Debug, Default, Clone)]
pub struct WebhookBuilder {
    config: Option<String>,
    policies: Vec<(String, String)>,
    inventory: Option<String>,
    args: Vec<String>,
}

impl WebhookBuilder {
    /// `--config FILE` with this text.
    pub fn config(mut self, text: &str) -> Self {
        self.config = Some(text.to_string());
        self
    }

    /// A user policy file in the `--policies DIR`.
    pub fn policy(mut self, file: &str, text: &str) -> Self {
        self.policies.push((file.to_string(), text.to_string()));
        self
    }

    /// `--inventory FILE` with this text (a YAML List of objects).
    pub fn inventory(mut self, text: &str) -> Self {
        self.inventory = Some(text.to_string());
        self
    }

    /// Any other flag.
    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_string());
        self
    }

    /// Writes the files, issues the certificates and starts the webhook; returns once it is ready.
    pub fn start(self) -> Webhook {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let mut args: Vec<String> = Vec::new();
        if let Some(text) = &self.config {
            write(&dir.path().join("palisade.yaml"), text);
            args.push(format!(
                "--config={}",
                dir.path().join("palisade.yaml").display()
            ));
        }
        if !self.policies.is_empty() {
            for (file, text) in &self.policies {
                write(&dir.path().join("policies").join(file), text);
            }
            args.push(format!(
                "--policies={}",
                dir.path().join("policies").display()
            ));
        }
        if let Some(text) = &self.inventory {
            write(&dir.path().join("inventory.yaml"), text);
            let path = dir.path().join("inventory.yaml");
            args.push(format!("--inventory={}", path.display()));
        }
        args.extend(self.args);
        let mut webhook = Webhook {
            child: Mutex::new(None),
            dir,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            metrics_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        if !args.iter().any(|a| a == "--manage-certs") {
            webhook.generate_certs(SERVICE, &[]);
        }
        for attempt in 1..=START_ATTEMPTS {
            match webhook.spawn(&args) {
                Ok(()) => return webhook,
                Err(log) if attempt < START_ATTEMPTS && log.contains("cannot listen") => continue,
                Err(log) => panic!("palisade webhook did not start:\n{log}"),
            }
        }
        unreachable!("the last attempt returns or panics")
    }
}
