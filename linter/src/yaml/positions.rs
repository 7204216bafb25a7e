//! The position table of a document: one 24-byte entry per node, linked to its parent and holding
//! the node's own pointer segment (RFC 6901 escaped) as a range of one shared buffer. Storage is
//! linear in the text whatever the depth and key lengths, and an alias's copy shares the segments
//! of the anchored nodes. Lookup walks the pointer one segment at a time with a binary search
//! over the entries sorted by (parent, segment); that order is built on the first lookup, so
//! documents nobody asks about never pay for it.

use std::ops::Range;
use std::sync::OnceLock;

use super::Position;

/// Parent of the root entry.
const NO_PARENT: u32 = u32::MAX;

/// Offsets, indices, lines and columns fit in 32 bits because [`super::MAX_TEXT_BYTES`] bounds
/// the text (and the segment buffer is at most a few times the text).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    parent: u32,
    segment_start: u32,
    segment_end: u32,
    line: u32,
    column: u32,
    /// The value of a merge key `<<`: its content is read through the merge, not by pointer.
    merge_slot: bool,
    /// Reachable by pointer: not a merge slot and not below one.
    visible: bool,
}

impl Entry {
    fn position(&self) -> Position {
        Position {
            line: self.line as usize,
            column: self.column as usize,
        }
    }
}

/// Entries in recording order: a parent always comes before its descendants.
#[derive(Debug, Clone, Default)]
pub(super) struct PositionTable {
    segments: Vec<u8>,
    entries: Vec<Entry>,
    /// Indices of the visible entries, sorted by (parent, segment).
    order: OnceLock<Vec<u32>>,
}

/// Equal when the same nodes were recorded, whether or not either was looked up yet.
impl PartialEq for PositionTable {
    fn eq(&self, other: &Self) -> bool {
        self.segments == other.segments && self.entries == other.entries
    }
}

impl Eq for PositionTable {}

