//! Palisade's flow probe: which pods really talk to which, from the kernel's conntrack table.
//!
//! [`conntrack`] reads entries over netlink (initial dump, NEW and DESTROY events);
//! [`attribution`] resolves addresses against an [`inventory`] (pods, Services, nodes) and
//! undoes Service DNAT with the reply tuple; [`tracker`] and [`aggregate`] count connections
//! per (source workload, destination workload or Service, port, protocol); [`sink`] and
//! [`http`] publish [`record::FlowRecord`]s; [`import`] turns MicroShield and Hubble captures
//! into the same records; [`runner`] ties it together for `palisade probe`.

pub mod aggregate;
pub mod attribution;
pub mod conntrack;
pub mod error;
pub mod http;
pub mod import;
pub mod inventory;
pub mod live_entries;
pub mod metrics;
pub mod reader;
pub mod record;
pub mod runner;
pub mod sink;
pub mod tracker;

pub use error::{ImportError, InventoryError, ProbeError, SinkError, SocketError, WireError};
pub use record::{Endpoint, FlowRecord, Proto};
