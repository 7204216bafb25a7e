//! Builds JSON documents from parser events with an explicit stack (no recursion), recording the
//! position of each node under its JSON pointer as it goes.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::Value;

use super::anchors::{Anchors, Node};
use super::positions::PositionTable;
use super::{Document, MAX_DEPTH, Position, YamlError, mapping, scalar};

/// A mapping or sequence being built; its finished children wait in [`Builder::children`].
struct Frame {
    mapping: bool,
    anchor: usize,
    /// The collection's own entry in the position table.
    entry: usize,
    entries_start: usize,
    /// Index of its first child in [`Builder::children`].
    first_child: usize,
    nodes: usize,
    bytes: usize,
    height: usize,
    /// The key whose value comes next.
    pending: Option<PendingKey>,
    /// Values of `<<` keys, with the key's position.
    merges: Vec<(Node, Position)>,
}

/// A finished child of an open collection: a mapping entry with its key and the key's
/// position, or a sequence item (with an empty key, unused).
struct Child {
    key: String,
    at: Position,
    value: Value,
}

/// The key position of a sequence item, which has no key.
const UNUSED: Position = Position { line: 0, column: 0 };

struct PendingKey {
    name: String,
    merge: bool,
    at: Position,
    entry: usize,
}

/// What the next node is to its parent.
#[derive(PartialEq, Eq)]
enum Role {
    Key,
    /// A value, with its entry in the position table.
    Value(usize),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Finished children of all open collections, innermost last: one buffer, so that each
    /// collection is allocated once, at its final size.
    children: Vec<Child>,
    table: PositionTable,
    anchors: Anchors,
    root: Option<Node>,
    start: Option<Position>,
    empty: bool,
}

/// Reads every non-empty document of `text`.
pub(super) fn parse_stream(text: &str) -> Result<Vec<Document>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut documents = Vec::new();
    let mut builder = Builder::default();
    while let Some(next) = parser.next_event() {
        let (event, span) = next?;
        let at = Position::from_marker(span.start);
        match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart => {}
            Event::DocumentStart(_) => builder.reset(),
            Event::DocumentEnd => documents.extend(builder.finish_document()),
            Event::Alias(id) => builder.alias(id, at)?,
            Event::Scalar(text, style, anchor, tag) => {
                builder.scalar(text, style, anchor, tag.as_deref(), at)?;
            }
            Event::SequenceStart(anchor, tag) => builder.open(false, anchor, tag.as_deref(), at)?,
            Event::MappingStart(anchor, tag) => builder.open(true, anchor, tag.as_deref(), at)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close(at)?,
        }
    }
    Ok(documents)
}

impl Builder {
    fn reset(&mut self) {
        self.stack.clear();
        self.children.clear();
        self.table = PositionTable::default();
        self.anchors.clear();
        self.root = None;
        self.start = None;
        self.empty = false;
    }

    fn finish_document(&mut self) -> Option<Document> {
        let root = self.root.take();
        let start = self.start.take();
        let table = std::mem::take(&mut self.table);
        let empty = self.empty;
        self.reset();
        match (root, start) {
            (Some(root), Some(start)) if !empty => Some(Document::new(root.value, start, table)),
            _ => None,
        }
    }

    /// Says what the node starting at `at` is to its parent and, for a value, records its entry
    /// (a key's entry is recorded by [`Self::key`] once its name is known).
    fn open_slot(&mut self, at: Position) -> Role {
        match self.stack.last() {
            None => {
                self.start = Some(at);
                Role::Value(self.table.record_root(at))
            }
            Some(Frame {
                mapping: false,
                entry,
                first_child,
                ..
            }) => {
                let index = self.children.len().saturating_sub(*first_child);
                Role::Value(self.table.record_index(*entry, index, at))
            }
            Some(Frame {
                pending: Some(key), ..
            }) => Role::Value(key.entry),
            Some(_) => Role::Key,
        }
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        at: Position,
    ) -> Result<(), YamlError> {
        let is_root = self.stack.is_empty();
        let role = self.open_slot(at);
        let plain = matches!(style, ScalarStyle::Plain) && tag.is_none();
        let merge = role == Role::Key && plain && text == "<<";
        if is_root && plain && anchor == 0 && text.is_empty() {
            self.empty = true;
        }
        let value = scalar::resolve(text, style, tag).map_err(|m| YamlError::at(at, m))?;
        match role {
            Role::Key => {
                if anchor != 0 {
                    self.anchors.define(anchor, &self.leaf(value.clone(), 0));
                }
                self.key(value, merge, at)
            }
            Role::Value(entry) => self.complete(self.leaf(value, entry), anchor),
        }
    }