impl PositionTable {
    /// Number of entries recorded so far; entries are never removed, so an index stays valid.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    fn push(&mut self, parent: u32, segment: (u32, u32), at: Position, merge_slot: bool) -> usize {
        let parent_visible = self.entries.get(parent as usize).is_none_or(|p| p.visible);
        self.entries.push(Entry {
            parent,
            segment_start: segment.0,
            segment_end: segment.1,
            line: small(at.line),
            column: small(at.column),
            merge_slot,
            visible: parent_visible && !merge_slot,
        });
        self.entries.len() - 1
    }

    /// Records `write`'s bytes as the segment of a new child of `parent`.
    fn push_segment(
        &mut self,
        parent: usize,
        at: Position,
        merge_slot: bool,
        write: impl FnOnce(&mut Vec<u8>),
    ) -> usize {
        let start = small(self.segments.len());
        write(&mut self.segments);
        let end = small(self.segments.len());
        self.push(small(parent), (start, end), at, merge_slot)
    }

    /// Records the document's root.
    pub(super) fn record_root(&mut self, at: Position) -> usize {
        let here = small(self.segments.len());
        self.push(NO_PARENT, (here, here), at, false)
    }

    /// Records the entry `key` of the mapping at `parent` (a merge slot if `merge`).
    pub(super) fn record_key(
        &mut self,
        parent: usize,
        key: &str,
        at: Position,
        merge: bool,
    ) -> usize {
        self.push_segment(parent, at, merge, |out| escape_into(out, key))
    }

    /// Records item `index` of the sequence at `parent`.
    pub(super) fn record_index(&mut self, parent: usize, index: usize, at: Position) -> usize {
        use std::io::Write as _;
        // Writing to a Vec cannot fail.
        self.push_segment(parent, at, false, |out| {
            let _ = write!(out, "{index}");
        })
    }

    pub(super) fn parent(&self, index: usize) -> usize {
        self.entries
            .get(index)
            .map_or(usize::MAX, |e| e.parent as usize)
    }

    pub(super) fn segment(&self, index: usize) -> &[u8] {
        self.entries
            .get(index)
            .and_then(|e| {
                self.segments
                    .get(e.segment_start as usize..e.segment_end as usize)
            })
            .unwrap_or_default()
    }

    /// Copies the entries of `range` in order. `place(table, index, copied_parent)` returns the
    /// new parent of entry `index`, or `None` to leave it out; `copied_parent` is the copy of the
    /// entry's parent when that parent was in `range` and copied. Returns the copies' range.
    pub(super) fn copy_entries(
        &mut self,
        range: Range<usize>,
        mut place: impl FnMut(&Self, usize, Option<usize>) -> Option<usize>,
    ) -> Range<usize> {
        let first = self.len();
        let mut copies = vec![usize::MAX; range.len()];
        for index in range.clone() {
            let Some(&entry) = self.entries.get(index) else {
                break;
            };
            let copied_parent = (entry.parent as usize)
                .checked_sub(range.start)
                .and_then(|k| copies.get(k).copied())
                .filter(|&p| p != usize::MAX);
            let Some(parent) = place(self, index, copied_parent) else {
                continue;
            };
            let segment = (entry.segment_start, entry.segment_end);
            let copy = self.push(small(parent), segment, entry.position(), entry.merge_slot);
            if let Some(slot) = copies.get_mut(index - range.start) {
                *slot = copy;
            }
        }
        first..self.len()
    }

    /// Copies the subtree below `old_root` (its entries are `range`) below `new_root`.
    pub(super) fn copy_subtree(
        &mut self,
        range: Range<usize>,
        old_root: usize,
        new_root: usize,
    ) -> Range<usize> {
        self.copy_entries(range, |table, index, copied_parent| {
            if table.parent(index) == old_root {
                Some(new_root)
            } else {
                copied_parent
            }
        })
    }

    /// Position of the child of `parent` named `key`, searching entries from `from` on; for
    /// error messages.
    pub(super) fn find_child(&self, from: usize, parent: usize, key: &str) -> Option<Position> {
        let mut escaped = Vec::with_capacity(key.len());
        escape_into(&mut escaped, key);
        (from..self.len())
            .find(|&i| self.parent(i) == parent && self.segment(i) == escaped.as_slice())
            .and_then(|i| self.entries.get(i))
            .map(Entry::position)
    }

    /// Drops spare capacity once the document is complete.
    pub(super) fn finish(&mut self) {
        self.entries.shrink_to_fit();
        self.segments.shrink_to_fit();
    }

    fn key(&self, index: u32) -> (usize, &[u8]) {
        let index = index as usize;
        (self.parent(index), self.segment(index))
    }

    /// Position of the node at `pointer` (RFC 6901, `""` for the root), or else of its deepest
    /// existing ancestor, with `true` when the node itself exists.
    pub(super) fn lookup(&self, pointer: &str) -> Option<(Position, bool)> {
        // The root is recorded first.
        let root = self.entries.first().filter(|e| e.parent == NO_PARENT)?;
        if pointer.is_empty() {
            return Some((root.position(), true));
        }
        let Some(rest) = pointer.strip_prefix('/') else {
            return Some((root.position(), false));
        };
        let order = self.order.get_or_init(|| {
            let mut order: Vec<u32> = (0..self.entries.len())
                .filter(|&i| self.entries.get(i).is_some_and(|e| e.visible))
                .map(small)
                .collect();
            order.sort_unstable_by(|&a, &b| self.key(a).cmp(&self.key(b)));
            order
        });
        let mut node = 0;
        for token in rest.split('/') {
            let wanted = (node, token.as_bytes());
            let found = order
                .binary_search_by(|&i| self.key(i).cmp(&wanted))
                .ok()
                .and_then(|k| order.get(k).copied());
            match found {
                Some(child) => node = child as usize,
                None => return self.entries.get(node).map(|e| (e.position(), false)),
            }
        }
        self.entries.get(node).map(|e| (e.position(), true))
    }
}

/// Appends `key` escaped as an RFC 6901 reference token (`~` → `~0`, `/` → `~1`).
pub(super) fn escape_into(out: &mut Vec<u8>, key: &str) {
    if !key.contains(['~', '/']) {
        out.extend_from_slice(key.as_bytes());
        return;
    }
    for byte in key.bytes() {
        match byte {
            b'~' => out.extend_from_slice(b"~0"),
            b'/' => out.extend_from_slice(b"~1"),
            other => out.push(other),
        }
    }
}
