//! End to end: the real `palisade webhook` binary, started on loopback with certificates from
//! `palisade certs generate`, and a harness that plays the API server's part — it reads the
//! webhook configurations from `manifests/webhook/`, trusts only their caBundle, verifies the
//! serving certificate by the Service's DNS name, honours rules, selectors, timeouts, failure
//! policies and review versions, runs mutating webhooks before validating ones and applies their
//! patches.
//!
//! Run: `cargo test --release --test integration e2e`. Each group below starts one webhook and
//! runs its cases in order, reporting each case by name (`e2e::admission` runs
//! `privileged_pod_denied`, …); a failing case fails its group and the others still run.
//! `kind.sh` runs the same checks against a real kind cluster where Docker is available (an
//! ignored test here).

mod harness;
mod objects;

mod admission;
mod equivalence;
mod failure_policy;
mod fixtures;
mod kind;
mod live_inventory;
mod managed_certs;
mod mutation;
mod reload;
mod robustness;
mod selection;
mod tls;
