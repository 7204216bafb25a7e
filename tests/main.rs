//! The `palisade` binary's integration tests, in one test binary (one link instead of one per file).

mod cli_audit;
mod cli_certs;
mod cli_closed_stdout;
mod cli_coverage;
mod cli_fix;
mod cli_flows;
mod cli_host_mounts;
mod cli_identity;
mod cli_lint;
mod cli_lint_inputs;
mod cli_netpol;
mod cli_netpol_apply;
mod cli_policies;
mod cli_rbac;
mod cli_rbac_rules;
mod cli_suggest;
mod e2e;
mod manifests;
mod real_world;
mod support;
