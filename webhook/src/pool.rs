//! Evaluation off the async executor: each review runs on the blocking pool, under a semaphore
//! that bounds how many run at once, with one deadline covering the wait and the evaluation. A
//! blocking thread keeps its [`Evaluator`] (VM and data) between requests and rebuilds it only
//! when a reload changed the snapshot. A task past its deadline keeps its permit until it
//! finishes (the VM's instruction budget bounds that), so timeouts cannot pile up work.

use crate::state::{Snapshot, State};
use palisade_policies::Evaluator;
use std::cell::RefCell;
use std::sync::Arc;
use tokio::time::Instant;

thread_local! {
    static EVALUATOR: RefCell<Option<(u64, Evaluator)>> = const { RefCell::new(None) };
}

/// Why a blocking evaluation produced no answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The deadline passed (waiting for a slot or evaluating).
    Timeout,
    /// The evaluation task panicked or was cancelled.
    Crashed(String),
}

impl Failure {
    pub fn reason(&self) -> &'static str {
        match self {
            Failure::Timeout => "timeout",
            Failure::Crashed(_) => "error",
        }
    }
}

/// Runs `work` with this thread's evaluator for `snapshot`.
pub(crate) fn with_evaluator<T>(snapshot: &Snapshot, work: impl FnOnce(&mut Evaluator) -> T) -> T {
    EVALUATOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot
            .as_ref()
            .is_some_and(|(g, _)| *g != snapshot.generation)
        {
            *slot = None;
        }
        let (_, ev) = slot.get_or_insert_with(|| {
            let mut ev = snapshot.policies.engine.evaluator();
            ev.set_inventory(&snapshot.inventory);
            (snapshot.generation, ev)
        });
        work(ev)
    })
}

/// Runs `work` on the blocking pool within the server's concurrency limit and timeout.
pub(crate) async fn run<T: Send + 'static>(
    state: &Arc<State>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Failure> {
    let deadline = Instant::now() + state.options.timeout;
    let permit = tokio::time::timeout_at(deadline, state.evaluations.clone().acquire_owned())
        .await
        .map_err(|_| Failure::Timeout)?
        .map_err(|e| Failure::Crashed(e.to_string()))?;
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    });
    match tokio::time::timeout_at(deadline, task).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Failure::Crashed(e.to_string())),
        Err(_) => Err(Failure::Timeout),
    }
}
