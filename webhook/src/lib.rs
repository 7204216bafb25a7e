//! Palisade's admission webhook: AdmissionReview v1 over TLS, judged by the same engine and the
//! same verdict as `palisade lint`, so a manifest that lints clean is admitted and one that fails
//! is denied with the same rule ids and messages.
//!
//! - `POST /validate` and `POST /mutate` on the TLS listener (HTTP/2 and HTTP/1.1, TLS 1.2+,
//!   rustls with the ring provider); `GET /healthz`, `/readyz` and `/metrics` on a plain-HTTP
//!   listener.
//! - Evaluation runs on the blocking pool under a concurrency limit and a per-request timeout;
//!   what happens on timeout or error is the configured [`FailureMode`].
//! - Certificates, policies, configuration and the inventory are reloaded when their files change,
//!   without dropping a request; a reload that fails keeps the last good state and says why.
//! - A live inventory (watched by the caller, fed through [`LiveInventory`]) replaces the file's;
//!   `/readyz` reports its sync and `/readyz/inventory` is ready only once it has synced.
//! - SIGTERM (or the shutdown future) turns readiness off, lets in-flight requests finish, exits.

mod error;
mod health;
mod live;
mod metrics;
mod options;
mod pool;
mod review;
mod routes;
mod serve;
mod state;
mod tls;
mod watch;

pub use error::WebhookError;
pub use live::LiveInventory;
pub use metrics::Metrics;
pub use options::{FailureMode, ServerOptions};
pub use review::{MUTATE_LABEL, MUTATE_LABEL_VALUE};
pub use serve::{Running, start};
pub use state::{PolicySet, Source};
