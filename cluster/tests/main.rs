//! palisade-cluster against a fake API server (`palisade-fake-api`): the live inventory's
//! reflectors through list, watch, bookmarks, disconnects, 410 Gone and pagination, and the
//! kinds the probe watches.

mod managed_certs;
mod probe_kinds;
mod reflectors;
mod support;
