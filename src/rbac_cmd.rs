//! `palisade rbac`: `who-can` and `show`, RBAC questions answered offline on manifests (the logic
//! is `palisade_linter::rbac`). A question is not a check: an answer, "nobody" and "nothing" all
//! exit 0; a bad SUBJECT or RESOURCE, a missing path or an unreadable manifest exits 2.

use anyhow::{Result, bail};
use palisade_linter::rbac::{self, Rbac, Request, Subject};
use palisade_linter::{parse_file, read};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct RbacArgs {
    #[command(subcommand)]
    pub command: RbacCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum RbacCommand {
    /// Which subjects may make a request (as `kubectl auth can-i` would answer for each)?
    WhoCan {
        /// The verb: get, list, create, delete, impersonate, …
        verb: String,
        /// The resource: `pods`, `deployments.apps`, `pods/exec`.
        resource: String,
        /// Only grants that hold in this namespace (default: every grant, with where it holds).
        #[arg(long, short = 'n')]
        namespace: Option<String>,
        /// The object's name (resourceNames then admit or refuse it).
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: crate::netpol_cmd::Format,
        /// Manifest files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// What may a subject do? SUBJECT: serviceaccount:NS:NAME, system:serviceaccount:NS:NAME,
    /// user:NAME or group:NAME.
    Show {
        subject: String,
        #[arg(long, value_enum, default_value = "human")]
        format: crate::netpol_cmd::Format,
        /// Manifest files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

fn load(paths: &[PathBuf]) -> Result<Rbac> {
    let mut rbac = Rbac::default();
    for path in crate::lint_paths::discover_noting(paths)? {
        let parsed = parse_file(&read(&path)?)?;
        rbac.add(&parsed);
    }
    Ok(rbac)
}

fn write(text: &str) -> Result<ExitCode> {
    let mut out = crate::stdout::Stdout::lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        other => other.map(|()| ExitCode::SUCCESS).map_err(Into::into),
    }
}

pub fn run(args: RbacArgs) -> Result<ExitCode> {
    let json = crate::netpol_cmd::Format::Json;
    match args.command {
        RbacCommand::WhoCan {
            verb,
            resource,
            namespace,
            name,
            format,
            paths,
        } => {
            let req = match Request::new(&verb, &resource, namespace, name) {
                Ok(r) => r,
                Err(e) => bail!(e),
            };
            let answers = rbac::who_can(&load(&paths)?, &req);
            if format == json {
                let v = serde_json::json!({"request": req, "answers": answers});
                return write(&format!("{}\n", serde_json::to_string_pretty(&v)?));
            }
            write(&rbac::render_answers(&req, &answers))
        }
        RbacCommand::Show {
            subject,
            format,
            paths,
        } => {
            let parsed: Subject = match subject.parse() {
                Ok(s) => s,
                Err(e) => bail!(e),
            };
            let grants = rbac::show(&load(&paths)?, &parsed);
            if format == json {
                let v = serde_json::json!({"subject": parsed, "grants": grants});
                return write(&format!("{}\n", serde_json::to_string_pretty(&v)?));
            }
            write(&rbac::render_grants(&subject, &grants))
        }
    }
}
