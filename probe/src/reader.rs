//! The conntrack reader loop (a dedicated thread): events into the flow tracker; on a socket
//! overrun (ENOBUFS) it logs, counts, and re-dumps the table to resynchronise. It never exits
//! on its own; other socket errors are logged and retried with a pause.

use crate::conntrack::{Batch, ConntrackEvents, EntryChange, dump};
use crate::error::SocketError;
use crate::http::ProbeState;
use crate::metrics::Metrics;
use crate::tracker::EntrySource;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long one wait for events lasts before the stop flag is checked again.
const POLL_INTERVAL: Duration = Duration::from_millis(200);
/// Pause after an unexpected socket error.
const ERROR_PAUSE: Duration = Duration::from_secs(1);

/// Reads the initial dump into the tracker (call after subscribing, so nothing falls between).
pub fn initial_dump(state: &ProbeState) -> Result<(), SocketError> {
    let batch = dump()?;
    apply_dump(state, &batch);
    Ok(())
}

/// Runs until `stop` is set.
pub fn read_events(mut events: ConntrackEvents, state: Arc<ProbeState>, stop: Arc<AtomicBool>) {
    state.reader_alive.store(true, Ordering::Relaxed);
    let mut resync_pending = false;
    while !stop.load(Ordering::Relaxed) {
        if resync_pending {
            resync_pending = !resync(&state);
        }
        match events.recv(POLL_INTERVAL) {
            Ok(batch) => apply_events(&state, &batch),
            Err(SocketError::Overrun) => {
                Metrics::add(&state.metrics.enobufs, 1);
                tracing::warn!("conntrack socket overrun (ENOBUFS): events lost, resynchronising");
                resync_pending = true;
            }
            Err(err) => {
                tracing::error!(error = %err, "conntrack socket error; retrying");
                std::thread::sleep(ERROR_PAUSE);
            }
        }
    }
    state.reader_alive.store(false, Ordering::Relaxed);
}

/// Re-dumps the table; false when the dump failed (it is retried).
fn resync(state: &ProbeState) -> bool {
    match dump() {
        Ok(batch) => {
            Metrics::add(&state.metrics.resyncs, 1);
            tracing::info!(
                entries = batch.entries.len(),
                "conntrack table resynchronised"
            );
            apply_dump(state, &batch);
            true
        }
        Err(err) => {
            tracing::error!(error = %err, "conntrack resync failed; retrying");
            false
        }
    }
}

fn apply_dump(state: &ProbeState, batch: &Batch) {
    let metrics = &state.metrics;
    Metrics::add(&metrics.dump_entries, batch.entries.len() as u64);
    Metrics::add(&metrics.malformed, batch.malformed);
    state
        .tracker()
        .apply_dump(&batch.entries, chrono::Utc::now());
}

fn apply_events(state: &ProbeState, batch: &Batch) {
    let metrics = &state.metrics;
    Metrics::add(&metrics.malformed, batch.malformed);
    if batch.entries.is_empty() {
        return;
    }
    let now = chrono::Utc::now();
    let mut tracker = state.tracker();
    for entry in &batch.entries {
        let counter = match entry.change {
            EntryChange::New => &metrics.events_new,
            EntryChange::Destroy => &metrics.events_destroy,
        };
        Metrics::add(counter, 1);
        tracker.apply(entry, EntrySource::Event, now);
    }
}
