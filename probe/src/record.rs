//! The flow record (DESIGN.md "Flow records"): one JSON object per line,
//! `{"ts","node","proto","src":{…},"dst":{…,"service"},"count","first_seen","last_seen"}`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

/// Transport protocol of a flow, spelled as in NetworkPolicy ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Proto {
    Tcp,
    Udp,
    Sctp,
}

impl Proto {
    /// From an IP protocol number (6, 17, 132).
    pub fn from_number(number: u8) -> Option<Self> {
        match number {
            6 => Some(Self::Tcp),
            17 => Some(Self::Udp),
            132 => Some(Self::Sctp),
            _ => None,
        }
    }

    /// The IP protocol number.
    pub fn number(self) -> u8 {
        match self {
            Self::Tcp => 6,
            Self::Udp => 17,
            Self::Sctp => 132,
        }
    }

    /// `TCP`, `UDP` or `SCTP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Udp => "UDP",
            Self::Sctp => "SCTP",
        }
    }

    /// Parses `tcp`/`TCP`, `udp`, `sctp` or a protocol number.
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "TCP" => Some(Self::Tcp),
            "UDP" => Some(Self::Udp),
            "SCTP" => Some(Self::Sctp),
            other => other.parse().ok().and_then(Self::from_number),
        }
    }
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One side of a flow. Absent fields are unknown: an endpoint with only `ip` is an external
/// peer; `host` names the node when the address is a node's (or a hostNetwork pod's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    /// Destination port (after DNAT); never set on an aggregated source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Owning workload as `Kind/name` (`Deployment/web`, `CronJob/backup`, `DaemonSet/agent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// Pod labels without per-instance labels (`pod-template-hash` and the like).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Node name, when the address belongs to a node rather than to a pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Destination only: the Service (`namespace/name`) the client addressed, before DNAT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

/// An aggregated flow: all connections from one source workload to one destination workload
/// (or Service) on one port and protocol, seen by one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowRecord {
    /// When this record was written.
    pub ts: String,
    /// Node that observed the flow.
    pub node: String,
    pub proto: Proto,
    pub src: Endpoint,
    pub dst: Endpoint,
    /// Connections observed (events, for imported captures that have no connection notion).
    pub count: u64,
    pub first_seen: String,
    pub last_seen: String,
}

/// Formats a time as RFC 3339 UTC with milliseconds, e.g. `2025-01-31T12:00:00.250Z`.
pub fn format_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses an RFC 3339 time (any offset), as Hubble and MicroShield write them.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_serialises_in_the_documented_shape() {
        let record = FlowRecord {
            ts: "2025-01-01T00:00:01.000Z".into(),
            node: "n1".into(),
            proto: Proto::Tcp,
            src: Endpoint {
                ip: "198.18.0.20".parse().ok(),
                ..Endpoint::default()
            },
            dst: Endpoint {
                ip: "198.18.0.30".parse().ok(),
                port: Some(8080),
                service: Some("shop/web".into()),
                ..Endpoint::default()
            },
            count: 2,
            first_seen: "2025-01-01T00:00:00.000Z".into(),
            last_seen: "2025-01-01T00:00:01.000Z".into(),
        };
        let line = serde_json::to_string(&record).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            line,
            r#"{"ts":"2025-01-01T00:00:01.000Z","node":"n1","proto":"TCP","src":{"ip":"198.18.0.20"},"dst":{"ip":"198.18.0.30","port":8080,"service":"shop/web"},"count":2,"first_seen":"2025-01-01T00:00:00.000Z","last_seen":"2025-01-01T00:00:01.000Z"}"#
        );
        let back: FlowRecord = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, record);
    }

    #[test]
    fn protocols_parse_by_name_and_number() {
        assert_eq!(Proto::parse("tcp"), Some(Proto::Tcp));
        assert_eq!(Proto::parse("132"), Some(Proto::Sctp));
        assert_eq!(Proto::parse("icmp"), None);
        assert_eq!(
            parse_time("2024-05-01T10:00:00.5+02:00")
                .map(format_time)
                .as_deref(),
            Some("2024-05-01T08:00:00.500Z")
        );
    }
}
