//! np-guard netpol-analyzer's connlist text output, read back: lines
//! `src => dst : <connections>` whose peers are workloads (`ns/name[Kind]`) or address ranges
//! (`0.0.0.0-9.255.255.255[External]`), and connection sets (`All Connections`,
//! `SCTP 9003,TCP 80-81,UDP 53`).

use palisade_netpol::ConnSet;
use palisade_probe::Proto;
use std::net::Ipv4Addr;

/// One end of a connlist line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Peer {
    /// `ns/name[Kind]`, as written.
    Workload(String),
    /// An inclusive IPv4 range outside the cluster.
    External(u32, u32),
}

/// One connlist line.
#[derive(Debug, Clone)]
pub struct Line {
    pub src: Peer,
    pub dst: Peer,
    pub conns: ConnSet,
}

/// Parses a connlist text file (every non-empty line must be a connection).
pub fn parse(text: &str) -> Result<Vec<Line>, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| line(l).ok_or_else(|| format!("not a connlist line: {l:?}")))
        .collect()
}

fn line(text: &str) -> Option<Line> {
    let (peers, conns) = text.split_once(" : ")?;
    let (src, dst) = peers.split_once(" => ")?;
    Some(Line {
        src: peer(src.trim())?,
        dst: peer(dst.trim())?,
        conns: conn_set(conns.trim())?,
    })
}

fn peer(text: &str) -> Option<Peer> {
    match text.strip_suffix("[External]") {
        Some(range) => {
            let (lo, hi) = range.split_once('-')?;
            let lo: Ipv4Addr = lo.parse().ok()?;
            let hi: Ipv4Addr = hi.parse().ok()?;
            Some(Peer::External(u32::from(lo), u32::from(hi)))
        }
        None => Some(Peer::Workload(text.to_owned())),
    }
}

/// `All Connections`, or protocols with port ranges; protocols are separated by `,` (np-guard)
/// or `;` (our `ConnSet` display).
pub fn conn_set(text: &str) -> Option<ConnSet> {
    if text == "All Connections" {
        return Some(ConnSet::all());
    }
    let mut set = ConnSet::none();
    let mut proto = None;
    for token in text.split([',', ';']) {
        let token = token.trim();
        let ports = match token.split_once(' ') {
            Some((name, ports)) => {
                proto = Some(match name {
                    "TCP" => Proto::Tcp,
                    "UDP" => Proto::Udp,
                    "SCTP" => Proto::Sctp,
                    _ => return None,
                });
                ports
            }
            None => token,
        };
        let (lo, hi) = ports.split_once('-').unwrap_or((ports, ports));
        set.add(proto?, lo.parse().ok()?, hi.parse().ok()?);
    }
    (!set.is_empty()).then_some(set)
}

/// `a.b.c.d-e.f.g.h[External]`.
pub fn range_name(lo: u32, hi: u32) -> String {
    format!("{}-{}[External]", Ipv4Addr::from(lo), Ipv4Addr::from(hi))
}

#[test]
fn connlist_lines_read_back() {
    let lines = parse(
        "0.0.0.0-9.255.255.255[External] => a/b[Deployment] : All Connections\n\
         a/b[Deployment] => c/d[Pod] : SCTP 1-9002,9004-65535,TCP 80,UDP 53\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lines[0].src, Peer::External(0, 0x09ff_ffff));
    assert!(lines[0].conns.is_all());
    assert_eq!(lines[1].dst, Peer::Workload("c/d[Pod]".into()));
    assert_eq!(
        lines[1].conns.to_string(),
        "SCTP 1-9002,9004-65535;TCP 80;UDP 53"
    );
    assert!(parse("x => y").is_err());
}
