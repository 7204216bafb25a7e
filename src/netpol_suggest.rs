//! `palisade netpol suggest --flows FILE… [PATH…]`: NetworkPolicies synthesised from observed
//! flows and the manifests, one per workload (or per namespace), written to stdout or to
//! `DIR/<namespace>.networkpolicies.yaml`. `--select`/`--exclude` choose connections;
//! `--interactive` lets the user select and cancel them by number before generating.

use crate::netpol_cmd::load_world;
use anyhow::{Context, Result, bail};
use palisade_netpol::World;
use palisade_netpol::cidr::Cidr;
use palisade_netpol::suggest::aggregate::{Aggregate, aggregate_files};
use palisade_netpol::suggest::build::PolicyPlan;
use palisade_netpol::suggest::select::{Expr, choose};
use palisade_netpol::suggest::{Scope, SuggestOptions, manifest_workloads, render, suggest_each};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// What policies are made from, and how: shared by `suggest` and `apply`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Observed flows: flow records, a MicroShield flows.json or a Hubble JSON export. Repeatable.
    #[arg(long = "flows", value_name = "FILE", required = true)]
    pub flows: Vec<PathBuf>,
    /// Manifests: Namespaces, workloads, Services (`-` reads stdin). Without any, every
    /// namespace the flows name gets policies, from the labels the flows carry.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Namespace of objects that name none.
    #[arg(long, short = 'n', default_value = "default", value_name = "NS")]
    pub namespace: String,
    /// One policy per workload, or one for all pods of each namespace.
    #[arg(long, value_enum, default_value = "workload")]
    pub scope: ScopeArg,
    /// Allow cluster DNS (UDP and TCP 53, to the DNS pods by their labels) in every egress policy.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub allow_dns: bool,
    /// External addresses inside CIDR are allowed as the whole CIDR (else one /32 or /128
    /// each). Repeatable, or comma-separated.
    #[arg(long = "external-cidr", value_name = "CIDR", value_delimiter = ',', value_parser = parse_cidr)]
    pub external_cidrs: Vec<Cidr>,
    /// Add a default-deny policy (DNS still allowed) to each namespace whose workloads were all
    /// observed for at least --min-window.
    #[arg(long)]
    pub default_deny: bool,
    /// With --default-deny: add it also to namespaces with workloads observed for less.
    #[arg(long, requires = "default_deny")]
    pub force: bool,
    /// Observation window (first to last flow) a workload needs; shorter ones are reported.
    #[arg(long, default_value = "24h", value_parser = crate::cli::parse_duration, value_name = "DURATION")]
    pub min_window: Duration,
    /// Only connections matching EXPR (`src=NS/KIND/NAME`, `dst=…`, `src-ns=NS`, `dst-ns=NS`,
    /// `ns=NS`, `port=N[-M]`, `proto=TCP`; comma = AND). Repeatable: any of them.
    #[arg(long = "select", value_name = "EXPR")]
    pub select: Vec<Expr>,
    /// Leave out connections matching EXPR (same syntax). Repeatable.
    #[arg(long = "exclude", value_name = "EXPR")]
    pub exclude: Vec<Expr>,
    /// Prefix of policy names.
    #[arg(long = "name", value_name = "PREFIX", default_value = "palisade-", value_parser = parse_prefix)]
    pub name: String,
}

#[derive(Debug, clap::Args)]
pub struct SuggestArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Write `DIR/<namespace>.networkpolicies.yaml` files instead of printing.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// List the connections numbered and read commands: `s N` select, `c N` cancel
    /// (N, N-M or `all`), `l` list, `g` generate, `q` quit.
    #[arg(long)]
    pub interactive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScopeArg {
    Workload,
    Namespace,
}

fn parse_cidr(text: &str) -> Result<Cidr, String> {
    Cidr::parse(text).ok_or_else(|| format!("{text:?} is not a CIDR (e.g. 203.0.113.0/24)"))
}

