//! Conntrack netlink sockets of the network namespace they are opened in: an event
//! subscription (NEW and DESTROY multicast groups) and a one-shot dump of the whole table.
//! Socket overruns (ENOBUFS) come back as [`SocketError::Overrun`] so the caller can resync.

use super::entry::{ConntrackEntry, IPCTNL_MSG_CT_GET, NFNL_SUBSYS_CTNETLINK, parse_entry};
use super::wire::{self, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NLMSG_OVERRUN};
use crate::error::{SocketError, WireError};
use netlink_sys::{Socket, protocols::NETLINK_NETFILTER};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use std::os::fd::AsFd;
use std::time::Duration;

/// Multicast groups of ctnetlink events.
const NFNLGRP_CONNTRACK_NEW: u32 = 1;
const NFNLGRP_CONNTRACK_DESTROY: u32 = 3;
/// Receive buffer per `recv`: larger than any single datagram the kernel sends.
const DATAGRAM_BUFFER: usize = 64 * 1024;
/// How long a dump may stay silent before it is abandoned.
const DUMP_TIMEOUT: Duration = Duration::from_secs(10);

/// What one read from a socket produced.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// TCP, UDP and SCTP entries, in the order the kernel sent them.
    pub entries: Vec<ConntrackEntry>,
    /// Messages that could not be parsed (skipped).
    pub malformed: u64,
    /// The dump ended (`NLMSG_DONE`); always false for events.
    pub done: bool,
}

/// A subscription to conntrack NEW and DESTROY events.
#[derive(Debug)]
pub struct ConntrackEvents {
    socket: Socket,
    buffer: Vec<u8>,
}

impl ConntrackEvents {
    /// Opens the socket in the current network namespace and joins the event groups.
    /// `receive_buffer` is the kernel socket buffer in bytes (forced past `rmem_max` when the
    /// process has CAP_NET_ADMIN).
    pub fn subscribe(receive_buffer: usize) -> Result<Self, SocketError> {
        let socket = open("open")?;
        set_receive_buffer(&socket, receive_buffer);
        for group in [NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_DESTROY] {
            socket
                .add_membership(group)
                .map_err(|source| SocketError::Io {
                    action: "join the event groups of",
                    source,
                })?;
        }
        Ok(Self {
            socket,
            buffer: Vec::with_capacity(DATAGRAM_BUFFER),
        })
    }

    /// Waits up to `timeout` for one datagram of events. An empty batch means the wait timed
    /// out. `Err(SocketError::Overrun)` means events were lost: resync with [`dump`].
    pub fn recv(&mut self, timeout: Duration) -> Result<Batch, SocketError> {
        if !wait_readable(&self.socket, timeout)? {
            return Ok(Batch::default());
        }
        receive(&self.socket, &mut self.buffer, "receive events from")?;
        let mut batch = Batch::default();
        collect(&self.buffer, &mut batch);
        Ok(batch)
    }
}

/// Dumps the whole conntrack table (IPv4 and IPv6) of the current network namespace.
pub fn dump() -> Result<Batch, SocketError> {
    let socket = open("open the dump")?;
    let msg_type = u16::from_le_bytes([IPCTNL_MSG_CT_GET, NFNL_SUBSYS_CTNETLINK]);
    let request = wire::encode_request(msg_type, NLM_F_REQUEST | NLM_F_DUMP, 1, 0, &[]);
    socket.send(&request, 0).map_err(|source| SocketError::Io {
        action: "send a dump request on",
        source,
    })?;
    let mut buffer = Vec::with_capacity(DATAGRAM_BUFFER);
    let mut all = Batch::default();
    while !all.done {
        if !wait_readable(&socket, DUMP_TIMEOUT)? {
            return Err(SocketError::Io {
                action: "finish the dump on",
                source: std::io::ErrorKind::TimedOut.into(),
            });
        }
        receive(&socket, &mut buffer, "receive the dump from")?;
        collect(&buffer, &mut all);
    }
    Ok(all)
}

/// Parses every message of one datagram into `batch`.
fn collect(datagram: &[u8], batch: &mut Batch) {
    for message in wire::messages(datagram) {
        let message = match message {
            Ok(message) => message,
            Err(err) => {
                tracing::warn!(error = %err, "skipping a malformed netlink datagram");
                batch.malformed += 1;
                return;
            }
        };
        match message.msg_type {
            NLMSG_DONE => batch.done = true,
            NLMSG_ERROR => match error_code(message.payload) {
                Ok(0) => {}
                Ok(errno) => {
                    tracing::warn!(errno, "conntrack netlink error message");
                    batch.done = true;
                    batch.malformed += 1;
                }
                Err(_) => batch.malformed += 1,
            },
            NLMSG_OVERRUN => batch.malformed += 1,
            _ => match parse_entry(&message) {
                Ok(Some(entry)) => batch.entries.push(entry),
                Ok(None) => {}
                Err(err) => {
                    tracing::debug!(error = %err, "skipping a malformed conntrack message");
                    batch.malformed += 1;
                }
            },
        }
    }
}

/// The (positive) errno of an `NLMSG_ERROR` payload; 0 is an acknowledgement.
fn error_code(payload: &[u8]) -> Result<i32, WireError> {
    let bytes: [u8; 4] = payload
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or(WireError::Truncated("netlink error"))?;
    Ok(i32::from_ne_bytes(bytes).saturating_neg())
}

fn open(action: &'static str) -> Result<Socket, SocketError> {
    let mut socket =
        Socket::new(NETLINK_NETFILTER).map_err(|source| SocketError::Io { action, source })?;
    socket.bind_auto().map_err(|source| SocketError::Io {
        action: "bind",
        source,
    })?;
    Ok(socket)
}

fn set_receive_buffer(socket: &Socket, bytes: usize) {
    use nix::sys::socket::{setsockopt, sockopt};
    if setsockopt(&socket.as_fd(), sockopt::RcvBufForce, &bytes).is_err()
        && let Err(err) = socket.set_rx_buf_sz(bytes)
    {
        tracing::warn!(error = %err, bytes, "cannot size the conntrack socket buffer");
    }
}

fn wait_readable(socket: &Socket, timeout: Duration) -> Result<bool, SocketError> {
    let millis = u16::try_from(timeout.as_millis()).unwrap_or(u16::MAX);
    let mut fds = [PollFd::new(socket.as_fd(), PollFlags::POLLIN)];
    match poll(&mut fds, PollTimeout::from(millis)) {
        Ok(n) => Ok(n > 0),
        Err(Errno::EINTR) => Ok(false),
        Err(errno) => Err(SocketError::Io {
            action: "poll",
            source: errno.into(),
        }),
    }
}

fn receive(socket: &Socket, buffer: &mut Vec<u8>, action: &'static str) -> Result<(), SocketError> {
    buffer.clear();
    buffer.reserve(DATAGRAM_BUFFER);
    match socket.recv(buffer, 0) {
        Ok(_) => Ok(()),
        Err(err) if err.raw_os_error() == Some(Errno::ENOBUFS as i32) => Err(SocketError::Overrun),
        Err(source) => Err(SocketError::Io { action, source }),
    }
}
