//! A YAML stream as a tree of nodes that know where they were written (byte offsets, lines and
//! columns), so that one value can be replaced, or one key inserted, while every other byte of
//! the file — comments, quoting, indentation — stays as it was. Built from `saphyr-parser`
//! events; values are kept as written (no type resolution: only strings are looked at).

use saphyr_parser::{Event, Parser, ScalarStyle};

/// Deepest nesting accepted; webhook configurations need a handful of levels.
const MAX_DEPTH: usize = 256;

/// A node and where it starts.
#[derive(Debug)]
pub(crate) struct Node {
    pub kind: NodeKind,
    /// Byte offset of the node's first character (for a block scalar: of its first content
    /// line; for a block mapping: of its first key).
    pub start: usize,
    /// 1-based line and column of `start`.
    pub line: usize,
    pub column: usize,
}

#[derive(Debug)]
pub(crate) enum NodeKind {
    Scalar {
        value: String,
        style: ScalarStyle,
        /// Byte offset where the parser says the scalar ends (for quoted scalars followed by a
        /// comment it may be further; see `ca_bundle::value_range`).
        end: usize,
    },
    Mapping {
        entries: Vec<(Node, Node)>,
        /// Written as `{…}`.
        flow: bool,
    },
    Sequence(Vec<Node>),
    Alias,
}

impl Node {
    /// The value of a mapping's entry whose key is the plain string `key`, with the key node.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.kind {
            NodeKind::Mapping { entries, .. } => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// A parse error at a 1-based line and column.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The root node of every document of `text` (empty documents have none).
pub(crate) fn parse(text: &str) -> Result<Vec<Node>, SyntaxError> {
    // Parser markers count characters; edits need bytes.
    let mut byte_of: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    byte_of.push(text.len());
    let byte = |chars: usize| byte_of.get(chars).copied().unwrap_or(text.len());

    let mut parser = Parser::new_from_str(text);
    let mut roots = Vec::new();
    // Open collections, each with the key whose value comes next (for a mapping).
    let mut stack: Vec<(Node, Option<Node>)> = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| SyntaxError {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info().to_string(),
        })?;
        let at = |kind| Node {
            kind,
            start: byte(span.start.index()),
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        let finished = match event {
            Event::Scalar(value, style, _, _) => Some(at(NodeKind::Scalar {
                value: value.into_owned(),
                style,
                end: byte(span.end.index()),
            })),
            Event::Alias(_) => Some(at(NodeKind::Alias)),
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError {
                        line: span.start.line(),
                        column: span.start.col() + 1,
                        message: format!("nested more than {MAX_DEPTH} levels deep"),
                    });
                }
                let kind = if matches!(event, Event::MappingStart(..)) {
                    let flow = text
                        .get(byte(span.start.index())..)
                        .is_some_and(|t| t.starts_with('{'));
                    NodeKind::Mapping {
                        entries: Vec::new(),
                        flow,
                    }
                } else {
                    NodeKind::Sequence(Vec::new())
                };
                stack.push((at(kind), None));
                None
            }
            Event::MappingEnd | Event::SequenceEnd => stack.pop().map(|(node, _)| node),
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd => {
                None
            }
        };
        let Some(node) = finished else { continue };
        match stack.last_mut() {
            None => roots.push(node),
            Some((parent, pending)) => match &mut parent.kind {
                NodeKind::Mapping { entries, .. } => match pending.take() {
                    Some(key) => entries.push((key, node)),
                    None => *pending = Some(node),
                },
                NodeKind::Sequence(items) => items.push(node),
                NodeKind::Scalar { .. } | NodeKind::Alias => {}
            },
        }
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_bytes_lines_and_columns() {
        let text = "# é\nkind: Demo\nspec: {a: 'x', b: [1, 2]}\n---\n- k: v\n";
        let docs = parse(text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(docs.len(), 2);
        let kind = docs[0].get("kind").unwrap_or_else(|| panic!("kind"));
        assert_eq!(
            (kind.as_str(), kind.line, kind.column),
            (Some("Demo"), 2, 7)
        );
        assert_eq!(&text[kind.start..kind.start + 4], "Demo");
        let spec = docs[0].get("spec").unwrap_or_else(|| panic!("spec"));
        assert!(matches!(spec.kind, NodeKind::Mapping { flow: true, .. }));
        assert!(matches!(
            docs[0].kind,
            NodeKind::Mapping { flow: false, .. }
        ));
        let a = spec.get("a").unwrap_or_else(|| panic!("a"));
        assert_eq!(&text[a.start..a.start + 3], "'x'");
        assert!(matches!(&docs[1].kind, NodeKind::Sequence(items) if items.len() == 1));
    }

    #[test]
    fn syntax_errors_and_deep_nesting_have_positions() {
        let err = parse("a: [\n").err().unwrap_or_else(|| panic!("no error"));
        assert!(err.line >= 1, "{err:?}");
        // Block nesting (the parser itself limits flow nesting).
        let deep: String = (0..=MAX_DEPTH)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect();
        let err = parse(&deep).err().unwrap_or_else(|| panic!("no error"));
        assert!(err.message.contains("nested"), "{err:?}");
        assert_eq!(err.line, MAX_DEPTH + 1);
    }
}
