//! The cluster crate's errors: each says which kubeconfig, context or API it is about.

use std::path::PathBuf;

/// What can go wrong before a client exists (watches retry on their own and never end in one),
/// and what a one-off request (an apply) meets.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// `--kubeconfig FILE` (or KUBECONFIG, or `~/.kube/config`) could not be read or used.
    #[error("kubeconfig {path}: {source}")]
    Kubeconfig {
        path: String,
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// `--context NAME` names no context of the kubeconfig.
    #[error("kubeconfig {path}: no context named `{context}` (contexts: {known})")]
    UnknownContext {
        path: String,
        context: String,
        known: String,
    },
    /// Running in a pod, but its service account could not be read.
    #[error("in-cluster configuration: {0}")]
    InCluster(#[source] kube::config::InClusterError),
    /// Neither a kubeconfig nor a pod's service account.
    #[error(
        "no Kubernetes client configuration: no --kubeconfig, no KUBECONFIG, no {home} and not \
         running in a pod (KUBERNETES_SERVICE_HOST unset)"
    )]
    NoConfiguration { home: String },
    /// The HTTP client could not be built from the configuration (TLS material, proxy, …).
    #[error("building the Kubernetes client: {0}")]
    Client(#[source] kube::Error),
    /// The API server refused a request, or could not be reached.
    #[error("{what}: {source}")]
    Api {
        what: String,
        #[source]
        source: kube::Error,
    },
    /// An object Palisade was asked to send is not one the API can take.
    #[error("{0}")]
    Invalid(String),
    /// Certificates that could not be issued or written.
    #[error("certificates: {0}")]
    Certs(#[from] palisade_certs::CertError),
    /// A path that is not valid UTF-8 where kube needs a string.
    #[error("{0}: not a UTF-8 path")]
    Path(PathBuf),
}
