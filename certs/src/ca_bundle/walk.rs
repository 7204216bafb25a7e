//! Finding the webhooks of a YAML stream and the edits that set their caBundle: which bytes
//! of a `caBundle` value to replace (the parser's end markers are not trusted for quoted and
//! block scalars: the value is measured from the text), or where to insert the key.

use super::{Change, WEBHOOK_KINDS};
use crate::error::{CertError, Result};
use crate::yaml_tree::{Node, NodeKind};
use saphyr_parser::ScalarStyle;
use std::path::PathBuf;

/// A replacement of `start..end` (bytes).
pub(super) struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    pub change: Change,
}

pub(super) struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    bundle: &'a str,
    pub edits: Vec<Edit>,
    pub webhooks: usize,
}

impl<'a> Ctx<'a> {
    pub fn new(file: &'a str, text: &'a str, bundle: &'a str) -> Self {
        Ctx {
            file,
            text,
            bundle,
            edits: Vec::new(),
            webhooks: 0,
        }
    }

    fn error(&self, node: &Node, message: String) -> CertError {
        CertError::Manifest {
            file: self.file.to_string(),
            line: node.line,
            column: node.column,
            message,
        }
    }

    /// A document's root, or an item of a List.
    pub fn object(&mut self, node: &Node, depth: usize) -> Result<()> {
        let Some(kind) = node.get("kind").and_then(Node::as_str) else {
            return Ok(());
        };
        if kind.ends_with("List") && depth < 2 {
            if let Some(Node {
                kind: NodeKind::Sequence(items),
                ..
            }) = node.get("items")
            {
                for item in items {
                    self.object(item, depth + 1)?;
                }
            }
            return Ok(());
        }
        if !WEBHOOK_KINDS.contains(&kind) {
            return Ok(());
        }
        let config = node
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Node::as_str)
            .unwrap_or("(unnamed)")
            .to_string();
        let webhooks = match node.get("webhooks") {
            None => return Ok(()),
            Some(Node {
                kind: NodeKind::Sequence(items),
                ..
            }) => items,
            Some(Node {
                kind: NodeKind::Scalar { value, .. },
                ..
            }) if value.is_empty() || value == "null" || value == "~" => return Ok(()),
            Some(other) => {
                return Err(
                    self.error(other, format!("{kind} {config}: `webhooks` must be a list"))
                );
            }
        };
        for webhook in webhooks {
            self.webhooks += 1;
            let change = Change {
                file: PathBuf::new(),
                line: 0,
                kind: kind.to_string(),
                config: config.clone(),
                webhook: webhook
                    .get("name")
                    .and_then(Node::as_str)
                    .unwrap_or("(unnamed)")
                    .to_string(),
                inserted: false,
            };
            let Some(client) = webhook.get("clientConfig") else {
                return Err(self.error(
                    webhook,
                    format!(
                        "{kind} {config}, webhook {}: no `clientConfig`",
                        change.webhook
                    ),
                ));
            };
            self.client_config(client, change)?;
        }
        Ok(())
    }

    fn client_config(&mut self, client: &Node, mut change: Change) -> Result<()> {
        let NodeKind::Mapping { entries, flow } = &client.kind else {
            return Err(self.error(
                client,
                format!(
                    "{} {}, webhook {}: `clientConfig` must be a mapping{}",
                    change.kind,
                    change.config,
                    change.webhook,
                    if matches!(client.kind, NodeKind::Alias) {
                        " written out, not an alias (patch it by hand)"
                    } else {
                        ""
                    }
                ),
            ));
        };
        if let Some((key, value)) = client.entry("caBundle") {
            let NodeKind::Scalar {
                value: current,
                style,
                end,
            } = &value.kind
            else {
                return Err(self.error(value, "`caBundle` must be a string".into()));
            };
            if current == self.bundle {
                return Ok(());
            }
            let (start, end, replacement) = self.replacement(key, value, *style, *end)?;
            self.edits.push(Edit {
                start,
                end,
                replacement,
                change,
            });
            return Ok(());
        }
        change.inserted = true;
        let (start, replacement) = match entries.first() {
            Some((first, _)) if *flow => (first.start, format!("caBundle: {}, ", self.bundle)),
            Some((first, _)) => (
                first.start,
                format!(
                    "caBundle: {}{}{}",
                    self.bundle,
                    // Keep the file's line endings.
                    if self.text.contains("\r\n") {
                        "\r\n"
                    } else {
                        "\n"
                    },
                    " ".repeat(first.column.saturating_sub(1))
                ),
            ),
            None if *flow => (client.start + 1, format!("caBundle: {}", self.bundle)),
            None => return Err(self.error(client, "`clientConfig` is empty".into())),
        };
        self.edits.push(Edit {
            start,
            end: start,
            replacement,
            change,
        });
        Ok(())
    }

    /// The bytes of a `caBundle` value as written, and what replaces them (same quoting; a
    /// block scalar becomes a plain one; an empty value gets one after the colon).
    fn replacement(
        &self,
        key: &Node,
        value: &Node,
        style: ScalarStyle,
        parser_end: usize,
    ) -> Result<(usize, usize, String)> {
        let text = self.text.as_bytes();
        let unreadable = || self.error(value, "cannot find the end of the `caBundle` value".into());
        let after_colon = || -> Option<usize> {
            let key_end = scalar_end(text, key.start, key_style(key), key_parser_end(key))?;
            let colon = key_end + text.get(key_end..)?.iter().position(|&b| b == b':')?;
            Some(colon + 1)
        };
        Ok(match style {
            ScalarStyle::Plain if value.start >= parser_end => {
                let at = after_colon().ok_or_else(unreadable)?;
                (at, at, format!(" {}", self.bundle))
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let from = after_colon().ok_or_else(unreadable)?;
                let from = from
                    + text
                        .get(from..)
                        .map_or(0, |t| t.iter().take_while(|&&b| b == b' ').count());
                let end = trim_end(text, parser_end.max(from), from);
                (from, end, self.bundle.to_string())
            }
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                let end =
                    scalar_end(text, value.start, style, parser_end).ok_or_else(unreadable)?;
                let q = if style == ScalarStyle::SingleQuoted {
                    '\''
                } else {
                    '"'
                };
                (value.start, end, format!("{q}{}{q}", self.bundle))
            }
            ScalarStyle::Plain => {
                let end =
                    scalar_end(text, value.start, style, parser_end).ok_or_else(unreadable)?;
                (value.start, end, self.bundle.to_string())
            }
        })
    }
}

