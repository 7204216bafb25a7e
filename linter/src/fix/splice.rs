//! Turning a normalised patch (RFC 6902 `add` operations) into text edits of the manifest it came
//! from: a new entry goes after the last line of its mapping at the indentation of the mapping's
//! keys (or before the closing brace of a flow mapping), a new item after the last item of its
//! sequence, and a null value (`key:`, `key: ~`) is replaced. Nothing else in the text moves.

use super::render::{self, Style};
use crate::yaml::{DocumentLayout, NodeKind, NodeLayout};
use serde_json::Value;

/// One change of the text: `remove` bytes at `at` replaced by `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    pub at: usize,
    pub remove: usize,
    pub insert: String,
    /// Depth of the node edited: of two insertions at one offset, the deeper goes first.
    pub depth: usize,
}

/// What to add to one existing node.
enum Addition {
    /// Entries of a mapping (key as written in the patch, value).
    Entries(Vec<(String, Value)>),
    /// Items appended to a sequence.
    Items(Vec<Value>),
}

/// The edits that apply `ops` (paths relative to the object at `prefix` in the document).
pub(crate) fn edits(
    text: &str,
    doc: &DocumentLayout,
    prefix: &str,
    ops: &[Value],
    style: &Style,
) -> Result<Vec<Edit>, String> {
    let mut additions: Vec<(String, Addition)> = Vec::new();
    let mut out = Vec::new();
    for op in ops {
        let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
        let value = op.get("value").cloned().unwrap_or(Value::Null);
        let full = format!("{prefix}{path}");
        let Some((parent, token)) = full.rsplit_once('/') else {
            return Err("the patch replaces the whole object".into());
        };
        let node = doc
            .nodes
            .get(parent)
            .ok_or_else(|| format!("{parent} is not written in the file"))?;
        match node.kind {
            NodeKind::Mapping => {
                if let Some(child) = doc.nodes.get(&full) {
                    if child.kind != (NodeKind::Scalar { null: true }) {
                        return Err(format!("{full} is set already"));
                    }
                    out.extend(replace_null(text, node, child, &value, style, depth(&full)));
                    continue;
                }
                let key = token.replace("~1", "/").replace("~0", "~");
                match additions.iter_mut().find(|(p, _)| p == parent) {
                    Some((_, Addition::Entries(list))) => list.push((key, value)),
                    _ => {
                        additions.push((parent.to_string(), Addition::Entries(vec![(key, value)])))
                    }
                }
            }
            NodeKind::Sequence => {
                let list = match additions.iter_mut().find(|(p, _)| p == parent) {
                    Some((_, Addition::Items(list))) => list,
                    _ => {
                        additions.push((parent.to_string(), Addition::Items(Vec::new())));
                        match additions.last_mut() {
                            Some((_, Addition::Items(list))) => list,
                            _ => return Err("internal: no item list".into()),
                        }
                    }
                };
                if token != (node.len + list.len()).to_string() {
                    return Err(format!("{full} inserts an item before others"));
                }
                list.push(value);
            }
            _ => return Err(format!("{parent} is not a mapping or a sequence")),
        }
    }
    for (parent, addition) in additions {
        let node = doc
            .nodes
            .get(&parent)
            .ok_or_else(|| format!("{parent} is not written in the file"))?;
        let last = node.last.as_ref().and_then(|p| doc.nodes.get(p));
        let edit = match (addition, node.flow) {
            (Addition::Entries(entries), false) => {
                let last = last.ok_or_else(|| format!("{parent} is empty"))?;
                let indent = column(text, last.key.unwrap_or(last.start));
                let (at, mut insert) = after_line(text, node.end, style);
                for (key, value) in &entries {
                    render::block_entry(&mut insert, style, indent, key, value);
                }
                Edit {
                    at,
                    remove: 0,
                    insert,
                    depth: depth(&parent),
                }
            }
            (Addition::Items(items), false) => {
                let last = last.ok_or_else(|| format!("{parent} is empty"))?;
                let dash = dash_column(text, last.start)
                    .ok_or_else(|| format!("{parent}: the last item does not start its line"))?;
                let (at, mut insert) = after_line(text, node.end, style);
                for item in &items {
                    render::block_item(&mut insert, style, dash, item);
                }
                Edit {
                    at,
                    remove: 0,
                    insert,
                    depth: depth(&parent),
                }
            }
            (addition, true) => {
                let parts: Vec<String> = match addition {
                    Addition::Entries(entries) => entries
                        .iter()
                        .map(|(k, v)| {
                            let key = render::scalar(k, style.json);
                            format!("{key}: {}", render::flow(v, style))
                        })
                        .collect(),
                    Addition::Items(items) => {
                        items.iter().map(|v| render::flow(v, style)).collect()
                    }
                };
                flow_insert(text, node, last, &parts, style, depth(&parent))
            }
        };
        out.push(edit);
    }
    Ok(out)
}

