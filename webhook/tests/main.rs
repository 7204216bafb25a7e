//! The webhook library in process: a server started with [`palisade_webhook::start`] on loopback,
//! called over real TLS. The API-server harness (root `tests/e2e.rs`) drives the binary; these
//! tests cover what is easier to reach from inside: failure modes, metrics and reloads.

mod cert_reload;
mod failure_modes;
mod support;
