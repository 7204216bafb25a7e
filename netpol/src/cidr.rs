//! CIDR blocks and `ipBlock` (a CIDR minus its `except` blocks), IPv4 and IPv6.

use crate::error::FieldError;
use std::fmt;
use std::net::IpAddr;

/// A network: address with host bits cleared, and prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8` or `2001:db8::/32` (host bits set are cleared, as the API server's
    /// parser does).
    pub fn parse(text: &str) -> Option<Self> {
        let (addr, prefix) = text.trim().split_once('/')?;
        let addr: IpAddr = addr.parse().ok()?;
        let prefix: u8 = prefix.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then(|| Self::new(addr, prefix))
    }

    /// The network of `addr` at `prefix` bits.
    pub fn new(addr: IpAddr, prefix: u8) -> Self {
        let network = match addr {
            IpAddr::V4(a) => IpAddr::V4((u32::from(a) & mask32(prefix)).into()),
            IpAddr::V6(a) => IpAddr::V6((u128::from(a) & mask128(prefix)).into()),
        };
        Self { network, prefix }
    }

    /// The single-address block of `ip` (`/32` or `/128`).
    pub fn host(ip: IpAddr) -> Self {
        Self::new(ip, if ip.is_ipv4() { 32 } else { 128 })
    }

    pub fn network(&self) -> IpAddr {
        self.network
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether `ip` is inside (never across address families).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => u32::from(a) & mask32(self.prefix) == u32::from(n),
            (IpAddr::V6(n), IpAddr::V6(a)) => u128::from(a) & mask128(self.prefix) == u128::from(n),
            _ => false,
        }
    }

    /// Whether `other` lies wholly inside this block.
    pub fn covers(&self, other: &Cidr) -> bool {
        other.prefix >= self.prefix && self.contains(other.network)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn mask32(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    }
}

fn mask128(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(prefix.min(128)))
    }
}

/// A NetworkPolicy `ipBlock`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IpBlock {
    pub cidr: Cidr,
    pub except: Vec<Cidr>,
}

impl IpBlock {
    /// Parses an `ipBlock` at `field`; each `except` must lie strictly inside `cidr`, as the API
    /// server requires.
    pub fn parse(value: &serde_json::Value, field: &str) -> Result<Self, FieldError> {
        let text = value
            .get("cidr")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| FieldError::new(format!("{field}.cidr"), "is required"))?;
        let cidr = Cidr::parse(text).ok_or_else(|| {
            FieldError::new(
                format!("{field}.cidr"),
                format!("{text:?} is not a valid CIDR"),
            )
        })?;
        let mut except = Vec::new();
        if let Some(items) = value.get("except").and_then(serde_json::Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                let at = format!("{field}.except[{i}]");
                let text = item
                    .as_str()
                    .ok_or_else(|| FieldError::new(&at, "must be a CIDR string"))?;
                let block = Cidr::parse(text)
                    .ok_or_else(|| FieldError::new(&at, format!("{text:?} is not a valid CIDR")))?;
                if !cidr.covers(&block) || block.prefix == cidr.prefix {
                    return Err(FieldError::new(
                        &at,
                        format!("{block} must be a strict subset of {cidr}"),
                    ));
                }
                except.push(block);
            }
        }
        Ok(Self { cidr, except })
    }

    /// Whether `ip` is in the block and in none of its exceptions.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.cidr.contains(ip) && !self.except.iter().any(|e| e.contains(ip))
    }
}

impl fmt::Display for IpBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.cidr)?;
        for e in &self.except {
            write!(f, " except {e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn blocks_contain_their_addresses_minus_exceptions() {
        let b = IpBlock::parse(
            &json!({"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}),
            "b",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(b.contains(ip("10.2.3.4")));
        assert!(!b.contains(ip("10.1.3.4")));
        assert!(!b.contains(ip("11.0.0.1")));
        assert!(!b.contains(ip("::ffff:10.2.3.4")), "families never mix");
        let v6 = IpBlock::parse(
            &json!({"cidr": "2001:db8::/32", "except": ["2001:db8:1::/48"]}),
            "b",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(v6.contains(ip("2001:db8:2::1")));
        assert!(!v6.contains(ip("2001:db8:1::1")));
        let all =
            IpBlock::parse(&json!({"cidr": "0.0.0.0/0"}), "b").unwrap_or_else(|e| panic!("{e}"));
        assert!(all.contains(ip("198.18.0.1")));
    }

    #[test]
    fn host_bits_are_cleared_and_bad_blocks_rejected() {
        assert_eq!(
            Cidr::parse("10.1.2.3/8").map(|c| c.to_string()),
            Some("10.0.0.0/8".into())
        );
        for (value, field) in [
            (json!({"cidr": "10.0.0.0/33"}), "b.cidr"),
            (json!({"cidr": "ten"}), "b.cidr"),
            (json!({}), "b.cidr"),
            (
                json!({"cidr": "10.0.0.0/8", "except": ["11.0.0.0/16"]}),
                "b.except[0]",
            ),
            (
                json!({"cidr": "10.0.0.0/8", "except": ["10.0.0.0/8"]}),
                "b.except[0]",
            ),
        ] {
            let err = IpBlock::parse(&value, "b")
                .err()
                .unwrap_or_else(|| panic!("{value}"));
            assert_eq!(err.field, field);
        }
    }
}
