//! Finished nodes, and the anchors that name them so that aliases can copy them, within the
//! limits that keep an alias bomb from exhausting memory.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::Value;

use super::{MAX_ALIAS_BYTES, MAX_ALIAS_NODES, MAX_DEPTH, Position, YamlError};

/// A finished node: its value, its size, and where its descendants' positions were recorded.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) value: Value,
    /// Nodes in this subtree, itself included.
    pub(super) nodes: usize,
    /// Bytes of the strings (keys included) in this subtree.
    pub(super) bytes: usize,
    /// Levels of nesting: 0 for a scalar, 1 for a collection of scalars.
    pub(super) height: usize,
    /// Entries of the position table for the descendants (not the node itself).
    pub(super) entries: Range<usize>,
    /// The entry of the node itself, parent of its children's entries.
    pub(super) root: usize,
}

/// The anchored nodes of the current document, and what aliases have copied in the stream.
#[derive(Debug, Default)]
pub(super) struct Anchors {
    nodes: HashMap<usize, Node>,
    expanded_nodes: usize,
    expanded_bytes: usize,
}

impl Anchors {
    /// Forgets the anchors (they do not reach past their document); the budget stays spent.
    pub(super) fn clear(&mut self) {
        self.nodes.clear();
    }

    /// Names `node` by the parser's anchor id (0 means no anchor).
    pub(super) fn define(&mut self, id: usize, node: &Node) {
        if id != 0 {
            self.nodes.insert(id, node.clone());
        }
    }

    /// A copy of the node anchored as `id`, for an alias at `at` found `depth` levels deep.
    pub(super) fn expand(
        &mut self,
        id: usize,
        depth: usize,
        at: Position,
    ) -> Result<Node, YamlError> {
        let Some(node) = self.nodes.get(&id) else {
            return Err(YamlError::at(
                at,
                "alias refers to its own anchor, which is not complete",
            ));
        };
        self.expanded_nodes = self.expanded_nodes.saturating_add(node.nodes);
        self.expanded_bytes = self.expanded_bytes.saturating_add(node.bytes);
        if self.expanded_nodes > MAX_ALIAS_NODES || self.expanded_bytes > MAX_ALIAS_BYTES {
            let message = format!(
                "aliases expand to more than {MAX_ALIAS_NODES} nodes or {MAX_ALIAS_BYTES} bytes"
            );
            return Err(YamlError::at(at, message));
        }
        if depth.saturating_add(node.height) > MAX_DEPTH {
            return Err(YamlError::at(
                at,
                format!("alias nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(node.clone())
    }
}
