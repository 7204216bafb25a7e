//! Ports: NetworkPolicy port entries (protocol, number or named port, `endPort` ranges), the
//! container ports named ports resolve against, and sets of allowed connections.

use crate::error::FieldError;
use palisade_probe::Proto;
use serde_json::Value;
use std::fmt;

/// Protocols in a fixed order, for [`ConnSet`] indices.
pub const PROTOCOLS: [Proto; 3] = [Proto::Tcp, Proto::Udp, Proto::Sctp];

fn index(proto: Proto) -> usize {
    match proto {
        Proto::Tcp => 0,
        Proto::Udp => 1,
        Proto::Sctp => 2,
    }
}

/// A port a container declares (`spec.containers[].ports[]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: u16,
    pub proto: Proto,
}

/// The port of a NetworkPolicy port entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PortRef {
    Number(u16),
    /// A named port, resolved against the destination pod's container ports.
    Name(String),
}

/// One entry of a rule's `ports`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortSpec {
    pub proto: Proto,
    /// None: every port of the protocol.
    pub port: Option<PortRef>,
    pub end_port: Option<u16>,
}

impl PortSpec {
    /// Parses a `ports[]` entry at `field`, with the API server's checks.
    pub fn parse(value: &Value, field: &str) -> Result<Self, FieldError> {
        if !value.is_object() {
            return Err(FieldError::new(field, "must be a mapping"));
        }
        let proto = match value.get("protocol") {
            None | Some(Value::Null) => Proto::Tcp,
            Some(Value::String(s)) => match s.as_str() {
                "TCP" => Proto::Tcp,
                "UDP" => Proto::Udp,
                "SCTP" => Proto::Sctp,
                other => {
                    return Err(FieldError::new(
                        format!("{field}.protocol"),
                        format!("{other:?} is not one of TCP, UDP, SCTP"),
                    ));
                }
            },
            Some(_) => {
                return Err(FieldError::new(
                    format!("{field}.protocol"),
                    "must be a string",
                ));
            }
        };
        let port = match value.get("port") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => {
                Some(PortRef::Number(port_number(n.as_u64(), field, "port")?))
            }
            Some(Value::String(s)) => {
                if !valid_port_name(s) {
                    return Err(FieldError::new(
                        format!("{field}.port"),
                        format!(
                            "{s:?} is not a valid port name (at most 15 lowercase letters, digits and '-', with a letter)"
                        ),
                    ));
                }
                Some(PortRef::Name(s.clone()))
            }
            Some(_) => {
                return Err(FieldError::new(
                    format!("{field}.port"),
                    "must be a number or a port name",
                ));
            }
        };
        let end_port = match value.get("endPort") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(port_number(n.as_u64(), field, "endPort")?),
            Some(_) => {
                return Err(FieldError::new(
                    format!("{field}.endPort"),
                    "must be a number",
                ));
            }
        };
        if let Some(end) = end_port {
            match &port {
                Some(PortRef::Number(p)) if end >= *p => {}
                Some(PortRef::Number(p)) => {
                    return Err(FieldError::new(
                        format!("{field}.endPort"),
                        format!("{end} must be at least port {p}"),
                    ));
                }
                _ => {
                    return Err(FieldError::new(
                        format!("{field}.endPort"),
                        "may only be set with a numeric port",
                    ));
                }
            }
        }
        Ok(Self {
            proto,
            port,
            end_port,
        })
    }

    /// The connections this entry allows to a destination with `dst_ports` (None: outside the
    /// cluster, where a named port matches nothing).
    pub fn conns(&self, dst_ports: Option<&[ContainerPort]>) -> ConnSet {
        let mut set = ConnSet::none();
        match &self.port {
            None => set.add(self.proto, 1, u16::MAX),
            Some(PortRef::Number(p)) => set.add(self.proto, *p, self.end_port.unwrap_or(*p)),
            Some(PortRef::Name(name)) => {
                for cp in dst_ports.unwrap_or_default() {
                    if cp.proto == self.proto && cp.name.as_deref() == Some(name.as_str()) {
                        set.add(self.proto, cp.port, cp.port);
                    }
                }
            }
        }
        set
    }
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.port, self.end_port) {
            (None, _) => write!(f, "{} (all ports)", self.proto),
            (Some(PortRef::Number(p)), Some(e)) => write!(f, "{} {p}-{e}", self.proto),
            (Some(PortRef::Number(p)), None) => write!(f, "{} {p}", self.proto),
            (Some(PortRef::Name(n)), _) => write!(f, "{} {n}", self.proto),
        }
    }
}

fn port_number(n: Option<u64>, field: &str, key: &str) -> Result<u16, FieldError> {
    n.and_then(|n| u16::try_from(n).ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| FieldError::new(format!("{field}.{key}"), "must be between 1 and 65535"))
}

/// An IANA service name as the API server checks it.
pub fn valid_port_name(name: &str) -> bool {
    (1..=15).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && name.bytes().any(|b| b.is_ascii_lowercase())
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// A set of connections: for each protocol, sorted disjoint inclusive port ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ConnSet {
    ranges: [Vec<(u16, u16)>; 3],
}

impl ConnSet {
    /// No connection.
    pub fn none() -> Self {
        Self::default()
    }

    /// Every port of every protocol.
    pub fn all() -> Self {
        let full = vec![(1, u16::MAX)];
        Self {
            ranges: [full.clone(), full.clone(), full],
        }
    }

