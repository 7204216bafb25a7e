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
    /// List the rule catalogue.
    Rules(RulesArgs),
    /// Run the `test_*` rules of Rego policies (the built-in library when no path is given).
    Test(TestArgs),
    /// Record which pods talk to which, from the conntrack table (run in the node's network namespace).
    Probe(crate::probe_cmd::ProbeArgs),
    /// Work with flow records: import captures from other tools.
    Flows(crate::flows_cmd::FlowsArgs),
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

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint (`.yaml`, `.yml`, `.json`, recursively); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format.
    #[arg(long, short = 'f', default_value = "human", value_parser = ["human", "json", "sarif", "junit", "github"])]
    pub format: String,
    /// Exit with 1 when a finding is at or above this severity [default: low, or the config's fail-on].
    #[arg(long, value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Less output: no per-file headers when clean, no skipped-document notices.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the fixes of the rules that report findings (the restricted defaults) into the
    /// files, then report on the fixed text.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: print the fixes as a unified diff on stdout instead of writing the files (the
    /// report goes to --output, or to stderr).
    #[arg(long, requires = "fix")]
    pub diff: bool,
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

fn parse_level(s: &str) -> Result<PssLevel, String> {
    s.parse()
}

fn parse_version(s: &str) -> Result<PssVersion, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}
