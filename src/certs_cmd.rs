//! `palisade certs generate`: a CA and a serving certificate for the webhook's Service, written
//! as `ca.crt`, `tls.crt`, `tls.key` (a Kubernetes TLS Secret's keys) and `ca.key`; a directory
//! that already holds a CA keeps it (rotation) unless `--new-ca`. `--patch-manifests DIR` puts
//! the CA into the caBundle of every webhook configuration under DIR, editing the files in place.
//! Exit 0, or 2 on bad input (the message names the flag or file).

use crate::stdout::Stdout;
use anyhow::{Context, Result};
use palisade_certs::{Request, Service, issue, utc};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

#[derive(Debug, clap::Args)]
pub struct CertsArgs {
    #[command(subcommand)]
    pub command: CertsCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum CertsCommand {
    /// Issue the webhook's serving certificate (and a CA, unless DIR holds one).
    Generate(GenerateArgs),
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Name of the webhook's Service.
    #[arg(long, value_name = "NAME")]
    pub service: String,
    /// Namespace of the webhook's Service.
    #[arg(long, value_name = "NS")]
    pub namespace: String,
    /// Directory for ca.crt, ca.key, tls.crt, tls.key (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Validity of the serving certificate in days; a new CA is valid for at least ten years.
    #[arg(long, value_name = "N", default_value_t = issue::DEFAULT_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(issue::MAX_DAYS)))]
    pub days: u32,
    /// Issue a new CA even if DIR holds one (the caBundle must then be updated).
    #[arg(long)]
    pub new_ca: bool,
    /// Put the CA into the caBundle of every webhook configuration in the YAML files under DIR.
    #[arg(long, value_name = "DIR")]
    pub patch_manifests: Option<PathBuf>,
}

pub fn run(args: CertsArgs) -> Result<ExitCode> {
    match args.command {
        CertsCommand::Generate(args) => generate(args),
    }
}

fn generate(args: GenerateArgs) -> Result<ExitCode> {
    let service = Service::new(&args.service, &args.namespace)?;
    // Refuse a manifest directory that cannot be patched before writing any certificate.
    if let Some(dir) = &args.patch_manifests {
        palisade_certs::check_path(dir).context("--patch-manifests")?;
    }
    let request = Request {
        service,
        out: args.out.clone(),
        days: args.days,
        new_ca: args.new_ca,
    };
    let done = palisade_certs::generate(&request, SystemTime::now())?;
    let ca_path = args.out.join(palisade_certs::store::CA_CERT);
    // The files are written: a reader that went away (`| head -1`) does not undo that.
    let mut out = Stdout::lock();
    if done.ca_reused {
        writeln!(
            out,
            "kept the CA {} (valid until {})",
            ca_path.display(),
            utc(done.ca_not_after)
        )?;
    } else {
        writeln!(
            out,
            "new CA {} (valid until {}); its key {} stays here, never in the cluster",
            ca_path.display(),
            utc(done.ca_not_after),
            args.out.join(palisade_certs::store::CA_KEY).display()
        )?;
    }
    writeln!(
        out,
        "serving certificate {} and key {} for {} (valid until {})",
        args.out.join(palisade_certs::store::TLS_CERT).display(),
        args.out.join(palisade_certs::store::TLS_KEY).display(),
        done.dns_names.join(", "),
        utc(done.serving_not_after)
    )?;
    match &args.patch_manifests {
        Some(dir) => {
            let report =
                palisade_certs::patch_path(dir, &done.ca_cert_pem).context("--patch-manifests")?;
            for change in &report.changes {
                writeln!(out, "patched {change}")?;
            }
            if report.changes.is_empty() {
                writeln!(
                    out,
                    "caBundle already current in all {} webhooks under {}",
                    report.webhooks,
                    dir.display()
                )?;
            }
        }
        None if !done.ca_reused => writeln!(
            out,
            "put the new CA into the webhook configurations: --patch-manifests DIR, \
             or caBundle = base64 of {}",
            ca_path.display()
        )?,
        None => {}
    }
    Ok(ExitCode::SUCCESS)
}