fn key_style(key: &Node) -> ScalarStyle {
    match &key.kind {
        NodeKind::Scalar { style, .. } => *style,
        _ => ScalarStyle::Plain,
    }
}

fn key_parser_end(key: &Node) -> usize {
    match &key.kind {
        NodeKind::Scalar { end, .. } => *end,
        _ => key.start,
    }
}

/// The byte after a scalar's last character: the closing quote of a quoted scalar (found by
/// scanning, since the parser's end may run past a trailing comment), or the parser's end
/// without trailing whitespace for a plain one.
fn scalar_end(text: &[u8], start: usize, style: ScalarStyle, parser_end: usize) -> Option<usize> {
    match style {
        ScalarStyle::DoubleQuoted => {
            let mut i = start + 1;
            while let Some(&b) = text.get(i) {
                match b {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
            None
        }
        ScalarStyle::SingleQuoted => {
            let mut i = start + 1;
            while let Some(&b) = text.get(i) {
                if b == b'\'' {
                    if text.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return Some(i + 1);
                }
                i += 1;
            }
            None
        }
        _ => Some(trim_end(text, parser_end, start)),
    }
}

/// `end` moved back over whitespace, not before `floor`.
fn trim_end(text: &[u8], mut end: usize, floor: usize) -> usize {
    while end > floor && text.get(end - 1).is_some_and(|b| b.is_ascii_whitespace()) {
        end -= 1;
    }
    end
}
