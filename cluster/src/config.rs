//! Client configuration, resolved as kubectl resolves it: an explicit `--kubeconfig FILE` wins;
//! else the `KUBECONFIG` variable, else `~/.kube/config`; only when there is no kubeconfig at all
//! the pod's service account (`KUBERNETES_SERVICE_HOST` and the mounted token). `--context NAME`
//! picks a context of whichever kubeconfig is used (the current context otherwise).
//!
//! Nothing here talks to the API server: a configuration for an unreachable server is fine, and
//! the first request finds out.

use crate::error::ClusterError;
use kube::config::{Config, KubeConfigOptions, Kubeconfig};
use std::path::{Path, PathBuf};

/// The service account token a pod gets mounted.
pub const SERVICE_ACCOUNT_TOKEN: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/// What the user said about the client: `--kubeconfig` and `--context`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientSettings {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
}

/// Where a configuration came from, for logs and messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// A kubeconfig file (named, from KUBECONFIG, or `~/.kube/config`), and the context used.
    Kubeconfig { path: String, context: String },
    /// The pod's service account.
    InCluster,
}

impl std::fmt::Display for ConfigOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigOrigin::Kubeconfig { path, context } => {
                write!(f, "kubeconfig {path} (context {context})")
            }
            ConfigOrigin::InCluster => f.write_str("the pod's service account"),
        }
    }
}

/// True in a pod whose service account token is mounted (what in-cluster configuration needs).
pub fn in_cluster() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    set("KUBERNETES_SERVICE_HOST")
        && set("KUBERNETES_SERVICE_PORT")
        && Path::new(SERVICE_ACCOUNT_TOKEN).is_file()
}

/// The client configuration of the kubeconfig file `path`.
async fn from_file(
    path: &Path,
    context: Option<&str>,
) -> Result<(Config, ConfigOrigin), ClusterError> {
    let shown = path.display().to_string();
    let kubeconfig = Kubeconfig::read_from(path).map_err(|source| ClusterError::Kubeconfig {
        path: shown.clone(),
        source,
    })?;
    from_kubeconfig(kubeconfig, shown, context).await
}

/// The client configuration for `settings`, and where it came from.
pub async fn resolve(settings: &ClientSettings) -> Result<(Config, ConfigOrigin), ClusterError> {
    if let Some(path) = &settings.kubeconfig {
        return from_file(path, settings.context.as_deref()).await;
    }
    let from_env = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty());
    let home = default_kubeconfig();
    if let Some(list) = from_env {
        let shown = format!("KUBECONFIG={}", list.to_string_lossy());
        let kubeconfig = Kubeconfig::from_env()
            .map_err(|source| ClusterError::Kubeconfig {
                path: shown.clone(),
                source,
            })?
            .unwrap_or_default();
        return from_kubeconfig(kubeconfig, shown, settings.context.as_deref()).await;
    }
    if let Some(path) = home.as_ref().filter(|p| p.is_file()) {
        return from_file(path, settings.context.as_deref()).await;
    }
    if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some() {
        let config = Config::incluster().map_err(ClusterError::InCluster)?;
        return Ok((config, ConfigOrigin::InCluster));
    }
    Err(ClusterError::NoConfiguration {
        home: home.map_or_else(|| "~/.kube/config".into(), |p| p.display().to_string()),
    })
}

/// A client for `config` (builds the TLS and HTTP stack; connects lazily).
pub fn client(config: Config) -> Result<kube::Client, ClusterError> {
    kube::Client::try_from(config).map_err(ClusterError::Client)
}

fn default_kubeconfig() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".kube").join("config"))
}

async fn from_kubeconfig(
    kubeconfig: Kubeconfig,
    path: String,
    context: Option<&str>,
) -> Result<(Config, ConfigOrigin), ClusterError> {
    if let Some(name) = context
        && !kubeconfig.contexts.iter().any(|c| c.name == name)
    {
        let known: Vec<&str> = kubeconfig
            .contexts
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        return Err(ClusterError::UnknownContext {
            path,
            context: name.to_string(),
            known: if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            },
        });
    }
    let used = context
        .map(str::to_string)
        .or_else(|| kubeconfig.current_context.clone())
        .unwrap_or_default();
    let options = KubeConfigOptions {
        context: context.map(str::to_string),
        ..KubeConfigOptions::default()
    };
    let config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|source| ClusterError::Kubeconfig {
            path: path.clone(),
            source,
        })?;
    Ok((
        config,
        ConfigOrigin::Kubeconfig {
            path,
            context: used,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_CONTEXTS: &str = "apiVersion: v1\nkind: Config\ncurrent-context: dev\n\
        clusters:\n- name: dev\n  cluster:\n    server: http://127.0.0.1:1001\n\
        - name: prod\n  cluster:\n    server: http://127.0.0.1:1002\n\
        contexts:\n- name: dev\n  context: {cluster: dev, user: u}\n\
        - name: prod\n  context: {cluster: prod, user: u}\n\
        users:\n- name: u\n  user: {token: t}\n";

    fn settings(text: &str, context: Option<&str>) -> (tempfile::TempDir, ClientSettings) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("kubeconfig");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let settings = ClientSettings {
            kubeconfig: Some(path),
            context: context.map(str::to_string),
        };
        (dir, settings)
    }

    fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .block_on(f)
    }

    #[test]
    fn the_current_context_unless_one_is_named() {
        let (_dir, s) = settings(TWO_CONTEXTS, None);
        let (config, origin) = block_on(resolve(&s)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.cluster_url.to_string(), "http://127.0.0.1:1001/");
        assert!(matches!(origin, ConfigOrigin::Kubeconfig { context, .. } if context == "dev"));
        let (_dir, s) = settings(TWO_CONTEXTS, Some("prod"));
        let (config, origin) = block_on(resolve(&s)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.cluster_url.to_string(), "http://127.0.0.1:1002/");
        assert!(matches!(origin, ConfigOrigin::Kubeconfig { context, .. } if context == "prod"));
    }

    #[test]
    fn an_unknown_context_is_named_with_the_known_ones() {
        let (_dir, s) = settings(TWO_CONTEXTS, Some("staging"));
        let err = block_on(resolve(&s)).err().map(|e| e.to_string());
        let err = err.unwrap_or_default();
        assert!(
            err.ends_with("no context named `staging` (contexts: dev, prod)"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_or_broken_kubeconfig_is_named() {
        let s = ClientSettings {
            kubeconfig: Some(PathBuf::from("/nonexistent/kubeconfig")),
            context: None,
        };
        let err = block_on(resolve(&s)).err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.starts_with("kubeconfig /nonexistent/kubeconfig: ")),
            "{err:?}"
        );
        let (_dir, s) = settings("clusters: [oops", None);
        let err = block_on(resolve(&s)).err().map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("kubeconfig")),
            "{err:?}"
        );
    }
}
