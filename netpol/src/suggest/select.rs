//! Choosing connections: `--select EXPR` and `--exclude EXPR`. An expression is
//! `KEY=VALUE` terms joined by commas, all of which must hold:
//!
//! | key | matches |
//! |---|---|
//! | `src`, `dst` | the party: `ns/Kind/name`, `Kind/name` or `name` of a workload; an address or block outside the cluster; a trailing `*` matches any rest |
//! | `src-ns`, `dst-ns` | the namespace of that end |
//! | `ns` | the namespace of either end |
//! | `port` | the server port, or a range `8000-8100` |
//! | `proto` | `TCP`, `UDP` or `SCTP` (any case) |

use super::aggregate::Connection;
use super::party::Party;
use palisade_probe::Proto;
use std::net::IpAddr;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Src(String),
    Dst(String),
    SrcNs(String),
    DstNs(String),
    Ns(String),
    Port(u16, u16),
    Proto(Proto),
}

/// A parsed expression: terms, ANDed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    terms: Vec<Term>,
}

impl FromStr for Expr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: expected KEY=VALUE"))?;
            let value = value.trim().to_owned();
            terms.push(match key.trim() {
                "src" => Term::Src(value),
                "dst" => Term::Dst(value),
                "src-ns" => Term::SrcNs(value),
                "dst-ns" => Term::DstNs(value),
                "ns" => Term::Ns(value),
                "port" => {
                    let bad = || format!("{part:?}: expected a port or a range like 8000-8100");
                    let (lo, hi) = value.split_once('-').unwrap_or((&value, &value));
                    let lo: u16 = lo.trim().parse().map_err(|_| bad())?;
                    let hi: u16 = hi.trim().parse().map_err(|_| bad())?;
                    Term::Port(lo.min(hi), hi.max(lo))
                }
                "proto" => Term::Proto(
                    Proto::parse(&value)
                        .ok_or_else(|| format!("{part:?}: expected TCP, UDP or SCTP"))?,
                ),
                other => {
                    return Err(format!(
                        "{other:?} is not a key (src, dst, src-ns, dst-ns, ns, port, proto)"
                    ));
                }
            });
        }
        if terms.is_empty() {
            return Err("an empty expression".into());
        }
        Ok(Self { terms })
    }
}

impl Expr {
    /// Whether every term holds for `c`.
    pub fn matches(&self, c: &Connection) -> bool {
        self.terms.iter().all(|t| match t {
            Term::Src(v) => party_matches(&c.src, v),
            Term::Dst(v) => party_matches(&c.dst, v),
            Term::SrcNs(v) => c.src.namespace() == Some(v.as_str()),
            Term::DstNs(v) => c.dst.namespace() == Some(v.as_str()),
            Term::Ns(v) => {
                c.src.namespace() == Some(v.as_str()) || c.dst.namespace() == Some(v.as_str())
            }
            Term::Port(lo, hi) => c.port.is_some_and(|p| *lo <= p && p <= *hi),
            Term::Proto(p) => c.proto == *p,
        })
    }
}

fn party_matches(party: &Party, value: &str) -> bool {
    if let Party::External(cidr) = party
        && let Ok(ip) = value.parse::<IpAddr>()
    {
        return cidr.contains(ip);
    }
    let id = party.id();
    if let Some(prefix) = value.strip_suffix('*') {
        return id.starts_with(prefix);
    }
    id == value || id.ends_with(&format!("/{value}"))
}

/// Which connections are chosen: those matching any of `select` (all when it is empty) and
/// none of `exclude`.
pub fn choose(connections: &[Connection], select: &[Expr], exclude: &[Expr]) -> Vec<bool> {
    connections
        .iter()
        .map(|c| {
            (select.is_empty() || select.iter().any(|e| e.matches(c)))
                && !exclude.iter().any(|e| e.matches(c))
        })
        .collect()
}