    fn leaf(&self, value: Value, root: usize) -> Node {
        let here = self.table.len();
        let bytes = value.as_str().map_or(0, str::len);
        Node {
            value,
            nodes: 1,
            bytes,
            height: 0,
            entries: here..here,
            root,
        }
    }

    fn alias(&mut self, id: usize, at: Position) -> Result<(), YamlError> {
        let role = self.open_slot(at);
        let mut node = self.anchors.expand(id, self.stack.len(), at)?;
        let Role::Value(entry) = role else {
            return self.key(node.value, false, at);
        };
        // A merge key's value is read from the anchor's own entries; anywhere else the alias's
        // subtree gets entries of its own, with the positions of the anchored text.
        if !self.merge_pending() {
            node.entries = self.table.copy_subtree(node.entries, node.root, entry);
            node.root = entry;
        }
        self.complete(node, 0)
    }

    fn merge_pending(&self) -> bool {
        self.stack
            .last()
            .and_then(|frame| frame.pending.as_ref())
            .is_some_and(|key| key.merge)
    }

    /// Takes `value` as the next key of the mapping on top of the stack.
    fn key(&mut self, value: Value, merge: bool, at: Position) -> Result<(), YamlError> {
        let Some(name) = scalar::key_string(value) else {
            return Err(YamlError::at(
                at,
                "a mapping or sequence cannot be a mapping key",
            ));
        };
        let Some(frame) = self.stack.last_mut().filter(|frame| frame.mapping) else {
            return Err(YamlError::at(at, "mapping key outside a mapping"));
        };
        frame.bytes = frame.bytes.saturating_add(name.len());
        let entry = self.table.record_key(frame.entry, &name, at, merge);
        frame.pending = Some(PendingKey {
            name,
            merge,
            at,
            entry,
        });
        Ok(())
    }

    fn open(
        &mut self,
        mapping: bool,
        anchor: usize,
        tag: Option<&Tag>,
        at: Position,
    ) -> Result<(), YamlError> {
        let Role::Value(entry) = self.open_slot(at) else {
            return Err(YamlError::at(
                at,
                "a mapping or sequence cannot be a mapping key",
            ));
        };
        scalar::check_collection_tag(tag, mapping).map_err(|m| YamlError::at(at, m))?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError::at(
                at,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.stack.push(Frame {
            mapping,
            anchor,
            entry,
            entries_start: self.table.len(),
            first_child: self.children.len(),
            nodes: 1,
            bytes: 0,
            height: 1,
            pending: None,
            merges: Vec::new(),
        });
        Ok(())
    }

    fn close(&mut self, at: Position) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Err(YamlError::at(
                at,
                "end of a collection that was never started",
            ));
        };
        let first = frame.first_child.min(self.children.len());
        let children = self.children.drain(first..);
        let value = if frame.mapping {
            let entries = children.map(|child| (child.key, child.at, child.value));
            let (first_entry, entry) = (frame.entries_start, frame.entry);
            let map =
                mapping::assemble(entries, frame.merges, &mut self.table, first_entry, entry)?;
            Value::Object(map)
        } else {
            Value::Array(children.map(|child| child.value).collect())
        };
        let node = Node {
            value,
            nodes: frame.nodes,
            bytes: frame.bytes,
            height: frame.height,
            entries: frame.entries_start..self.table.len(),
            root: frame.entry,
        };
        self.complete(node, frame.anchor)
    }

    /// Hands a finished node to its parent (or makes it the document's root).
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        self.anchors.define(anchor, &node);
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.nodes = frame.nodes.saturating_add(node.nodes);
        frame.bytes = frame.bytes.saturating_add(node.bytes);
        frame.height = frame.height.max(node.height + 1);
        match frame.pending.take() {
            Some(PendingKey {
                merge: true, at, ..
            }) => frame.merges.push((node, at)),
            Some(PendingKey { name, at, .. }) => self.children.push(Child {
                key: name,
                at,
                value: node.value,
            }),
            None => self.children.push(Child {
                key: String::new(),
                at: UNUSED,
                value: node.value,
            }),
        }
        Ok(())
    }
}
