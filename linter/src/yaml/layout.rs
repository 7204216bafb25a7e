//! The layout of a YAML text, for editing it in place (`lint --fix`): for every node of every
//! document, by JSON pointer, its byte span, whether it is written in flow style (`{…}`, `[…]`)
//! or block style, and for a mapping entry where its key is. Documents are numbered as
//! [`super::parse_documents`] numbers them (empty documents skipped).
//!
//! A node's `end` is the byte after its last character of content: after the closing bracket of
//! a flow collection, after the last line of a block scalar (not its trailing line breaks), and
//! for a block collection the end of its last child. Comments are not content.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

use super::positions::escape_into;
use super::{YamlError, scalar};

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Mapping,
    Sequence,
    /// A scalar; `null` when it resolves to null (`~`, `null`, nothing at all).
    Scalar {
        null: bool,
    },
    /// An alias (`*name`).
    Alias,
}

/// Where and how one node is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLayout {
    pub kind: NodeKind,
    /// Flow style: `{…}` or `[…]` (scalars and block collections are not).
    pub flow: bool,
    /// Byte offset of the node: its opening bracket, its first child (block collections), or
    /// its first character (scalars).
    pub start: usize,
    /// Byte offset after its last character of content.
    pub end: usize,
    /// Byte offset of its key, when it is the value of a mapping entry.
    pub key: Option<usize>,
    /// Number of entries or items (collections).
    pub len: usize,
    /// Pointer of the last entry or item (collections that have one).
    pub last: Option<String>,
}

/// The layout of one document.
#[derive(Debug, Clone, Default)]
pub struct DocumentLayout {
    /// Line (1-based) of the first anchor, alias, tag or merge key, if any: such documents are
    /// not edited, since one text node may stand for several places.
    pub indirection: Option<usize>,
    /// Layout of each node by JSON pointer (`""` is the root).
    pub nodes: HashMap<String, NodeLayout>,
}

/// The layout of every non-empty document of a text.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub documents: Vec<DocumentLayout>,
}

struct Frame {
    pointer: String,
    mapping: bool,
    layout: NodeLayout,
    /// For a mapping: the key whose value comes next (name, byte offset).
    pending: Option<(String, usize)>,
}

/// Reads the layout of `text`.
///
/// # Errors
///
/// A syntax error, or a key that is not a scalar.
pub fn layout(text: &str) -> Result<Layout, YamlError> {
    let bytes = ByteOffsets::new(text);
    let mut out = Layout::default();
    let mut doc = DocumentLayout::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut empty = true;
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next?;
        let (start, end) = (bytes.of(span.start), bytes.of(span.end));
        let at = |m: Marker| m.line().max(1);
        match event {
            Event::DocumentStart(_) => {
                doc = DocumentLayout::default();
                empty = true;
            }
            Event::DocumentEnd => {
                if !empty {
                    out.documents.push(std::mem::take(&mut doc));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    doc.indirection.get_or_insert(at(span.start));
                }
                let is_key = stack
                    .last()
                    .is_some_and(|f| f.mapping && f.pending.is_none());
                if is_key {
                    let plain = matches!(style, ScalarStyle::Plain);
                    if plain && value == "<<" {
                        doc.indirection.get_or_insert(at(span.start));
                    }
                    let resolved = scalar::resolve(value, style, tag.as_deref())
                        .map_err(|m| YamlError::at(super::Position::from_marker(span.start), m))?;
                    let name = scalar::key_string(resolved).unwrap_or_default();
                    if let Some(frame) = stack.last_mut() {
                        frame.pending = Some((name, start));
                    }
                    continue;
                }
                let bare = anchor == 0 && tag.is_none() && matches!(style, ScalarStyle::Plain);
                if stack.is_empty() && bare && value.is_empty() {
                    // An empty document, which the reader skips too.
                    continue;
                }
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                let end = if block {
                    content_end(text, start, end)
                } else {
                    end
                };
                let null = scalar::resolve(value, style, tag.as_deref()).is_ok_and(|v| v.is_null());
                let kind = NodeKind::Scalar { null };
                finish_leaf(&mut stack, &mut doc, kind, start, end);
                empty = false;
            }
            Event::Alias(_) => {
                doc.indirection.get_or_insert(at(span.start));
                finish_leaf(&mut stack, &mut doc, NodeKind::Alias, start, end);
                empty = false;
            }
            Event::MappingStart(anchor, ref tag) | Event::SequenceStart(anchor, ref tag) => {
                if anchor != 0 || tag.is_some() {
                    doc.indirection.get_or_insert(at(span.start));
                }
                let mapping = matches!(event, Event::MappingStart(..));
                let (pointer, key) = child_pointer(&mut stack);
                let kind = if mapping {
                    NodeKind::Mapping
                } else {
                    NodeKind::Sequence
                };
                stack.push(Frame {
                    pointer,
                    mapping,
                    layout: NodeLayout {
                        kind,
                        flow: end > start,
                        start,
                        end,
                        key,
                        len: 0,
                        last: None,
                    },
                    pending: None,
                });
                empty = false;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(mut frame) = stack.pop() else {
                    continue;
                };
                if frame.layout.flow {
                    frame.layout.end = end;
                }
                if let Some(parent) = stack.last_mut() {
                    parent.layout.end = frame.layout.end;
                }
                doc.nodes.insert(frame.pointer, frame.layout);
            }
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart => {}
        }
    }
    Ok(out)
}

