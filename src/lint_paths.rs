//! What `palisade lint` reads: each PATH argument expanded into its files (directories walked,
//! `-` for stdin), and the check that every PATH holds at least one Kubernetes object, so that a
//! typo in a CI path fails instead of passing green (`--allow-empty` accepts an empty PATH).
//! Kustomize patch files of a walked directory are left out, and named in a note.

use anyhow::Result;
use palisade_linter::{Input, LintRun, discover_all, read_stdin};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One PATH argument and the names of the files it gave (as the report names them).
#[derive(Debug)]
pub struct PathFiles {
    path: String,
    /// Walked as a directory.
    dir: bool,
    files: Vec<String>,
    /// Files of the walk left out as kustomize patches.
    pub kustomize_patches: Vec<String>,
}

/// Every input, in order, and what each PATH gave. A path that does not exist stops the run;
/// files are read while they are linted.
pub fn inputs(paths: &[PathBuf]) -> Result<(Vec<Input>, Vec<PathFiles>)> {
    let mut inputs = Vec::new();
    let mut given = Vec::new();
    let mut stdin = false;
    for p in paths {
        if p == Path::new("-") {
            stdin = true;
            given.push(PathFiles {
                path: "-".into(),
                dir: false,
                files: vec!["-".into()],
                kustomize_patches: Vec::new(),
            });
            continue;
        }
        let found = discover_all(std::slice::from_ref(p))?;
        given.push(PathFiles {
            path: p.display().to_string(),
            dir: p.is_dir(),
            files: found
                .files
                .iter()
                .map(|f| f.display().to_string())
                .collect(),
            kustomize_patches: found
                .kustomize_patches
                .iter()
                .map(|f| f.display().to_string())
                .collect(),
        });
        inputs.extend(found.files.into_iter().map(Input::Path));
    }
    if stdin {
        inputs.insert(0, Input::Source(read_stdin()?));
    }
    Ok((inputs, given))
}

/// The note for a file left out as a kustomize patch.
pub fn patch_note(file: &str) -> String {
    format!(
        "palisade: note: {file}: not read, a kustomize patch (a fragment of an object); \
         use what it makes: `kubectl kustomize DIR | palisade …`"
    )
}

/// The files of `paths` (see [`discover_all`]), with a note on stderr for each kustomize patch
/// left out: the doors that read manifests besides `lint` (`netpol`, `rbac`).
pub fn discover_noting(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let found = discover_all(paths)?;
    for file in &found.kustomize_patches {
        eprintln!("{}", patch_note(&file.display().to_string()));
    }
    Ok(found.files)
}

/// An error for each PATH that holds no Kubernetes object. A PATH with a file that could not be
/// read or parsed is left to that file's error.
pub fn empty(given: &[PathFiles], run: &LintRun) -> Vec<String> {
    let mut objects: HashMap<&str, usize> = HashMap::new();
    for o in &run.report.objects {
        *objects.entry(o.file.as_str()).or_default() += 1;
    }
    let failed = |file: &String| run.errors.iter().any(|e| e.file == *file);
    given
        .iter()
        .filter(|p| {
            let found: usize = p.files.iter().filter_map(|f| objects.get(f.as_str())).sum();
            found == 0 && !p.files.iter().any(failed)
        })
        .map(|p| {
            let what = match (p.path.as_str(), p.dir, p.files.len()) {
                ("-", _, _) => "no Kubernetes object on standard input",
                (_, true, 0) => "no manifest file (.yaml, .yml, .json) in this directory",
                (_, true, _) => "no Kubernetes object (apiVersion and kind) in this directory",
                (_, false, _) => "no Kubernetes object (apiVersion and kind) in this file",
            };
            format!("{}: {what}; pass --allow-empty to accept it", p.path)
        })
        .collect()
}