    /// Adds ports `lo..=hi` of `proto`.
    pub fn add(&mut self, proto: Proto, lo: u16, hi: u16) {
        let ranges = &mut self.ranges[index(proto)];
        ranges.push((lo.min(hi), hi.max(lo)));
        ranges.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
        for &(lo, hi) in ranges.iter() {
            match merged.last_mut() {
                Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        *ranges = merged;
    }

    /// Adds everything in `other`.
    pub fn union(&mut self, other: &ConnSet) {
        for proto in PROTOCOLS {
            for &(lo, hi) in &other.ranges[index(proto)] {
                self.add(proto, lo, hi);
            }
        }
    }

    /// The connections in both.
    pub fn intersect(&self, other: &ConnSet) -> ConnSet {
        let mut out = ConnSet::none();
        for proto in PROTOCOLS {
            let i = index(proto);
            for &(a, b) in &self.ranges[i] {
                for &(c, d) in &other.ranges[i] {
                    let (lo, hi) = (a.max(c), b.min(d));
                    if lo <= hi {
                        out.ranges[i].push((lo, hi));
                    }
                }
            }
            out.ranges[i].sort_unstable();
        }
        out
    }

    pub fn contains(&self, proto: Proto, port: u16) -> bool {
        self.ranges[index(proto)]
            .iter()
            .any(|&(lo, hi)| lo <= port && port <= hi)
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.iter().all(Vec::is_empty)
    }

    pub fn is_all(&self) -> bool {
        *self == Self::all()
    }

    /// The ranges of `proto`.
    pub fn ranges(&self, proto: Proto) -> &[(u16, u16)] {
        &self.ranges[index(proto)]
    }
}

impl fmt::Display for ConnSet {
    /// `All Connections`, `No Connections`, or `SCTP 9090;TCP 80,8080-8090` (protocols sorted by
    /// name, a protocol with every port written `TCP 1-65535`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("All Connections");
        }
        if self.is_empty() {
            return f.write_str("No Connections");
        }
        let mut first = true;
        for proto in [Proto::Sctp, Proto::Tcp, Proto::Udp] {
            let ranges = self.ranges(proto);
            if ranges.is_empty() {
                continue;
            }
            if !first {
                f.write_str(";")?;
            }
            first = false;
            write!(f, "{proto} ")?;
            for (i, (lo, hi)) in ranges.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                if lo == hi {
                    write!(f, "{lo}")?;
                } else {
                    write!(f, "{lo}-{hi}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(v: Value) -> PortSpec {
        PortSpec::parse(&v, "p").unwrap_or_else(|e| panic!("{v}: {e}"))
    }

    #[test]
    fn protocol_defaults_to_tcp_and_ranges_include_end_port() {
        let s = spec(json!({"port": 8000, "endPort": 8010}));
        let c = s.conns(None);
        assert!(c.contains(Proto::Tcp, 8000) && c.contains(Proto::Tcp, 8010));
        assert!(!c.contains(Proto::Tcp, 8011) && !c.contains(Proto::Udp, 8005));
        let all_udp = spec(json!({"protocol": "UDP"})).conns(None);
        assert!(all_udp.contains(Proto::Udp, 1) && all_udp.contains(Proto::Udp, 65535));
        assert!(!all_udp.contains(Proto::Tcp, 53));
    }

    #[test]
    fn named_ports_resolve_against_the_destination_by_name_and_protocol() {
        let ports = [
            ContainerPort {
                name: Some("http".into()),
                port: 8080,
                proto: Proto::Tcp,
            },
            ContainerPort {
                name: Some("dns".into()),
                port: 5353,
                proto: Proto::Udp,
            },
        ];
        let c = spec(json!({"port": "http"})).conns(Some(&ports));
        assert!(c.contains(Proto::Tcp, 8080));
        assert!(
            spec(json!({"port": "dns"})).conns(Some(&ports)).is_empty(),
            "dns is UDP"
        );
        assert!(
            spec(json!({"port": "http"})).conns(None).is_empty(),
            "no pod, no named port"
        );
    }

    #[test]
    fn invalid_entries_name_the_field() {
        for (v, field) in [
            (json!({"port": 0}), "p.port"),
            (json!({"port": 70000}), "p.port"),
            (json!({"port": "80"}), "p.port"),
            (json!({"port": "Http"}), "p.port"),
            (json!({"protocol": "ICMP"}), "p.protocol"),
            (json!({"port": 90, "endPort": 80}), "p.endPort"),
            (json!({"port": "http", "endPort": 80}), "p.endPort"),
            (json!({"endPort": 80}), "p.endPort"),
        ] {
            let err = PortSpec::parse(&v, "p")
                .err()
                .unwrap_or_else(|| panic!("{v} accepted"));
            assert_eq!(err.field, field, "{v}");
        }
    }

    #[test]
    fn sets_merge_intersect_and_print() {
        let mut a = ConnSet::none();
        a.add(Proto::Tcp, 80, 80);
        a.add(Proto::Tcp, 81, 90);
        a.add(Proto::Udp, 53, 53);
        assert_eq!(a.ranges(Proto::Tcp), &[(80, 90)]);
        let mut b = ConnSet::none();
        b.add(Proto::Tcp, 85, 100);
        let both = a.intersect(&b);
        assert_eq!(both.to_string(), "TCP 85-90");
        assert_eq!(ConnSet::all().to_string(), "All Connections");
        assert_eq!(a.to_string(), "TCP 80-90;UDP 53");
        assert!(ConnSet::all().intersect(&ConnSet::none()).is_empty());
    }
}