/// The pointer of the next child of the innermost open collection, and its key's offset; counts
/// the child.
fn child_pointer(stack: &mut [Frame]) -> (String, Option<usize>) {
    let Some(frame) = stack.last_mut() else {
        return (String::new(), None);
    };
    let mut segment = Vec::new();
    let key = if frame.mapping {
        let (name, at) = frame.pending.take().unwrap_or_default();
        escape_into(&mut segment, &name);
        Some(at)
    } else {
        segment.extend_from_slice(frame.layout.len.to_string().as_bytes());
        None
    };
    let pointer = format!("{}/{}", frame.pointer, String::from_utf8_lossy(&segment));
    frame.layout.len += 1;
    frame.layout.last = Some(pointer.clone());
    (pointer, key)
}

fn finish_leaf(
    stack: &mut [Frame],
    doc: &mut DocumentLayout,
    kind: NodeKind,
    start: usize,
    end: usize,
) {
    let (pointer, key) = child_pointer(stack);
    if let Some(parent) = stack.last_mut() {
        parent.layout.end = end;
    }
    let layout = NodeLayout {
        kind,
        flow: false,
        start,
        end,
        key,
        len: 0,
        last: None,
    };
    doc.nodes.insert(pointer, layout);
}

/// The end of a block scalar's content: its span runs on over trailing blank lines and the
/// indentation of the next line.
fn content_end(text: &str, start: usize, end: usize) -> usize {
    let body = text.get(start..end).unwrap_or_default();
    start + body.trim_end_matches([' ', '\t', '\r', '\n']).len()
}

/// Converts the parser's character indices to byte offsets.
struct ByteOffsets {
    /// Byte offset of each character, and of the end; empty when the text is ASCII.
    table: Vec<usize>,
    len: usize,
}

impl ByteOffsets {
    fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            let mut t: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            t.push(text.len());
            t
        };
        ByteOffsets {
            table,
            len: text.len(),
        }
    }

    fn of(&self, marker: Marker) -> usize {
        let index = marker.index();
        if self.table.is_empty() {
            index.min(self.len)
        } else {
            self.table.get(index).copied().unwrap_or(self.len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_numbered_as_the_reader_numbers_them() {
        let text = "--- !!str\n---\n# comment only\n---\nk: [a, {b: c}]\n";
        let docs = layout(text).map(|l| l.documents).unwrap_or_default();
        assert_eq!(docs.len(), 2);
        let k = docs.get(1).and_then(|d| d.nodes.get("/k"));
        assert_eq!(
            k.map(|n| (n.flow, n.len, &text[n.start..n.end])),
            Some((true, 2, "[a, {b: c}]"))
        );
    }

    #[test]
    fn block_scalars_end_at_their_last_character() {
        let text = "a:\n  b: |\n    x\n\n  c: é\n";
        let docs = layout(text).map(|l| l.documents).unwrap_or_default();
        let node = |p: &str| {
            docs.first()
                .and_then(|d| d.nodes.get(p))
                .map(|n| (n.start, n.end))
        };
        assert_eq!(node("/a/b").map(|(s, e)| &text[s..e]), Some("x"));
        assert_eq!(node("/a/c").map(|(s, e)| &text[s..e]), Some("é"));
        assert_eq!(node("/a").map(|(_, e)| e), Some(text.len() - 1));
    }
}
