//! ctnetlink messages → conntrack entries: original and reply tuples (addresses, protocol,
//! ports) and the entry id. Only TCP, UDP and SCTP entries are kept; others parse to `None`.

use super::wire::{self, NetlinkMessage};
use crate::error::WireError;
use crate::record::Proto;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// nfnetlink subsystem id of ctnetlink.
pub const NFNL_SUBSYS_CTNETLINK: u8 = 1;
/// ctnetlink message types (low byte of `nlmsg_type`).
pub const IPCTNL_MSG_CT_NEW: u8 = 0;
pub const IPCTNL_MSG_CT_GET: u8 = 1;
pub const IPCTNL_MSG_CT_DELETE: u8 = 2;

/// Top-level conntrack attributes.
const CTA_TUPLE_ORIG: u16 = 1;
const CTA_TUPLE_REPLY: u16 = 2;
const CTA_ID: u16 = 12;
/// Tuple attributes.
const CTA_TUPLE_IP: u16 = 1;
const CTA_TUPLE_PROTO: u16 = 2;
/// Address attributes.
const CTA_IP_V4_SRC: u16 = 1;
const CTA_IP_V4_DST: u16 = 2;
const CTA_IP_V6_SRC: u16 = 3;
const CTA_IP_V6_DST: u16 = 4;
/// Protocol attributes.
const CTA_PROTO_NUM: u16 = 1;
const CTA_PROTO_SRC_PORT: u16 = 2;
const CTA_PROTO_DST_PORT: u16 = 3;

/// What a ctnetlink message says happened to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryChange {
    /// A new connection (event) or an existing one (dump reply).
    New,
    /// The connection ended and its entry was removed.
    Destroy,
}

/// One direction of a connection as conntrack tracks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tuple {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
}

/// A TCP, UDP or SCTP conntrack entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConntrackEntry {
    pub change: EntryChange,
    pub proto: Proto,
    /// Kernel id of the entry (`CTA_ID`), stable for the entry's lifetime.
    pub id: Option<u32>,
    /// Initiator → responder, as the initiator addressed it (a Service IP before DNAT).
    pub original: Tuple,
    /// Responder → initiator, as the responder sees it (the real backend after DNAT).
    pub reply: Tuple,
}

impl ConntrackEntry {
    /// True when the destination was rewritten (Service DNAT): the backend is `reply.src`.
    pub fn is_dnat(&self) -> bool {
        self.reply.src != self.original.dst || self.reply.src_port != self.original.dst_port
    }
}

/// Parses one netlink message. `Ok(None)` for messages that are not ctnetlink NEW/DELETE or
/// entries of other protocols (ICMP, GRE…); `Err` for malformed bytes.
pub fn parse_entry(message: &NetlinkMessage<'_>) -> Result<Option<ConntrackEntry>, WireError> {
    let [kind, subsystem] = message.msg_type.to_le_bytes();
    if subsystem != NFNL_SUBSYS_CTNETLINK {
        return Ok(None);
    }
    let change = match kind {
        IPCTNL_MSG_CT_NEW => EntryChange::New,
        IPCTNL_MSG_CT_DELETE => EntryChange::Destroy,
        _ => return Ok(None),
    };
    let nfgen = wire::nfgen(message.payload)?;
    let (mut original, mut reply, mut id) = (None, None, None);
    for attribute in wire::attributes(nfgen.attributes) {
        let attribute = attribute?;
        match attribute.kind {
            CTA_TUPLE_ORIG => original = Some(parse_tuple(attribute.value)?),
            CTA_TUPLE_REPLY => reply = Some(parse_tuple(attribute.value)?),
            CTA_ID => id = Some(wire::be_u32(attribute.value)?),
            _ => {}
        }
    }
    let (proto_num, original) = original.ok_or(WireError::Missing("original tuple"))?;
    let (_, reply) = reply.ok_or(WireError::Missing("reply tuple"))?;
    let Some(proto) = Proto::from_number(proto_num) else {
        return Ok(None);
    };
    Ok(Some(ConntrackEntry {
        change,
        proto,
        id,
        original,
        reply,
    }))
}

/// Parses a nested `CTA_TUPLE_*` into its protocol number and tuple.
fn parse_tuple(buf: &[u8]) -> Result<(u8, Tuple), WireError> {
    let (mut src, mut dst) = (None, None);
    let (mut proto, mut src_port, mut dst_port) = (None, 0u16, 0u16);
    for attribute in wire::attributes(buf) {
        let attribute = attribute?;
        match attribute.kind {
            CTA_TUPLE_IP => {
                for ip in wire::attributes(attribute.value) {
                    let ip = ip?;
                    match ip.kind {
                        CTA_IP_V4_SRC => src = Some(ipv4(ip.value)?),
                        CTA_IP_V4_DST => dst = Some(ipv4(ip.value)?),
                        CTA_IP_V6_SRC => src = Some(ipv6(ip.value)?),
                        CTA_IP_V6_DST => dst = Some(ipv6(ip.value)?),
                        _ => {}
                    }
                }
            }
            CTA_TUPLE_PROTO => {
                for p in wire::attributes(attribute.value) {
                    let p = p?;
                    match p.kind {
                        CTA_PROTO_NUM => proto = Some(wire::byte(p.value)?),
                        CTA_PROTO_SRC_PORT => src_port = wire::be_u16(p.value)?,
                        CTA_PROTO_DST_PORT => dst_port = wire::be_u16(p.value)?,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    let src = src.ok_or(WireError::Missing("source address"))?;
    let dst = dst.ok_or(WireError::Missing("destination address"))?;
    let proto = proto.ok_or(WireError::Missing("protocol number"))?;
    Ok((
        proto,
        Tuple {
            src,
            dst,
            src_port,
            dst_port,
        },
    ))
}

fn ipv4(value: &[u8]) -> Result<IpAddr, WireError> {
    let octets: [u8; 4] = value
        .try_into()
        .map_err(|_| WireError::BadValue("IPv4 address"))?;
    Ok(IpAddr::V4(Ipv4Addr::from(octets)))
}

fn ipv6(value: &[u8]) -> Result<IpAddr, WireError> {
    let octets: [u8; 16] = value
        .try_into()
        .map_err(|_| WireError::BadValue("IPv6 address"))?;
    Ok(IpAddr::V6(Ipv6Addr::from(octets)))
}
