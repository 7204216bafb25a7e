//! The policy engine's integration tests, in one test binary (one link instead of one per file).

mod batch;
mod engine;
mod host_mounts;
mod identity;
mod mutation;
mod mutation_psa;
mod overlap;
mod psa_conformance;
mod psa_verdict;
mod pss_agreement;
mod rbac_aggregate;
mod rbac_agreement;
mod verdict;
