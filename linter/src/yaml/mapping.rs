//! Assembling a finished mapping: duplicate keys are errors, and merge keys (`<<: *base`,
//! `<<: [*a, *b]`) copy the entries of the named mappings into the mapping that holds them.
//! Keys written in the mapping itself win; among merged mappings, the first that has a key wins.
//! Merged entries keep the positions where they were written.

use std::collections::HashMap;

use serde_json::map::Entry as MapEntry;
use serde_json::{Map, Value};

use super::anchors::Node;
use super::positions::{PositionTable, escape_into};
use super::{Position, YamlError};

/// Which merged mapping a key came from: (number of the `<<` key, index in its list).
type Origin = (usize, usize);

/// The mapping made of `entries` (key, key position, value, in document order) and the values
/// of its merge keys. `entry` is the mapping's own entry in the position table and `first_entry`
/// the first entry recorded inside it; merged entries are recorded below `entry`.
pub(super) fn assemble(
    entries: impl ExactSizeIterator<Item = (String, Position, Value)>,
    merges: Vec<(Node, Position)>,
    table: &mut PositionTable,
    first_entry: usize,
    entry: usize,
) -> Result<Map<String, Value>, YamlError> {
    let mut map = Map::with_capacity(entries.len());
    for (name, at, value) in entries {
        match map.entry(name) {
            MapEntry::Vacant(slot) => {
                slot.insert(value);
            }
            MapEntry::Occupied(first) => {
                let name = first.key();
                let first = table.find_child(first_entry, entry, name);
                let first =
                    first.map_or_else(String::new, |p| format!(" (first on line {})", p.line));
                let message = format!("duplicate mapping key {name:?}{first}");
                return Err(YamlError::at(at, message));
            }
        }
    }
    if merges.is_empty() {
        return Ok(map);
    }
    // Escaped key → the source it was taken from.
    let mut winners: HashMap<Vec<u8>, Origin> = HashMap::new();
    let mut sources = Vec::with_capacity(merges.len());
    for (number, (node, at)) in merges.into_iter().enumerate() {
        let Node {
            value,
            entries,
            root,
            ..
        } = node;
        let listed = matches!(value, Value::Array(_));
        match value {
            Value::Object(source) => take(&mut map, source, (number, 0), &mut winners),
            Value::Array(items) => {
                for (index, item) in items.into_iter().enumerate() {
                    let Value::Object(source) = item else {
                        return Err(not_a_mapping(at));
                    };
                    take(&mut map, source, (number, index), &mut winners);
                }
            }
            _ => return Err(not_a_mapping(at)),
        }
        sources.push((entries, root, listed));
    }
    for (number, (entries, root, listed)) in sources.into_iter().enumerate() {
        // Keys of the source hang below its root, or below its items when it is a list.
        table.copy_entries(entries, |table, index, copied_parent| {
            let parent = table.parent(index);
            let item = if listed {
                if parent == root || table.parent(parent) != root {
                    return copied_parent;
                }
                std::str::from_utf8(table.segment(parent))
                    .ok()?
                    .parse()
                    .ok()?
            } else if parent == root {
                0
            } else {
                return copied_parent;
            };
            let won = winners.get(table.segment(index)) == Some(&(number, item));
            won.then_some(entry)
        });
    }
    Ok(map)
}

fn not_a_mapping(at: Position) -> YamlError {
    YamlError::at(
        at,
        "the value of a merge key `<<` must be a mapping or a list of mappings",
    )
}

/// Moves the entries of `source` whose keys `map` lacks into `map`.
fn take(
    map: &mut Map<String, Value>,
    source: Map<String, Value>,
    origin: Origin,
    winners: &mut HashMap<Vec<u8>, Origin>,
) {
    for (key, value) in source {
        if !map.contains_key(&key) {
            let mut escaped = Vec::with_capacity(key.len());
            escape_into(&mut escaped, &key);
            winners.insert(escaped, origin);
            map.insert(key, value);
        }
    }
}
