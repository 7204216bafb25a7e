//! Evaluation off the async executor: a fixed set of evaluator threads (`--concurrency`), each
//! owning its [`Evaluator`] (VM and data, rebuilt only when a reload changed the snapshot), takes
//! reviews from one queue. A thread that finishes a review takes the next one without going to
//! sleep, so under load reviews do not pay a thread wake-up each (the blocking pool plus a
//! semaphore did: ~10% of the CPU went to futex waits and task switches). One deadline covers
//! the wait in the queue and the evaluation; a review still queued when it passes is dropped
//! unevaluated, one already running finishes (the VM's instruction budget bounds it) and its
//! answer is discarded.

use crate::state::Snapshot;
use palisade_policies::Evaluator;
use std::panic::{AssertUnwindSafe, catch_unwind};
use tokio::time::Instant;

/// Reviews queued at most; beyond that a review fails at once as overloaded.
const QUEUE: usize = 4096;

/// Why an evaluation produced no answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The deadline passed (waiting in the queue or evaluating).
    Timeout,
    /// The queue is full.
    Overloaded,
    /// The evaluation panicked.
    Crashed(String),
}

impl Failure {
    pub fn reason(&self) -> &'static str {
        match self {
            Failure::Timeout => "timeout",
            Failure::Overloaded => "overloaded",
            Failure::Crashed(_) => "error",
        }
    }
}

/// One evaluator thread's evaluator, for the snapshot it was built for.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    cached: Option<(u64, Evaluator)>,
}

impl Slot {
    /// This thread's evaluator for `snapshot`.
    pub fn evaluator(&mut self, snapshot: &Snapshot) -> &mut Evaluator {
        if self
            .cached
            .as_ref()
            .is_some_and(|(g, _)| *g != snapshot.generation)
        {
            self.cached = None;
        }
        let (_, ev) = self.cached.get_or_insert_with(|| {
            let mut ev = snapshot.policies.engine.evaluator();
            ev.set_inventory(&snapshot.inventory);
            (snapshot.generation, ev)
        });
        ev
    }
}

type Job = Box<dyn FnOnce(&mut Slot) + Send>;

/// The evaluator threads and their queue. Dropping it ends the threads once the queue is empty.
#[derive(Debug)]
pub(crate) struct Pool {
    queue: crossbeam_channel::Sender<Job>,
}

impl Pool {
    /// Starts `threads` evaluator threads.
    pub fn new(threads: usize) -> std::io::Result<Pool> {
        let (queue, jobs) = crossbeam_channel::bounded::<Job>(QUEUE);
        for i in 0..threads.max(1) {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name(format!("palisade-eval-{i}"))
                .spawn(move || {
                    let mut slot = Slot::default();
                    while let Ok(job) = jobs.recv() {
                        job(&mut slot);
                    }
                })?;
        }
        Ok(Pool { queue })
    }

    /// Runs `work` on an evaluator thread, answering by `deadline`.
    pub async fn run<T: Send + 'static>(
        &self,
        deadline: Instant,
        work: impl FnOnce(&mut Slot) -> T + Send + 'static,
    ) -> Result<T, Failure> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let until = deadline.into_std();
        let job: Job = Box::new(move |slot| {
            if std::time::Instant::now() >= until || answer.is_closed() {
                return;
            }
            let result = catch_unwind(AssertUnwindSafe(|| work(slot)));
            if result.is_err() {
                // The evaluator may be half-way through a change: start afresh.
                *slot = Slot::default();
            }
            let _ = answer.send(result.map_err(|panic| {
                panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "evaluation panicked".into())
            }));
        });
        self.queue.try_send(job).map_err(|e| match e {
            crossbeam_channel::TrySendError::Full(_) => Failure::Overloaded,
            crossbeam_channel::TrySendError::Disconnected(_) => {
                Failure::Crashed("evaluator threads are gone".into())
            }
        })?;
        match tokio::time::timeout_at(deadline, answered).await {
            Ok(Ok(Ok(value))) => Ok(value),
            Ok(Ok(Err(panic))) => Err(Failure::Crashed(panic)),
            // Dropped unevaluated: its deadline had passed when a thread took it.
            Ok(Err(_)) | Err(_) => Err(Failure::Timeout),
        }
    }
}
