//! `lint --fix`: the fixes of the `patch` rules written into the manifests themselves.
//!
//! An object gets the patches of the rules that reported a finding on it in the lint run (so a
//! disabled, suppressed or exempted rule fixes nothing, and neither does a rule the configured
//! level or version does not check), normalised as the webhook's mutation is
//! ([`palisade_policies::mutation`]). The operations are spliced into the text at the positions the
//! YAML reader recorded: comments, key order, quoting and formatting elsewhere are kept, block
//! and flow style are followed, and the line breaks of the file (LF or CRLF) too. The edited text
//! is read again and must give exactly the patched objects, or the file is left alone.
//!
//! Files where one text node may stand for several places (anchors, aliases, merge keys, tags)
//! are left alone, with a note naming the file and line.

mod render;
mod splice;
mod unified;

pub use unified::unified_diff;

use crate::objects::{ObjectRef, ParsedFile, parse_file};
use crate::yaml::{DocumentLayout, NodeKind, Position, layout, parse_documents};
use crate::{LintFinding, SourceFile};
use palisade_policies::input::{UserInfo, from_object};
use palisade_policies::{Engine, Evaluator, mutation};
use rayon::prelude::*;
use render::Style;
use serde_json::Value;
use std::collections::BTreeSet;

/// What `lint --fix` makes of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFix {
    pub name: String,
    /// The fixed text, when it differs from the original.
    pub fixed: Option<String>,
    /// Objects fixed.
    pub objects: usize,
    /// Objects that needed a fix and were left alone, each as `file:line: why`.
    pub notes: Vec<String>,
}

/// Fixes every file of `sources` for the `findings` a lint run reported on them.
pub fn fix_sources(
    engine: &Engine,
    sources: &[SourceFile],
    findings: &[LintFinding],
) -> Vec<FileFix> {
    sources
        .par_iter()
        .map_init(
            || engine.evaluator(),
            |ev, source| {
                let mine: Vec<&LintFinding> =
                    findings.iter().filter(|f| f.file == source.name).collect();
                fix_file(ev, source, &mine)
            },
        )
        .collect()
}

/// Fixes one file for its findings.
pub fn fix_file(ev: &mut Evaluator, source: &SourceFile, findings: &[&LintFinding]) -> FileFix {
    let mut fix = FileFix {
        name: source.name.clone(),
        fixed: None,
        objects: 0,
        notes: Vec::new(),
    };
    if findings.is_empty() {
        return fix;
    }
    // A file that does not parse is reported by the lint run itself.
    let Ok(file) = parse_file(source) else {
        return fix;
    };
    let text = &source.text;
    let mut layout_cache = None;
    let mut edits = Vec::new();
    let mut expected: Vec<Value> = file.docs.iter().map(|d| d.value.clone()).collect();
    for (obj, rules) in rules_by_object(&file, findings) {
        let Some(value) = file.value(obj) else {
            continue;
        };
        let at = file.locate(obj, "");
        let note = |why: String| format!("{}:{}: not fixed: {why}", source.name, at.line);
        let review = from_object(value, &UserInfo::default());
        let m = match mutation::patch_for(ev, &review, |r| rules.contains(r)) {
            Ok(m) if m.is_empty() => continue,
            Ok(m) => m,
            Err(e) => {
                fix.notes.push(note(e.to_string()));
                continue;
            }
        };
        let layout = match layout_cache.get_or_insert_with(|| layout(text)) {
            Ok(layout) => layout,
            Err(e) => {
                fix.notes.push(note(format!("YAML not understood: {e}")));
                continue;
            }
        };
        let Some(doc) = layout.documents.get(obj.doc) else {
            continue;
        };
        if let Some(line) = doc.indirection {
            let why = format!(
                "the document uses YAML anchors, aliases, tags or merge keys (line {line}), so one edit could change several places"
            );
            fix.notes.push(note(why));
            continue;
        }
        match splice::edits(text, doc, &obj.prefix, &m.patch, &style(text, doc)) {
            Ok(more) => {
                edits.extend(more);
                if let Some(slot) = expected.get_mut(obj.doc) {
                    replace_at(slot, &obj.prefix, m.object);
                }
                fix.objects += 1;
            }
            Err(why) => fix.notes.push(note(why)),
        }
    }
    if edits.is_empty() {
        return fix;
    }
    let fixed = splice::apply(text, edits);
    let reads_back = fixed.as_deref().and_then(|t| parse_documents(t).ok());
    let same = reads_back.is_some_and(|docs| {
        docs.len() == expected.len() && docs.iter().zip(&expected).all(|(d, e)| d.value == *e)
    });
    if same {
        fix.fixed = fixed;
    } else {
        let line = first_line(&file);
        fix.notes.push(format!(
            "{}:{line}: not fixed: the edited text would not read back as the fixed objects",
            source.name
        ));
        fix.objects = 0;
    }
    fix
}

/// The objects that have findings, each with the rules that reported them. A finding belongs
/// to the last object that starts at or before it.
fn rules_by_object<'f>(
    file: &'f ParsedFile,
    findings: &[&LintFinding],
) -> Vec<(&'f ObjectRef, BTreeSet<String>)> {
    let mut objects: Vec<(Position, &ObjectRef, BTreeSet<String>)> = file
        .objects
        .iter()
        .map(|o| (file.locate(o, ""), o, BTreeSet::new()))
        .collect();
    objects.sort_by_key(|(p, _, _)| *p);
    for f in findings {
        let at = Position {
            line: f.line,
            column: f.column,
        };
        let owner = objects.iter_mut().rev().find(|(p, _, _)| *p <= at);
        if let Some((_, _, rules)) = owner {
            rules.insert(f.rule.clone());
        }
    }
    objects
        .into_iter()
        .filter(|(_, _, rules)| !rules.is_empty())
        .map(|(_, o, rules)| (o, rules))
        .collect()
}

/// Puts `value` at `pointer` inside `doc`.
fn replace_at(doc: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = doc.pointer_mut(pointer) {
        *slot = value;
    }
}

fn first_line(file: &ParsedFile) -> usize {
    file.docs.first().map_or(1, |d| d.line)
}

/// The writing style of a document: indentation of nested mappings and of sequences under a
/// key (from the first of each in the text; two spaces and indented items when there is none),
/// JSON when the document is one flow mapping, and the file's line break.
fn style(text: &str, doc: &DocumentLayout) -> Style {
    let mut nested: Vec<(usize, usize, usize)> = Vec::new();
    let mut items: Vec<(usize, usize, usize)> = Vec::new();
    for node in doc.nodes.values() {
        let (Some(key), false) = (node.key, node.flow) else {
            continue;
        };
        let key_col = splice::column(text, key);
        match node.kind {
            NodeKind::Mapping => {
                let col = splice::column(text, node.start);
                nested.push((node.start, col.saturating_sub(key_col), col));
            }
            NodeKind::Sequence => {
                if let Some(dash) = splice::dash_column(text, node.start) {
                    items.push((node.start, dash.saturating_sub(key_col), dash));
                }
            }
            _ => {}
        }
    }
    nested.retain(|(_, step, _)| *step > 0);
    let step = nested.iter().min().map_or(2, |(_, step, _)| *step);
    let seq_indent = items.iter().min().map_or(step, |(_, indent, _)| *indent);
    Style {
        step,
        seq_indent,
        json: doc.nodes.get("").is_some_and(|root| root.flow),
        eol: if text.contains("\r\n") { "\r\n" } else { "\n" },
    }
}
