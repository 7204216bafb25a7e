//! Conntrack over netlink: framing ([`wire`]), ctnetlink entries ([`entry`]), the event and
//! dump sockets ([`socket`]), and an encoder for synthesised messages ([`encode`]).

pub mod encode;
pub mod entry;
pub mod socket;
pub mod wire;

pub use entry::{ConntrackEntry, EntryChange, Tuple, parse_entry};
pub use socket::{Batch, ConntrackEvents, dump};
