//! YAML reader with positions: turns a multi-document YAML stream into JSON values and remembers
//! where every node was written, keyed by RFC 6901 JSON pointer, so that a policy finding about
//! `/spec/containers/0/securityContext/privileged` can be reported at its line and column.
//!
//! Built on the event API of `saphyr-parser`. Plain scalars resolve the way kubectl reads them
//! (`sigs.k8s.io/yaml`, YAML 1.1 rules), so a manifest means in CI what it means at admission:
//!
//! - plain `~`, `null`, `Null`, `NULL` and the empty scalar are null; `true`, `yes`, `y`, `on`
//!   (in their lower, capitalised and upper forms) and the matching `false`, `no`, `n`, `off` are
//!   booleans — keys too, so a key `n:` becomes `"false"`, as kubectl makes it;
//! - integers may use `_` separators; a leading `0` means octal (`010` is eight), and `0o`, `0x`,
//!   `0b` prefixes are honoured; an integer too large for `i64`/`u64` becomes the nearest float;
//! - floats such as `1.5`, `.5`, `1e3`; `.inf` and `.nan` are errors because JSON cannot hold
//!   them;
//! - quoted and block (`|`, `>`) scalars are strings unless an explicit tag says otherwise;
//!   `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` are honoured, `!!binary` and `!!timestamp`
//!   are kept as strings, the non-specific tag `!` makes a string, and with any other tag the
//!   scalar resolves as if untagged.
//!
//! Anchors, aliases and merge keys (`<<: *a`, `<<: [*a, *b]`; explicit keys win, earlier merge
//! sources win over later ones; a quoted `"<<"` is an ordinary key) are expanded. Mapping keys that are null, booleans or numbers
//! become their string form; collection keys and duplicate keys are errors.
//!
//! Positions: a mapping entry is located at its key; a sequence item at the start of the item's
//! content (for `- name: a` that is the line of the `-` and the column of `name`); the root (`""`)
//! at the start of the document's content. A block scalar item (`- |`) is located at its first
//! line of content. Nodes reached through an alias or a merge key are located where the
//! anchored node was written.
//!
//! Limits: nesting deeper than [`MAX_DEPTH`] levels, and aliases that copy more than
//! [`MAX_ALIAS_NODES`] nodes or [`MAX_ALIAS_BYTES`] bytes of strings in one stream, are errors,
//! so hostile input can exhaust neither the stack nor memory (billion laughs). Positions are
//! stored as a tree of pointer segments, so their size stays linear in the text whatever the
//! depth and the key lengths.

mod anchors;
mod builder;
mod document;
mod layout;
mod mapping;
mod positions;
mod scalar;

#[cfg(test)]
mod anchor_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod scalar_tests;

pub use document::Document;
pub use layout::{DocumentLayout, Layout, NodeKind, NodeLayout, layout};

/// Deepest nesting of mappings and sequences accepted, aliases included.
pub const MAX_DEPTH: usize = 512;

/// Most nodes that aliases may copy in one stream.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// Most bytes of strings (keys and values) that aliases may copy in one stream.
pub const MAX_ALIAS_BYTES: usize = 64 * 1024 * 1024;

/// Largest text accepted: far beyond any manifest, and small enough for the position table's
/// 32-bit offsets.
pub const MAX_TEXT_BYTES: usize = 512 * 1024 * 1024;

/// A place in the source text; both numbers are 1-based and the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, starting at 1.
    pub line: usize,
    /// Column in characters, starting at 1.
    pub column: usize,
}

impl Position {
    fn from_marker(marker: saphyr_parser::Marker) -> Self {
        Position {
            line: marker.line().max(1),
            column: marker.col() + 1,
        }
    }
}

/// Why a YAML stream could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct YamlError {
    /// Line, starting at 1.
    pub line: usize,
    /// Column in characters, starting at 1.
    pub column: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl YamlError {
    fn at(position: Position, message: impl Into<String>) -> Self {
        YamlError {
            line: position.line,
            column: position.column,
            message: message.into(),
        }
    }
}

impl From<saphyr_parser::ScanError> for YamlError {
    fn from(error: saphyr_parser::ScanError) -> Self {
        let message = error.info().trim().trim_end_matches('.');
        YamlError::at(Position::from_marker(*error.marker()), message)
    }
}

/// Reads every document of a YAML stream. Empty and comment-only documents are skipped, so an
/// empty stream gives an empty list.
///
/// # Errors
///
/// The first syntax error, invalid typed scalar, unrepresentable value (`.inf`, `.nan`),
/// duplicate or collection key, unknown or recursive alias, or exceeded limit
/// ([`MAX_DEPTH`], [`MAX_ALIAS_NODES`], [`MAX_ALIAS_BYTES`], [`MAX_TEXT_BYTES`]), with its
/// position.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, YamlError> {
    if text.len() > MAX_TEXT_BYTES {
        let start = Position { line: 1, column: 1 };
        let message = format!("YAML text larger than {MAX_TEXT_BYTES} bytes");
        return Err(YamlError::at(start, message));
    }
    builder::parse_stream(text)
}
