//! Rendering the values a fix inserts: block YAML at an indentation, flow YAML, or JSON for
//! documents written as JSON, in the style of the file they go into.

use serde_json::{Map, Value};

/// How the surrounding document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    /// Spaces per level of block mapping nesting.
    pub step: usize,
    /// Spaces between a key and the `-` of its block sequence's items (0 when the items are
    /// written at the key's column, as kubectl writes them).
    pub seq_indent: usize,
    /// Flow values as JSON: keys and strings quoted.
    pub json: bool,
    /// The line break of the file.
    pub eol: &'static str,
}

/// Appends `key: value` as block lines at `indent` spaces, each ending with a line break.
pub(crate) fn block_entry(
    out: &mut String,
    style: &Style,
    indent: usize,
    key: &str,
    value: &Value,
) {
    let key = scalar(key, style.json);
    match value {
        Value::Object(map) if !map.is_empty() => {
            line(out, style, indent, &format!("{key}:"));
            block_map(out, style, indent + style.step, map);
        }
        Value::Array(items) if !items.is_empty() => {
            line(out, style, indent, &format!("{key}:"));
            for item in items {
                block_item(out, style, indent + style.seq_indent, item);
            }
        }
        other => line(
            out,
            style,
            indent,
            &format!("{key}: {}", flow(other, style)),
        ),
    }
}

/// Appends the entries of `map` as block lines at `indent` spaces.
pub(crate) fn block_map(out: &mut String, style: &Style, indent: usize, map: &Map<String, Value>) {
    for (key, value) in map {
        block_entry(out, style, indent, key, value);
    }
}

/// Appends one block sequence item whose `-` is at column `indent`.
pub(crate) fn block_item(out: &mut String, style: &Style, indent: usize, item: &Value) {
    match item {
        Value::Object(map) if !map.is_empty() => {
            // The first entry goes on the dash's line, the others below it.
            let mut entries = String::new();
            block_map(&mut entries, style, indent + 2, map);
            let body = entries.get(indent + 2..).unwrap_or_default();
            out.push_str(&" ".repeat(indent));
            out.push_str("- ");
            out.push_str(body);
        }
        other => line(out, style, indent, &format!("- {}", flow(other, style))),
    }
}

fn line(out: &mut String, style: &Style, indent: usize, text: &str) {
    out.push_str(&" ".repeat(indent));
    out.push_str(text);
    out.push_str(style.eol);
}

/// `value` on one line: `{key: value, …}`, `[a, b]`, or a scalar.
pub(crate) fn flow(value: &Value, style: &Style) -> String {
    match value {
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", scalar(k, style.json), flow(v, style)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| flow(v, style)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::String(s) => scalar(s, style.json),
        other => other.to_string(),
    }
}

/// A string as a key or scalar: plain when YAML reads it back as the same string, else quoted.
pub(crate) fn scalar(s: &str, json: bool) -> String {
    if !json && plain_safe(s) {
        s.to_string()
    } else {
        Value::String(s.to_string()).to_string()
    }
}

/// Words that YAML 1.1 (as kubectl reads it) would turn into booleans or null.
const RESERVED: [&str; 10] = [
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
];

fn plain_safe(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const YAML: Style = Style {
        step: 2,
        seq_indent: 0,
        json: false,
        eol: "\n",
    };

    #[test]
    fn block_values_follow_the_style() {
        let mut out = String::new();
        let value = json!({"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}});
        block_entry(&mut out, &YAML, 4, "securityContext", &value);
        assert_eq!(
            out,
            "    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop:\n        - ALL\n"
        );
        let mut items = String::new();
        let indented = Style {
            seq_indent: 2,
            eol: "\r\n",
            ..YAML
        };
        block_entry(
            &mut items,
            &indented,
            0,
            "c",
            &json!([{"name": "a", "x": 1}, "b"]),
        );
        assert_eq!(items, "c:\r\n  - name: a\r\n    x: 1\r\n  - b\r\n");
    }

    #[test]
    fn scalars_are_quoted_when_plain_would_change_them() {
        assert_eq!(scalar("RuntimeDefault", false), "RuntimeDefault");
        assert_eq!(scalar("on", false), "\"on\"");
        assert_eq!(scalar("1000", false), "\"1000\"");
        assert_eq!(scalar("a b", false), "\"a b\"");
        assert_eq!(scalar("ALL", true), "\"ALL\"");
        let json_style = Style { json: true, ..YAML };
        assert_eq!(
            flow(&json!({"type": "RuntimeDefault", "n": 1}), &json_style),
            r#"{"type": "RuntimeDefault", "n": 1}"#
        );
    }
}
