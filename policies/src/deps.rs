//! Which policies may read `data.inventory`, found from the text of the modules without running
//! anything. The linter evaluates every other object while it still reads the files, before the
//! inventory is complete, and defers only the objects whose policies need it.
//!
//! The analysis over-approximates: a policy reads the inventory when its package, or any package
//! it refers to through `data.…` (transitively), mentions `data.inventory` or the facts derived
//! from it (`data.palisade_facts`), or refers to `data`
//! in a way that cannot be followed (`data[x]`, `data` alone). Comments and string literals are
//! ignored.

use std::collections::{BTreeMap, BTreeSet};

/// What one module's code refers to under `data`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct DataRefs {
    /// Dotted paths after `data.` (`palisade.lib.pods.containers`, `inventory.cluster`).
    pub paths: BTreeSet<String>,
    /// `data` used other than as `data.<name>`: anything may be read.
    pub dynamic: bool,
}

/// The `data` references in a module's code.
pub(crate) fn data_refs(text: &str) -> DataRefs {
    let code = code_only(text);
    let bytes = code.as_bytes();
    let mut refs = DataRefs::default();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while let Some(found) = code[i..].find("data") {
        let start = i + found;
        let end = start + 4;
        i = end;
        let before = start.checked_sub(1).map(|j| bytes[j]);
        if before.is_some_and(|b| word(b) || b == b'.') || bytes.get(end).is_some_and(|b| word(*b))
        {
            continue;
        }
        let mut path = String::new();
        let mut j = end;
        while bytes.get(j) == Some(&b'.') && bytes.get(j + 1).is_some_and(|b| word(*b)) {
            let seg_start = j + 1;
            j = seg_start;
            while bytes.get(j).is_some_and(|b| word(*b)) {
                j += 1;
            }
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&code[seg_start..j]);
        }
        if path.is_empty() {
            refs.dynamic = true;
        } else {
            refs.paths.insert(path);
        }
        i = j.max(end);
    }
    refs
}

/// The text with comments and string literals blanked out (lengths and lines kept).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                out.push(' ');
                while let Some(&n) = chars.peek() {
                    if n == '\n' {
                        break;
                    }
                    chars.next();
                    out.push(' ');
                }
            }
            '"' | '`' => {
                out.push(' ');
                while let Some(n) = chars.next() {
                    if n == '\n' {
                        out.push('\n');
                        continue;
                    }
                    out.push(' ');
                    if n == '\\' && c == '"' {
                        if chars.next().is_some() {
                            out.push(' ');
                        }
                    } else if n == c {
                        break;
                    }
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// For each policy package in `policies`, whether it may read `data.inventory`. `modules` maps
/// every package to the references of its modules (a package may span several modules).
pub(crate) fn reads_inventory(
    modules: &BTreeMap<String, DataRefs>,
    policies: &[&str],
) -> Vec<bool> {
    policies
        .iter()
        .map(|pkg| reaches_inventory(modules, pkg))
        .collect()
}

fn reaches_inventory(modules: &BTreeMap<String, DataRefs>, start: &str) -> bool {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = vec![start];
    while let Some(pkg) = todo.pop() {
        if !seen.insert(pkg) {
            continue;
        }
        let Some(refs) = modules.get(pkg) else {
            continue;
        };
        if refs.dynamic {
            return true;
        }
        for path in &refs.paths {
            let root = path.split('.').next().unwrap_or_default();
            if root == "inventory" || root == crate::FACTS_KEY {
                return true;
            }
            // A reference reaches every package it names, is inside, or contains.
            for other in modules.keys() {
                let related = other == path
                    || path.starts_with(&format!("{other}."))
                    || other.starts_with(&format!("{path}."));
                if related {
                    todo.push(other);
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules(list: &[(&str, &str)]) -> BTreeMap<String, DataRefs> {
        list.iter()
            .map(|(pkg, text)| (pkg.to_string(), data_refs(text)))
            .collect()
    }

    #[test]
    fn finds_paths_and_ignores_comments_strings_and_other_words() {
        let refs = data_refs(
            "# data.inventory in a comment\nx := data.palisade.lib.pods.containers\n\
             m := \"data.inventory in a string\"\nmetadata := input.data.y\n",
        );
        assert_eq!(
            refs.paths.into_iter().collect::<Vec<_>>(),
            ["palisade.lib.pods.containers"]
        );
        assert!(!refs.dynamic);
    }

    #[test]
    fn dynamic_data_reads_anything() {
        assert!(data_refs("x := data[input.pkg].deny").dynamic);
        assert!(data_refs("x := data").dynamic);
        assert!(!data_refs("x := `data` + \"data\"").dynamic);
    }

    #[test]
    fn inventory_through_a_library_is_found() {
        let m = modules(&[
            ("p.a", "deny contains 1 if data.lib.x.f(1)"),
            ("lib.x", "f(n) if data.inventory.cluster[n]"),
            ("p.b", "deny contains 1 if data.lib.y.g"),
            ("lib.y", "g := 1"),
            ("p.c", "import data.lib\ndeny contains 1 if lib.x.f(2)"),
            ("p.d", "deny contains 1 if data[\"lib\"].x"),
        ]);
        assert_eq!(
            reads_inventory(&m, &["p.a", "p.b", "p.c", "p.d"]),
            [true, false, true, true]
        );
    }
}
