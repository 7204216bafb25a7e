//! Puts a CA into the `caBundle` of every webhook of every ValidatingWebhookConfiguration and
//! MutatingWebhookConfiguration in YAML manifests, editing the text in place: an existing
//! `caBundle:` value is replaced (keeping its quoting), a missing one is inserted as the first
//! key of `clientConfig` at its indentation; comments, formatting and every other byte stay.
//! Objects inside a `kind: List` (or `*List`) are patched too. A webhook that already carries
//! the CA is left alone, so a second run changes nothing.

use crate::error::{CertError, Result};
use crate::yaml_tree;
use base64::Engine as _;
use std::path::{Path, PathBuf};
use walk::Ctx;

/// Kinds whose webhooks carry a caBundle.
pub const WEBHOOK_KINDS: [&str; 2] = [
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
];

/// One caBundle set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub file: PathBuf,
    /// 1-based line of the `caBundle` key in the patched file.
    pub line: usize,
    /// The configuration's kind and name, and the webhook's name.
    pub kind: String,
    pub config: String,
    pub webhook: String,
    /// The key was missing and has been inserted (otherwise its value was replaced).
    pub inserted: bool,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {} {}, webhook {}: caBundle {}",
            self.file.display(),
            self.line,
            self.kind,
            self.config,
            self.webhook,
            if self.inserted {
                "inserted"
            } else {
                "replaced"
            }
        )
    }
}

/// What [`patch_path`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatchReport {
    pub changes: Vec<Change>,
    /// Webhooks seen, changed or not.
    pub webhooks: usize,
    /// Files rewritten.
    pub files_changed: Vec<PathBuf>,
}

/// The caBundle value of a CA: base64 of its PEM text.
pub fn ca_bundle(ca_pem: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(ca_pem.as_bytes())
}

/// Patches every `.yaml`/`.yml` file under `path` (recursively; or `path` itself when it is a
/// file). Files that do not mention a webhook configuration kind are not parsed. Finding no
/// webhook at all is an error: the directory is probably not the one meant.
pub fn patch_path(path: &Path, ca_pem: &str) -> Result<PatchReport> {
    let planned = plan(path, &ca_bundle(ca_pem))?;
    let mut report = PatchReport::default();
    for (file, patched) in planned {
        report.webhooks += patched.webhooks;
        if !patched.changes.is_empty() {
            std::fs::write(&file, &patched.text).map_err(|e| CertError::io(&file, e))?;
            report.changes.extend(patched.changes);
            report.files_changed.push(file);
        }
    }
    Ok(report)
}

/// Checks, without writing anything, that [`patch_path`] would succeed on `path`: every file
/// readable and parseable, at least one webhook. Returns the number of webhooks.
pub fn check_path(path: &Path) -> Result<usize> {
    Ok(plan(path, "")?.iter().map(|(_, p)| p.webhooks).sum())
}

/// Every file under `path` that holds webhook configurations, patched in memory.
fn plan(path: &Path, bundle: &str) -> Result<Vec<(PathBuf, PatchedText)>> {
    let mut files = Vec::new();
    collect_yaml(path, &mut files)?;
    let mut planned = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| CertError::io(&file, e))?;
        if !WEBHOOK_KINDS.iter().any(|k| text.contains(k)) {
            continue;
        }
        let patched = patch_text(&file, &text, bundle)?;
        planned.push((file, patched));
    }
    if planned.iter().all(|(_, p)| p.webhooks == 0) {
        return Err(CertError::NothingToPatch(format!(
            "{}: no webhook of a ValidatingWebhookConfiguration or MutatingWebhookConfiguration \
             in its .yaml/.yml files",
            path.display()
        )));
    }
    Ok(planned)
}

/// The result of patching one file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchedText {
    pub text: String,
    pub changes: Vec<Change>,
    pub webhooks: usize,
}

/// Sets `bundle` (already base64) as the caBundle of every webhook in `text`; `file` names it
/// in changes and errors.
pub fn patch_text(file: &Path, text: &str, bundle: &str) -> Result<PatchedText> {
    let name = file.display().to_string();
    let docs = yaml_tree::parse(text).map_err(|e| CertError::Manifest {
        file: name.clone(),
        line: e.line,
        column: e.column,
        message: format!("YAML syntax error: {}", e.message),
    })?;
    let mut ctx = Ctx::new(&name, text, bundle);
    for doc in &docs {
        ctx.object(doc, 0)?;
    }
    // Apply from the start, tracking how far earlier edits moved the text.
    ctx.edits.sort_by_key(|e| e.start);
    let mut out = String::with_capacity(text.len() + ctx.edits.len() * (bundle.len() + 16));
    let mut changes = Vec::new();
    let mut copied = 0;
    for edit in ctx.edits {
        out.push_str(text.get(copied..edit.start).unwrap_or_default());
        let line = out.matches('\n').count() + 1;
        out.push_str(&edit.replacement);
        copied = edit.end;
        changes.push(Change {
            file: file.to_path_buf(),
            line,
            ..edit.change
        });
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Ok(PatchedText {
        text: out,
        changes,
        webhooks: ctx.webhooks,
    })
}

/// Every `.yaml`/`.yml` file under `path`, sorted; symbolic links are not followed.
fn collect_yaml(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| CertError::io(path, e))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if !meta.is_dir() {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| CertError::io(path, e))?
        .map(|e| e.map(|e| e.path()).map_err(|err| CertError::io(path, err)))
        .collect::<Result<_>>()?;
    entries.sort();
    for entry in entries {
        let meta = std::fs::symlink_metadata(&entry).map_err(|e| CertError::io(&entry, e))?;
        if meta.is_dir() {
            collect_yaml(&entry, out)?;
        } else if meta.is_file() && entry.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(entry);
        }
    }
    Ok(())
}

mod walk;

#[cfg(test)]
mod tests;
