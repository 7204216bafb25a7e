//! Test data kept beside the repository (`../shared/fixtures`, see its `SOURCES.md`) and a YAML
//! reader for it. Without the folder the tests that need it skip with a printed reason; with
//! `PALISADE_REQUIRE_FIXTURES=1` (CI) a missing folder is a failure. `PALISADE_FIXTURES` points at
//! another copy: `dir` is `palisade_policies::fixtures::dir`.

use serde_json::Value;
use std::path::{Path, PathBuf};

pub use palisade_policies::fixtures::dir;

/// One YAML (or JSON) document and the file it came from.
pub struct Document {
    pub file: String,
    pub value: Value,
}

/// Every document of `text` (a `---` stream; JSON is YAML too).
pub fn parse_documents(text: &str) -> Result<Vec<Value>, String> {
    let mut options = serde_saphyr::Options::default();
    options.budget = None;
    serde_saphyr::from_multiple_with_options::<Value>(text, options).map_err(|e| e.to_string())
}

/// The documents of every `.yaml`, `.yml` and `.json` file under `root` (recursively, in path
/// order); files that do not parse are returned as errors beside the documents.
pub fn load_tree(root: &Path) -> (Vec<Document>, Vec<String>) {
    let mut files = Vec::new();
    walk(root, &mut files);
    files.sort();
    let (mut docs, mut errors) = (Vec::new(), Vec::new());
    for path in files {
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| parse_documents(&text));
        match parsed {
            Ok(values) => docs.extend(values.into_iter().map(|value| Document {
                file: name.clone(),
                value,
            })),
            Err(e) => errors.push(format!("{name}: {e}")),
        }
    }
    (docs, errors)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        {
            out.push(path);
        }
    }
}

/// `value` with its kind and, for a List (`kind: List`, `PodList`, …), its items, flattened;
/// items of a typed list have no `kind` of their own (`PodList` items are Pods).
pub fn flatten<'a>(value: &'a Value, out: &mut Vec<(&'a str, &'a Value)>) {
    flatten_as(value, "", out);
}

fn flatten_as<'a>(value: &'a Value, implied: &'a str, out: &mut Vec<(&'a str, &'a Value)>) {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or(implied);
    match (
        kind.strip_suffix("List"),
        value.get("items").and_then(Value::as_array),
    ) {
        (Some(item_kind), Some(items)) => {
            for item in items {
                flatten_as(item, item_kind, out);
            }
        }
        _ => out.push((kind, value)),
    }
}
