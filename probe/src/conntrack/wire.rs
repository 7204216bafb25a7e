//! Netlink framing without allocation or panics: message headers, the nfnetlink header, and
//! attribute (NLA) iteration over untrusted bytes. Every read is bounds-checked; a malformed
//! length ends the iteration with an error instead of reading past the buffer.

use crate::error::WireError;

/// `struct nlmsghdr` size.
pub const NLMSG_HDRLEN: usize = 16;
/// `struct nfgenmsg` size.
pub const NFGENMSG_LEN: usize = 4;
/// `struct nlattr` header size.
pub const NLA_HDRLEN: usize = 4;

/// Netlink control message types.
pub const NLMSG_NOOP: u16 = 1;
pub const NLMSG_ERROR: u16 = 2;
pub const NLMSG_DONE: u16 = 3;
pub const NLMSG_OVERRUN: u16 = 4;

/// Request flags.
pub const NLM_F_REQUEST: u16 = 0x1;
pub const NLM_F_DUMP: u16 = 0x300;

/// Attribute type bits that are flags, not part of the type number.
const NLA_TYPE_MASK: u16 = 0x3fff;

/// Rounds `len` up to netlink's 4-byte alignment.
pub const fn align4(len: usize) -> usize {
    (len + 3) & !3
}

/// One netlink message: header fields and the payload after the 16-byte header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetlinkMessage<'a> {
    pub msg_type: u16,
    pub flags: u16,
    pub seq: u32,
    pub port_id: u32,
    pub payload: &'a [u8],
}

/// Iterates over the netlink messages packed in one datagram.
#[derive(Debug, Clone)]
pub struct Messages<'a> {
    rest: &'a [u8],
}

/// Splits a datagram into netlink messages.
pub fn messages(datagram: &[u8]) -> Messages<'_> {
    Messages { rest: datagram }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<NetlinkMessage<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let buf = self.rest;
        let Some(header) = buf.get(..NLMSG_HDRLEN) else {
            self.rest = &[];
            return Some(Err(WireError::Truncated("netlink header")));
        };
        let len = u32_ne(&header[0..4]) as usize;
        if len < NLMSG_HDRLEN || len > buf.len() {
            self.rest = &[];
            return Some(Err(WireError::BadLength {
                what: "netlink message",
                len,
            }));
        }
        let message = NetlinkMessage {
            msg_type: u16_ne(&header[4..6]),
            flags: u16_ne(&header[6..8]),
            seq: u32_ne(&header[8..12]),
            port_id: u32_ne(&header[12..16]),
            payload: &buf[NLMSG_HDRLEN..len],
        };
        self.rest = buf.get(align4(len)..).unwrap_or(&[]);
        Some(Ok(message))
    }
}

/// The nfnetlink header (`struct nfgenmsg`) and the attributes after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NfGenMessage<'a> {
    /// Address family of the entry: `AF_INET` (2) or `AF_INET6` (10).
    pub family: u8,
    pub attributes: &'a [u8],
}

/// Splits an nfnetlink payload into its `nfgenmsg` header and attribute bytes.
pub fn nfgen(payload: &[u8]) -> Result<NfGenMessage<'_>, WireError> {
    let header = payload
        .get(..NFGENMSG_LEN)
        .ok_or(WireError::Truncated("nfgenmsg"))?;
    Ok(NfGenMessage {
        family: header[0],
        attributes: &payload[NFGENMSG_LEN..],
    })
}

/// One attribute: its type (flag bits removed) and value bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute<'a> {
    pub kind: u16,
    pub value: &'a [u8],
}

/// Iterates over a run of attributes (top level or the value of a nested attribute).
#[derive(Debug, Clone)]
pub struct Attributes<'a> {
    rest: &'a [u8],
}

/// Walks the attributes in `buf`.
pub fn attributes(buf: &[u8]) -> Attributes<'_> {
    Attributes { rest: buf }
}

