//! Where Rego sources come from: the built-in library embedded in the binary, and user directories.

use crate::LoadError;
use include_dir::{Dir, include_dir};
use std::path::Path;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rego");

/// One Rego module's text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySource {
    /// File name shown in errors (`builtin:pss/privileged.rego` for embedded modules).
    pub path: String,
    pub text: String,
    pub builtin: bool,
}

impl PolicySource {
    /// True for Rego test modules (`*_test.rego`), which only `palisade test` loads.
    pub fn is_test(&self) -> bool {
        self.path.ends_with("_test.rego")
    }
}

/// Every embedded module (policies, libraries and tests), sorted by path.
pub fn builtin_sources() -> Vec<PolicySource> {
    let mut out = Vec::new();
    collect_builtin(&BUILTIN, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn collect_builtin(dir: &Dir<'static>, out: &mut Vec<PolicySource>) {
    for file in dir.files() {
        let path = file.path();
        if path.extension().is_some_and(|e| e == "rego")
            && let Some(text) = file.contents_utf8()
        {
            out.push(PolicySource {
                path: format!("builtin:{}", path.display()),
                text: text.to_string(),
                builtin: true,
            });
        }
    }
    for sub in dir.dirs() {
        collect_builtin(sub, out);
    }
}

/// Every `.rego` file under `dir` (recursively, sorted). A single file is accepted too.
pub fn load_dir(dir: &Path) -> Result<Vec<PolicySource>, LoadError> {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|error| LoadError::Read {
                path: path.clone(),
                error,
            })?;
            Ok(PolicySource {
                path: path.display().to_string(),
                text,
                builtin: false,
            })
        })
        .collect()
}

fn walk(path: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), LoadError> {
    let read_err = |error| LoadError::Read {
        path: path.to_path_buf(),
        error,
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let p = entry.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "rego") {
            out.push(p);
        }
    }
    Ok(())
}
