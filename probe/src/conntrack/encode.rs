//! Encodes conntrack entries as the kernel sends them (ctnetlink NEW/DELETE messages), for
//! unit tests, fuzzing seeds and benchmarks that replay synthesised events.

use super::entry::{
    ConntrackEntry, EntryChange, IPCTNL_MSG_CT_DELETE, IPCTNL_MSG_CT_NEW, NFNL_SUBSYS_CTNETLINK,
    Tuple,
};
use super::wire::{self, align4};
use std::net::IpAddr;

const NLA_F_NESTED: u16 = 0x8000;
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;

/// Encodes `entry` as one netlink message (with `CTA_STATUS` and `CTA_ID` like the kernel's).
pub fn encode_entry(entry: &ConntrackEntry) -> Vec<u8> {
    let msg = match entry.change {
        EntryChange::New => IPCTNL_MSG_CT_NEW,
        EntryChange::Destroy => IPCTNL_MSG_CT_DELETE,
    };
    let msg_type = u16::from_le_bytes([msg, NFNL_SUBSYS_CTNETLINK]);
    let family = if entry.original.src.is_ipv4() {
        AF_INET
    } else {
        AF_INET6
    };
    let mut body = Vec::with_capacity(160);
    let proto = entry.proto.number();
    push_nested(&mut body, 1, &tuple_attributes(&entry.original, proto));
    push_nested(&mut body, 2, &tuple_attributes(&entry.reply, proto));
    push_attribute(&mut body, 3, &0x8u32.to_be_bytes());
    if let Some(id) = entry.id {
        push_attribute(&mut body, 12, &id.to_be_bytes());
    }
    wire::encode_request(msg_type, 0, 0, family, &body)
}

fn tuple_attributes(tuple: &Tuple, proto: u8) -> Vec<u8> {
    let mut ip = Vec::with_capacity(40);
    match (tuple.src, tuple.dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            push_attribute(&mut ip, 1, &s.octets());
            push_attribute(&mut ip, 2, &d.octets());
        }
        (s, d) => {
            push_attribute(&mut ip, 3, &v6_octets(s));
            push_attribute(&mut ip, 4, &v6_octets(d));
        }
    }
    let mut ports = Vec::with_capacity(24);
    push_attribute(&mut ports, 1, &[proto]);
    push_attribute(&mut ports, 2, &tuple.src_port.to_be_bytes());
    push_attribute(&mut ports, 3, &tuple.dst_port.to_be_bytes());
    let mut out = Vec::with_capacity(ip.len() + ports.len() + 8);
    push_nested(&mut out, 1, &ip);
    push_nested(&mut out, 2, &ports);
    out
}

fn v6_octets(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}

fn push_nested(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
    push_attribute(out, kind | NLA_F_NESTED, value);
}

fn push_attribute(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
    let len = wire::NLA_HDRLEN + value.len();
    out.extend_from_slice(&(len as u16).to_ne_bytes());
    out.extend_from_slice(&kind.to_ne_bytes());
    out.extend_from_slice(value);
    out.resize(out.len() + align4(len) - len, 0);
}