impl<'a> Iterator for Attributes<'a> {
    type Item = Result<Attribute<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        // Trailing padding shorter than a header is not an attribute.
        if self.rest.len() < NLA_HDRLEN {
            self.rest = &[];
            return None;
        }
        let buf = self.rest;
        let len = u16_ne(&buf[0..2]) as usize;
        if len < NLA_HDRLEN || len > buf.len() {
            self.rest = &[];
            return Some(Err(WireError::BadLength {
                what: "attribute",
                len,
            }));
        }
        let attribute = Attribute {
            kind: u16_ne(&buf[2..4]) & NLA_TYPE_MASK,
            value: &buf[NLA_HDRLEN..len],
        };
        self.rest = buf.get(align4(len)..).unwrap_or(&[]);
        Some(Ok(attribute))
    }
}

/// Reads a big-endian `u16` attribute value.
pub fn be_u16(value: &[u8]) -> Result<u16, WireError> {
    let bytes: [u8; 2] = value.try_into().map_err(|_| WireError::BadValue("u16"))?;
    Ok(u16::from_be_bytes(bytes))
}

/// Reads a big-endian `u32` attribute value.
pub fn be_u32(value: &[u8]) -> Result<u32, WireError> {
    let bytes: [u8; 4] = value.try_into().map_err(|_| WireError::BadValue("u32"))?;
    Ok(u32::from_be_bytes(bytes))
}

/// Reads a `u8` attribute value.
pub fn byte(value: &[u8]) -> Result<u8, WireError> {
    match value {
        [b] => Ok(*b),
        _ => Err(WireError::BadValue("u8")),
    }
}

fn u16_ne(b: &[u8]) -> u16 {
    let mut a = [0u8; 2];
    a.copy_from_slice(b);
    u16::from_ne_bytes(a)
}

fn u32_ne(b: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(b);
    u32::from_ne_bytes(a)
}

/// Writes a netlink header followed by an `nfgenmsg` and `body`, for requests.
pub fn encode_request(msg_type: u16, flags: u16, seq: u32, family: u8, body: &[u8]) -> Vec<u8> {
    let len = NLMSG_HDRLEN + NFGENMSG_LEN + body.len();
    let mut out = Vec::with_capacity(align4(len));
    out.extend_from_slice(&(len as u32).to_ne_bytes());
    out.extend_from_slice(&msg_type.to_ne_bytes());
    out.extend_from_slice(&flags.to_ne_bytes());
    out.extend_from_slice(&seq.to_ne_bytes());
    out.extend_from_slice(&0u32.to_ne_bytes());
    out.extend_from_slice(&[family, 0, 0, 0]);
    out.extend_from_slice(body);
    out.resize(align4(len), 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_round_trips_through_the_message_iterator() {
        let bytes = encode_request(0x0101, NLM_F_REQUEST | NLM_F_DUMP, 7, 0, &[]);
        let all: Vec<_> = messages(&bytes).collect();
        assert_eq!(all.len(), 1);
        let m = all[0].clone().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((m.msg_type, m.flags, m.seq), (0x0101, 0x301, 7));
        assert_eq!(nfgen(m.payload).map(|n| n.family), Ok(0));
    }

    #[test]
    fn short_or_overlong_lengths_are_errors_not_panics() {
        assert!(matches!(messages(&[1, 2, 3]).next(), Some(Err(_))));
        let mut bytes = encode_request(1, 0, 0, 0, &[]);
        bytes[0] = 200;
        assert!(matches!(messages(&bytes).next(), Some(Err(_))));
        assert!(matches!(attributes(&[2, 0, 1, 0]).next(), Some(Err(_))));
        assert_eq!(attributes(&[0, 0]).next(), None);
    }

    #[test]
    fn attribute_flags_are_masked_off() {
        let buf = [8u8, 0, 0x01, 0x80, 1, 2, 3, 4];
        let a = attributes(&buf).next().and_then(Result::ok);
        assert_eq!(
            a,
            Some(Attribute {
                kind: 1,
                value: &[1, 2, 3, 4]
            })
        );
    }
}