fn parse_prefix(text: &str) -> Result<String, String> {
    if text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && !text.starts_with(['-', '.'])
    {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?}: a policy name prefix is lowercase letters, digits, '-' and '.'"
        ))
    }
}

impl PlanArgs {
    pub fn options(&self) -> SuggestOptions {
        SuggestOptions {
            scope: match self.scope {
                ScopeArg::Workload => Scope::Workload,
                ScopeArg::Namespace => Scope::Namespace,
            },
            allow_dns: self.allow_dns,
            external_cidrs: self.external_cidrs.clone(),
            default_deny: self.default_deny,
            force: self.force,
            min_window: self.min_window,
            name_prefix: self.name.clone(),
            only: None,
        }
    }
}

/// The connections observed, and which of them the policies are to allow.
pub struct Planned {
    pub opts: SuggestOptions,
    /// (namespace, workload) of every workload in the manifests.
    pub manifest: Vec<(String, String)>,
    pub agg: Aggregate,
    pub chosen: Vec<bool>,
}

impl PlanArgs {
    /// Reads the manifests and the flows, and chooses the connections (`--select`, `--exclude`).
    pub fn planned(&self) -> Result<Planned> {
        let world = if self.paths.is_empty() {
            eprintln!(
                "palisade: note: no manifests given: every namespace the flows name gets policies, from the labels the flows carry"
            );
            World::default()
        } else {
            load_world(&self.paths, &self.namespace)?
        };
        let opts = self.options();
        let agg = aggregate_files(&world, &self.flows, &opts.external_cidrs)?;
        for w in &agg.warnings {
            eprintln!("palisade: warning: {w}");
        }
        let manifest = manifest_workloads(&world);
        let chosen = choose(&agg.connections, &self.select, &self.exclude);
        Ok(Planned {
            opts,
            manifest,
            agg,
            chosen,
        })
    }
}

impl Planned {
    /// Makes the policies, handing each to `each` as it is made; prints the notes.
    pub fn each(
        &self,
        each: &mut dyn FnMut(PolicyPlan) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let notes = suggest_each(
            &self.manifest,
            &self.agg.connections,
            &self.chosen,
            &self.opts,
            each,
        )?;
        for note in &notes {
            eprintln!("palisade: note: {note}");
        }
        Ok(())
    }
}

