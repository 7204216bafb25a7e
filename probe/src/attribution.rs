//! Conntrack entry → flow: the source is the original tuple's source; the destination is the
//! reply tuple's source (the real backend after Service DNAT) with the Service named from the
//! original destination. Addresses are attributed to pods, nodes or left as plain IPs.

use crate::aggregate::{FlowKey, PeerKey};
use crate::conntrack::ConntrackEntry;
use crate::inventory::{Inventory, Owned};
use crate::record::Endpoint;
use std::net::IpAddr;
use std::sync::Arc;

/// One side of an attributed flow.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub ip: IpAddr,
    pub owner: Owned<'a>,
}

impl Side<'_> {
    fn key(&self) -> PeerKey {
        match self.owner {
            Owned::Pod(pod) => pod.key.clone(),
            Owned::Host(node) => PeerKey::Host(node.clone()),
            Owned::Unknown => PeerKey::Ip(self.ip),
        }
    }

    /// The record endpoint for this side.
    pub fn endpoint(&self) -> Endpoint {
        match self.owner {
            Owned::Pod(pod) => pod.endpoint(self.ip),
            Owned::Host(node) => Endpoint {
                ip: Some(self.ip),
                host: Some(node.to_string()),
                ..Endpoint::default()
            },
            Owned::Unknown => Endpoint {
                ip: Some(self.ip),
                ..Endpoint::default()
            },
        }
    }
}

/// A conntrack entry resolved against the inventory.
#[derive(Debug, Clone)]
pub struct AttributedFlow<'a> {
    pub key: FlowKey,
    pub src: Side<'a>,
    pub dst: Side<'a>,
}

impl AttributedFlow<'_> {
    /// Representative endpoints for a new flow record.
    pub fn endpoints(&self) -> (Endpoint, Endpoint) {
        (self.src.endpoint(), self.dst.endpoint())
    }
}

/// Attributes `entry`. `None` for loopback traffic, which never crosses a pod boundary.
pub fn attribute<'a>(
    inventory: &'a Inventory,
    node: &Arc<str>,
    entry: &ConntrackEntry,
) -> Option<AttributedFlow<'a>> {
    let original = &entry.original;
    if original.src.is_loopback() || original.dst.is_loopback() {
        return None;
    }
    let service = inventory.service_at(&original.dst).cloned();
    let (backend, port) = if entry.is_dnat() {
        (entry.reply.src, entry.reply.src_port)
    } else {
        (original.dst, original.dst_port)
    };
    let src = Side {
        ip: original.src,
        owner: inventory.owner_of(&original.src),
    };
    let dst = Side {
        ip: backend,
        owner: inventory.owner_of(&backend),
    };
    let key = FlowKey {
        node: node.clone(),
        proto: entry.proto,
        src: src.key(),
        dst: dst.key(),
        service,
        dst_port: port,
    };
    Some(AttributedFlow { key, src, dst })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conntrack::{EntryChange, Tuple};
    use crate::inventory::PodInfo;
    use crate::record::Proto;
    use std::collections::BTreeMap;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn entry(orig: (&str, u16, &str, u16), reply: (&str, u16, &str, u16)) -> ConntrackEntry {
        ConntrackEntry {
            change: EntryChange::New,
            proto: Proto::Tcp,
            id: Some(1),
            original: Tuple {
                src: ip(orig.0),
                src_port: orig.1,
                dst: ip(orig.2),
                dst_port: orig.3,
            },
            reply: Tuple {
                src: ip(reply.0),
                src_port: reply.1,
                dst: ip(reply.2),
                dst_port: reply.3,
            },
        }
    }

    fn inventory() -> Inventory {
        let mut inv = Inventory::default();
        let labels: BTreeMap<String, String> = [("app".to_owned(), "web".to_owned())].into();
        inv.insert_pod(
            ip("198.18.0.20"),
            PodInfo::new("shop", "client", None, &BTreeMap::new()),
        );
        inv.insert_pod(
            ip("198.18.0.30"),
            PodInfo::new("shop", "web-1", Some("Deployment/web".into()), &labels),
        );
        inv.insert_service(ip("198.18.100.1"), "shop/web");
        inv.insert_host(ip("198.18.0.1"), "node-a");
        inv
    }

    #[test]
    fn dnat_resolves_the_backend_from_the_reply_tuple() {
        let inv = inventory();
        let node: Arc<str> = "node-a".into();
        let e = entry(
            ("198.18.0.20", 40000, "198.18.100.1", 80),
            ("198.18.0.30", 8080, "198.18.0.20", 40000),
        );
        let flow = attribute(&inv, &node, &e).unwrap_or_else(|| panic!("not attributed"));
        assert_eq!(flow.key.service.as_deref(), Some("shop/web"));
        assert_eq!(flow.key.dst_port, 8080);
        assert_eq!(
            flow.key.src,
            PeerKey::Pod {
                namespace: "shop".into(),
                pod: "client".into()
            }
        );
        let (_, dst) = flow.endpoints();
        assert_eq!(dst.workload.as_deref(), Some("Deployment/web"));
        assert_eq!(dst.ip, Some(ip("198.18.0.30")));
    }

    #[test]
    fn hosts_and_strangers_are_not_pods() {
        let inv = inventory();
        let node: Arc<str> = "node-a".into();
        let e = entry(
            ("198.18.0.1", 5, "198.19.9.9", 443),
            ("198.19.9.9", 443, "198.18.0.1", 5),
        );
        let flow = attribute(&inv, &node, &e).unwrap_or_else(|| panic!("not attributed"));
        assert_eq!(flow.key.src, PeerKey::Host("node-a".into()));
        assert_eq!(flow.key.dst, PeerKey::Ip(ip("198.19.9.9")));
        assert_eq!(flow.key.service, None);
        let lo = entry(
            ("127.0.0.1", 5, "127.0.0.1", 80),
            ("127.0.0.1", 80, "127.0.0.1", 5),
        );
        assert!(attribute(&inv, &node, &lo).is_none());
    }
}
