//! Argument structures for every command, validated into typed values by clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use palisade_policies::{PssLevel, PssVersion, Severity};
use std::path::PathBuf;

/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage or input error.
pub const EXIT_INPUT: u8 = 2;

/// Keeps Kubernetes clusters least-privileged: Pod Security and RBAC policies in CI and at admission.
#[derive(Debug, Parser)]
#[command(name = "palisade", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint manifests (files, directories, or `-` for stdin) with the policy library.
    Lint(LintArgs),
    /// Judge the objects already in a cluster, as lint judges manifests.
    Audit(crate::audit_cmd::AuditArgs),
    /// List the rule catalogue.
    Rules(RulesArgs),
    /// Run the `test_*` rules of Rego policies (the built-in library when no path is given).
    Test(TestArgs),
    /// Record which pods talk to which, from the conntrack table (run in the node's network namespace).
    Probe(crate::probe_cmd::ProbeArgs),
    /// Work with flow records: import captures from other tools.
    Flows(crate::flows_cmd::FlowsArgs),
    /// Run the admission webhook (AdmissionReview v1 over TLS: POST /validate, /mutate).
    Webhook(Box<crate::webhook_cmd::WebhookArgs>),
    /// Certificates for the admission webhook: CA, serving certificate, rotation, caBundle.
    Certs(crate::certs_cmd::CertsArgs),
    /// NetworkPolicy tools: simulate observed flows against policies.
    Netpol(crate::netpol_cmd::NetpolArgs),
    /// RBAC questions answered offline on manifests: who-can, show.
    Rbac(crate::rbac_cmd::RbacArgs),
}

/// Policy selection shared by every command that evaluates.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Pod Security level to enforce.
    #[arg(long, value_parser = parse_level)]
    pub pss_level: Option<PssLevel>,
    /// Pod Security Standards version: `latest` or `v1.0`…`v1.37`.
    #[arg(long, value_parser = parse_version)]
    pub pss_version: Option<PssVersion>,
    /// Directory (or file) of user Rego policies, added to the built-ins. Repeatable.
    #[arg(long = "policies", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Use only user policies (`--policies`), not the built-in library.
    #[arg(long)]
    pub no_builtin: bool,
    /// Configuration file (default: `.palisade.yaml` in the current directory, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// How a report is written and when it fails: shared by `lint` and `audit`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, short = 'f', default_value = "human", value_parser = ["human", "json", "sarif", "junit", "github"])]
    pub format: String,
    /// Exit with 1 when a `deny` finding is at or above this severity [default: medium, or the config's fail-on].
    #[arg(long, value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Less output: no per-file headers when clean, no progress, no skipped-document notices.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The Kubernetes client, configured as kubectl's: shared by the commands that only call the API.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// Kubeconfig file [default: KUBECONFIG, ~/.kube/config, else the pod's service account].
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use [default: its current context].
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
}

impl ClusterArgs {
    pub fn settings(&self) -> palisade_cluster::ClientSettings {
        palisade_cluster::ClientSettings {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint (`.yaml`, `.yml`, `.json`, recursively); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Write the fixes of the rules that report findings (the restricted defaults) into the
    /// files, then report on the fixed text.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: print the fixes as a unified diff on stdout instead of writing the files (the
    /// report goes to --output, or to stderr).
    #[arg(long, requires = "fix")]
    pub diff: bool,
    /// Accept a PATH that holds no Kubernetes object (by default that is an input error: a
    /// mistyped CI path must not pass).
    #[arg(long)]
    pub allow_empty: bool,
    /// Observed flows (flow records, MicroShield flows.json, Hubble JSON), repeatable:
    /// NETPOL-FLOW-BLOCKED reports each one the NetworkPolicies in PATH would drop; with --fix,
    /// NetworkPolicies for the workloads no policy covers are written next to their manifests.
    #[arg(long = "flows", value_name = "FILE")]
    pub flows: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format.
    #[arg(long, short = 'f', default_value = "human", value_parser = ["human", "json"])]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Directories or files of Rego policies and their `*_test.rego` modules.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print passing tests too.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn parse_level(s: &str) -> Result<PssLevel, String> {
    s.parse()
}

pub fn parse_version(s: &str) -> Result<PssVersion, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// A duration: `500ms`, `2s`, `1m`, `1h` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration `{s}` (expected e.g. 500ms, 2s, 1m)"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("invalid duration unit in `{s}` (ms, s, m or h)")),
    };
    std::time::Duration::try_from_secs_f64(seconds)
        .map_err(|e| format!("invalid duration `{s}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("2 weeks").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
