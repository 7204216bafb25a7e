//! The ctnetlink parser: round trips of encoded entries (TCP, UDP, SCTP; IPv4 and IPv6), and
//! random or corrupted bytes, which must give errors or `None`, never a panic.

use palisade_probe::conntrack::encode::encode_entry;
use palisade_probe::conntrack::wire::messages;
use palisade_probe::conntrack::{ConntrackEntry, EntryChange, Tuple, parse_entry};
use palisade_probe::record::Proto;
use proptest::prelude::*;
use std::net::IpAddr;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn parse_all(bytes: &[u8]) -> Vec<Result<Option<ConntrackEntry>, String>> {
    messages(bytes)
        .map(|m| {
            m.map_err(|e| e.to_string())
                .and_then(|m| parse_entry(&m).map_err(|e| e.to_string()))
        })
        .collect()
}

fn sample(proto: Proto, change: EntryChange, v6: bool) -> ConntrackEntry {
    let (a, b, c) = if v6 {
        (
            ip("2001:db8::20"),
            ip("2001:db8:100::1"),
            ip("2001:db8::30"),
        )
    } else {
        (ip("198.18.0.20"), ip("198.18.100.1"), ip("198.18.0.30"))
    };
    ConntrackEntry {
        change,
        proto,
        id: Some(0xdead_beef),
        original: Tuple {
            src: a,
            dst: b,
            src_port: 40123,
            dst_port: 80,
        },
        reply: Tuple {
            src: c,
            dst: a,
            src_port: 8080,
            dst_port: 40123,
        },
    }
}

#[test]
fn every_protocol_and_family_round_trips() {
    for proto in [Proto::Tcp, Proto::Udp, Proto::Sctp] {
        for change in [EntryChange::New, EntryChange::Destroy] {
            for v6 in [false, true] {
                let entry = sample(proto, change, v6);
                let parsed = parse_all(&encode_entry(&entry));
                assert_eq!(parsed, vec![Ok(Some(entry))], "{proto} {change:?} v6={v6}");
                assert!(entry.is_dnat());
            }
        }
    }
}

#[test]
fn several_messages_in_one_datagram_all_parse() {
    let mut datagram = encode_entry(&sample(Proto::Tcp, EntryChange::New, false));
    datagram.extend(encode_entry(&sample(
        Proto::Udp,
        EntryChange::Destroy,
        true,
    )));
    let parsed = parse_all(&datagram);
    assert_eq!(parsed.len(), 2);
    assert!(parsed.iter().all(|p| matches!(p, Ok(Some(_)))));
}

#[test]
fn other_protocols_are_skipped_and_missing_tuples_are_errors() {
    let mut icmp = encode_entry(&sample(Proto::Tcp, EntryChange::New, false));
    // The protocol number byte of both tuples: rewrite TCP (6) as ICMP (1).
    let positions: Vec<usize> = icmp
        .windows(5)
        .enumerate()
        .filter(|(_, w)| *w == [5, 0, 1, 0, 6])
        .map(|(i, _)| i + 4)
        .collect();
    assert_eq!(positions.len(), 2);
    for p in positions {
        icmp[p] = 1;
    }
    assert_eq!(parse_all(&icmp), vec![Ok(None)]);
    let header_only = palisade_probe::conntrack::wire::encode_request(0x0100, 0, 0, 2, &[]);
    assert!(parse_all(&header_only)[0].is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_all(&bytes);
    }

    #[test]
    fn corrupted_messages_never_panic(
        v6 in any::<bool>(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let mut bytes = encode_entry(&sample(Proto::Sctp, EntryChange::New, v6));
        for (at, value) in flips {
            let len = bytes.len();
            bytes[at % len] = value;
        }
        let keep = cut % (bytes.len() + 1);
        bytes.truncate(keep);
        let _ = parse_all(&bytes);
    }
}