/// Inserts `parts` into a flow collection: after its opening bracket when empty, else after its
/// last child, on a line of their own when the children are written one per line.
fn flow_insert(
    text: &str,
    node: &NodeLayout,
    last: Option<&NodeLayout>,
    parts: &[String],
    style: &Style,
    depth: usize,
) -> Edit {
    let Some(last) = last else {
        return Edit {
            at: node.start + 1,
            remove: 0,
            insert: parts.join(", "),
            depth,
        };
    };
    let first = last.key.unwrap_or(last.start);
    let own_line = text
        .get(line_start(text, first)..first)
        .is_some_and(|s| s.chars().all(|c| c == ' '));
    let separator = if own_line {
        format!(",{}{}", style.eol, " ".repeat(column(text, first)))
    } else {
        ", ".to_string()
    };
    let insert: String = parts.iter().map(|p| format!("{separator}{p}")).collect();
    Edit {
        at: last.end,
        remove: 0,
        insert,
        depth,
    }
}

/// Replaces the null value of an entry of `parent` with `value`.
fn replace_null(
    text: &str,
    parent: &NodeLayout,
    child: &NodeLayout,
    value: &Value,
    style: &Style,
    depth: usize,
) -> Vec<Edit> {
    let empty = child.start == child.end;
    let nested = match value {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    };
    if parent.flow || !nested {
        let rendered = render::flow(value, style);
        return vec![if empty {
            // `key:` with nothing after the colon: the empty value sits at the colon.
            let at = child.start + usize::from(text.get(child.start..=child.start) == Some(":"));
            Edit {
                at,
                remove: 0,
                insert: format!(" {rendered}"),
                depth,
            }
        } else {
            Edit {
                at: child.start,
                remove: child.end - child.start,
                insert: rendered,
                depth,
            }
        }];
    }
    let key = child.key.unwrap_or(child.start);
    let indent = column(text, key);
    let mut edits = Vec::new();
    if !empty {
        // `key: null` → `key:`, the block below it.
        let before = text.get(..child.start).unwrap_or_default();
        let start = before.trim_end_matches([' ', '\t']).len();
        edits.push(Edit {
            at: start,
            remove: child.end - start,
            insert: String::new(),
            depth,
        });
    }
    let (at, mut insert) = after_line(text, child.end.max(key), style);
    match value {
        Value::Object(map) => render::block_map(&mut insert, style, indent + style.step, map),
        Value::Array(items) => {
            for item in items {
                render::block_item(&mut insert, style, indent + style.seq_indent, item);
            }
        }
        _ => {}
    }
    edits.push(Edit {
        at,
        remove: 0,
        insert,
        depth: depth + 1,
    });
    edits
}

/// The offset just after the line break that ends the line holding `offset`, and what an
/// insertion there starts with: a line break when the text ends without one.
fn after_line(text: &str, offset: usize, style: &Style) -> (usize, String) {
    match text.get(offset..).and_then(|rest| rest.find('\n')) {
        Some(i) => (offset + i + 1, String::new()),
        None => (text.len(), style.eol.to_string()),
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// Column (in characters) of `offset` on its line.
pub(crate) fn column(text: &str, offset: usize) -> usize {
    text.get(line_start(text, offset)..offset)
        .map_or(0, |s| s.chars().count())
}

/// Column of the `-` of the sequence item whose content starts at `offset`, when only spaces
/// stand before the dash on its line.
pub(crate) fn dash_column(text: &str, offset: usize) -> Option<usize> {
    let before = text.get(line_start(text, offset)..offset)?;
    let head = before.trim_end_matches(' ').strip_suffix('-')?;
    head.chars().all(|c| c == ' ').then(|| head.chars().count())
}

fn depth(pointer: &str) -> usize {
    pointer.matches('/').count()
}

/// Applies edits (sorted here by offset, deeper first at one offset) to `text`.
pub(crate) fn apply(text: &str, mut edits: Vec<Edit>) -> Option<String> {
    edits.sort_by(|a, b| {
        (a.at, std::cmp::Reverse(a.depth)).cmp(&(b.at, std::cmp::Reverse(b.depth)))
    });
    let mut out = String::with_capacity(text.len() + 256);
    let mut done = 0;
    for edit in edits {
        if edit.at < done {
            return None;
        }
        out.push_str(text.get(done..edit.at)?);
        out.push_str(&edit.insert);
        done = edit.at + edit.remove;
    }
    out.push_str(text.get(done..)?);
    Some(out)
}