pub fn run(args: SuggestArgs) -> Result<ExitCode> {
    let mut planned = args.plan.planned()?;
    if args.interactive && !interact(&planned.agg, &mut planned.chosen)? {
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = Output::new(args.out.as_deref());
    planned
        .each(&mut |plan| out.write(&plan))
        .map_err(|e| out.error(e))?;
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// Where policies go as they are made: stdout, or `DIR/<namespace>.networkpolicies.yaml`
/// (each file written whole, namespace after namespace).
struct Output<'a> {
    dir: Option<&'a Path>,
    stdout: std::io::BufWriter<std::io::StdoutLock<'static>>,
    current: Option<Namespace>,
    /// The file being written (None: stdout), to name in an error.
    at: Option<PathBuf>,
    namespaces: usize,
}

/// The namespace being written: its file with `--out`, and the policies written so far.
struct Namespace {
    name: String,
    file: Option<std::io::BufWriter<std::fs::File>>,
    policies: usize,
}

impl<'a> Output<'a> {
    fn new(dir: Option<&'a Path>) -> Self {
        Self {
            dir,
            stdout: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
            current: None,
            at: None,
            namespaces: 0,
        }
    }

    fn write(&mut self, plan: &PolicyPlan) -> std::io::Result<()> {
        if self
            .current
            .as_ref()
            .is_none_or(|c| c.name != plan.namespace)
        {
            self.close()?;
            let file = match self.dir {
                Some(dir) => {
                    let path = dir.join(format!("{}.networkpolicies.yaml", plan.namespace));
                    self.at = Some(path.clone());
                    std::fs::create_dir_all(dir)?;
                    let file = std::fs::File::create(&path)?;
                    Some(std::io::BufWriter::with_capacity(1 << 16, file))
                }
                None => None,
            };
            self.current = Some(Namespace {
                name: plan.namespace.clone(),
                file,
                policies: 0,
            });
            self.namespaces += 1;
            self.sink()
                .write_all(render::file_header(&plan.namespace).as_bytes())?;
        }
        let text = render::policy(plan);
        let sink = self.sink();
        sink.write_all(b"---\n")?;
        sink.write_all(text.as_bytes())?;
        if let Some(current) = &mut self.current {
            current.policies += 1;
        }
        Ok(())
    }

    fn sink(&mut self) -> &mut dyn Write {
        match self.current.as_mut().and_then(|c| c.file.as_mut()) {
            Some(file) => file,
            None => &mut self.stdout,
        }
    }

    /// Ends the namespace being written.
    fn close(&mut self) -> std::io::Result<()> {
        if let Some(Namespace {
            file: Some(mut file),
            policies,
            ..
        }) = self.current.take()
        {
            file.flush()?;
            if let Some(path) = &self.at {
                eprintln!("palisade: wrote {policies} policies to {}", path.display());
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        self.close().map_err(|e| self.error(e))?;
        self.stdout.flush().context("cannot write to stdout")?;
        if self.namespaces == 0 {
            eprintln!("palisade: no policy suggested (no chosen connection names a workload)");
        }
        Ok(())
    }

    fn error(&self, e: std::io::Error) -> anyhow::Error {
        match &self.at {
            Some(path) => anyhow::Error::new(e).context(format!("cannot write {}", path.display())),
            None => anyhow::Error::new(e).context("cannot write to stdout"),
        }
    }
}

/// MicroShield's generator panel on a terminal: returns whether to generate.
fn interact(agg: &Aggregate, chosen: &mut [bool]) -> Result<bool> {
    let mut err = std::io::stderr().lock();
    let list = |err: &mut std::io::StderrLock<'_>, chosen: &[bool]| -> Result<()> {
        for (i, (c, on)) in agg.connections.iter().zip(chosen.iter()).enumerate() {
            let mark = if *on { 'x' } else { ' ' };
            writeln!(
                err,
                "{:>3} [{mark}] {}  ({} connection(s), {} … {})",
                i + 1,
                c.describe(),
                c.count,
                c.first_seen(),
                c.last_seen()
            )?;
        }
        Ok(())
    };
    list(&mut err, chosen)?;
    writeln!(
        err,
        "commands: s N select, c N cancel (N, N-M or all), l list, g generate, q quit"
    )?;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        write!(err, "> ")?;
        err.flush()?;
        let Some(line) = lines.next() else {
            writeln!(err)?;
            return Ok(false);
        };
        let line = line?;
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (None, _) => {}
            (Some("l"), None) => list(&mut err, chosen)?,
            (Some("g"), None) => return Ok(true),
            (Some("q"), None) => return Ok(false),
            (Some(cmd @ ("s" | "c")), Some(which)) => match numbers(which, chosen.len()) {
                Ok(range) => {
                    for i in range {
                        chosen[i] = cmd == "s";
                    }
                    list(&mut err, chosen)?;
                }
                Err(e) => writeln!(err, "{e}")?,
            },
            _ => writeln!(
                err,
                "unknown command {line:?}: s N select, c N cancel, l list, g generate, q quit"
            )?,
        }
    }
}

/// Indices (0-based) named by `N`, `N-M` or `all` among `len` connections numbered from 1.
fn numbers(text: &str, len: usize) -> Result<std::ops::Range<usize>> {
    if text == "all" {
        return Ok(0..len);
    }
    let (lo, hi) = text.split_once('-').unwrap_or((text, text));
    let (Ok(lo), Ok(hi)) = (lo.parse::<usize>(), hi.parse::<usize>()) else {
        bail!("{text:?}: expected a number, a range N-M or all");
    };
    if lo == 0 || hi < lo || hi > len {
        bail!("{text:?}: connections are numbered 1 to {len}");
    }
    Ok(lo - 1..hi)
}
