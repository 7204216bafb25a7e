//! Typed errors of the probe library: netlink framing, conntrack sockets, inventory files,
//! flow imports and sinks. Each names what was being read and where.

use std::path::PathBuf;

/// A malformed netlink message or attribute.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("truncated {0}")]
    Truncated(&'static str),
    #[error("{what} has an impossible length {len}")]
    BadLength { what: &'static str, len: usize },
    #[error("attribute value is not a valid {0}")]
    BadValue(&'static str),
    #[error("tuple has no {0}")]
    Missing(&'static str),
    #[error("address family {0} is neither IPv4 nor IPv6")]
    Family(u8),
}

/// A failure of the conntrack netlink socket.
#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    #[error("cannot {action} the conntrack netlink socket")]
    Io {
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("the kernel refused the conntrack dump: errno {0}")]
    Refused(i32),
    #[error("the socket receive buffer overflowed (ENOBUFS): events were lost")]
    Overrun,
}

/// A problem in an inventory file (`kubectl get pods,services,replicasets -A -o yaml`).
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("{path}: cannot read")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a Kubernetes List or object stream: {message}")]
    Parse { path: PathBuf, message: String },
    /// `item` says which object, e.g. `item 3 (Pod shop/web-1)`.
    #[error("{path}: {item}: field {field}: {message}")]
    Field {
        path: PathBuf,
        item: String,
        field: String,
        message: String,
    },
}

/// A problem reading flows to import.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: cannot read")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: cannot tell the format from the first record; pass --from microshield or --from hubble"
    )]
    UnknownFormat { path: PathBuf },
    #[error("unknown import format {0:?}: expected microshield, hubble or auto")]
    FormatName(String),
}

/// A problem writing flow records.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("{path}: cannot write flow records")]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write flow records to stdout")]
    Stdout(#[source] std::io::Error),
    #[error("cannot encode a flow record")]
    Encode(#[from] serde_json::Error),
}

/// A failure that stops the probe.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error(transparent)]
    Socket(#[from] SocketError),
    #[error(transparent)]
    Sink(#[from] SinkError),
    #[error("cannot serve HTTP on {addr}")]
    Listen {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the async runtime")]
    Runtime(#[source] std::io::Error),
}
