//! Finding and reading manifest files: paths and directories (recursively, `.yaml`, `.yml`,
//! `.json`), or standard input. Unreadable paths and binary files are errors that name the file.

use crate::InputError;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A manifest file's text and the name reports use for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path as the user gave it (joined with what the walk found), or `-` for stdin.
    pub name: String,
    pub text: String,
}

const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Expands `paths` into the manifest files to lint, in a stable order. A directory is walked
/// recursively (hidden entries such as `.git` are skipped; symlinked directories are not followed;
/// kustomize patch files are left out, see [`discover_all`]); a file named explicitly is taken
/// whatever its extension.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    Ok(discover_all(paths)?.files)
}

/// What a walk found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovered {
    /// The manifest files to read, in order.
    pub files: Vec<PathBuf>,
    /// Files of a walked directory that a kustomization there names as patches: fragments of
    /// objects, not read (`kustomize build DIR | palisade lint -` judges what they make).
    pub kustomize_patches: Vec<PathBuf>,
}

/// [`discover`], saying which files were left out as kustomize patches.
pub fn discover_all(paths: &[PathBuf]) -> Result<Discovered, InputError> {
    let mut out = Discovered::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| InputError::io(path, e))?;
        if meta.is_dir() {
            let (mut found, mut patches) = (Vec::new(), Vec::new());
            walk(path, &mut found, &mut patches)?;
            found.sort();
            for file in found {
                if patches.contains(&crate::kustomize::normalise(&file)) {
                    out.kustomize_patches.push(file);
                } else {
                    out.files.push(file);
                }
            }
        } else {
            out.files.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, patches: &mut Vec<PathBuf>) -> Result<(), InputError> {
    patches.extend(crate::kustomize::patch_files(dir));
    let entries = std::fs::read_dir(dir).map_err(|e| InputError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| InputError::io(dir, e))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let file_type = entry.file_type().map_err(|e| InputError::io(&path, e))?;
        if file_type.is_dir() {
            walk(&path, out, patches)?;
        } else if has_manifest_ext(&path) && path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

fn has_manifest_ext(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// What a lint run reads: a file (read by the worker that parses it) or a text already read.
#[derive(Debug, Clone)]
pub enum Input {
    Path(std::path::PathBuf),
    Source(SourceFile),
}

/// Reads one file; binary content (a NUL byte or invalid UTF-8) is an error naming the file.
pub fn read(path: &Path) -> Result<SourceFile, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::io(path, e))?;
    decode(path.display().to_string(), bytes)
}

/// Reads standard input as one file named `-`.
pub fn read_stdin() -> Result<SourceFile, InputError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::io(Path::new("-"), e))?;
    decode("-".to_string(), bytes)
}

/// Turns bytes into text, refusing binary input.
pub fn decode(name: String, bytes: Vec<u8>) -> Result<SourceFile, InputError> {
    if let Some(offset) = bytes.iter().position(|b| *b == 0) {
        let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(InputError::at(
            &name,
            line,
            1,
            "binary file (contains a NUL byte); expected YAML or JSON manifests",
        ));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.remove(0);
            }
            Ok(SourceFile { name, text })
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..valid]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            Err(InputError::at(
                &name,
                line,
                1,
                "not valid UTF-8 text; expected YAML or JSON manifests",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_binary_with_line() {
        let e = decode("x.yaml".into(), b"a: 1\nb: \0".to_vec()).err();
        assert_eq!(
            e.map(|e| e.to_string()),
            Some(
                "x.yaml:2:1: binary file (contains a NUL byte); expected YAML or JSON manifests"
                    .into()
            )
        );
        assert!(decode("y.yaml".into(), vec![b'a', 0xff, 0xfe]).is_err());
    }

    #[test]
    fn strips_bom() {
        let f = decode("b.yaml".into(), "\u{feff}a: 1".as_bytes().to_vec());
        assert_eq!(f.map(|f| f.text), Ok("a: 1".to_string()));
    }

    #[test]
    fn walks_directories_in_order_skipping_hidden() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        for (p, body) in [
            ("b.yaml", ""),
            ("a/c.yml", ""),
            ("a/d.json", "{}"),
            ("a/e.txt", ""),
            (".git/f.yaml", ""),
            ("a/.hidden.yaml", ""),
        ] {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap_or(root))
                .unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&path, body).unwrap_or_else(|e| panic!("{e}"));
        }
        let found = discover(&[root.to_path_buf()]).unwrap_or_else(|e| panic!("{e}"));
        let rel: Vec<_> = found
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(rel, ["a/c.yml", "a/d.json", "b.yaml"]);
        assert!(discover(&[root.join("missing")]).is_err());
    }
}
