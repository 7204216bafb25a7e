//! A parsed document: its JSON value and the positions of its nodes.

use serde_json::Value;

use super::Position;
use super::positions::PositionTable;

/// One document of a YAML stream, as JSON, with the position of each of its nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's content as JSON.
    pub value: Value,
    /// Line (1-based) where the document's content starts.
    pub line: usize,
    start: Position,
    positions: PositionTable,
}

impl Document {
    pub(super) fn new(value: Value, start: Position, mut positions: PositionTable) -> Self {
        positions.finish();
        Document {
            value,
            line: start.line,
            start,
            positions,
        }
    }

    /// Where the node at `pointer` (RFC 6901, `""` for the root) was written: the key of a
    /// mapping entry, the content of a sequence item. `None` if no such node exists.
    #[must_use]
    pub fn position(&self, pointer: &str) -> Option<Position> {
        match self.positions.lookup(pointer) {
            Some((position, true)) => Some(position),
            _ => None,
        }
    }

    /// Where the node at `pointer` was written or, if it does not exist, its nearest existing
    /// ancestor; the start of the document if even the root is unknown.
    #[must_use]
    pub fn locate(&self, pointer: &str) -> Position {
        self.positions
            .lookup(pointer)
            .map_or(self.start, |(position, _)| position)
    }
}
