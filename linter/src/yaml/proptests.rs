//! Property tests: the reader never panics, whatever the input, and JSON (which is YAML flow
//! style) reads back as the same value with a position for every node.

use proptest::prelude::*;
use serde_json::Value;

use super::parse_documents;

const MANIFEST: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    container.apparmor.security.pod.kubernetes.io/app: runtime/default
spec:
  template:
    spec:
      containers:
      - name: app
        image: \"nginx:1.25\"
        args: [--port, '8080', {x: &a 1}]
        securityContext: &sc
          privileged: true
        command: |
          run
          --fast
      - <<: {name: b}
        securityContext: *sc
---
# second
kind: List
items: [&x {a: 1}, *x]
...
";

/// Pieces that make the parser take unusual paths when spliced into valid text.
const PIECES: &[&str] = &[
    "-",
    " ",
    "\n",
    ":",
    "[",
    "]",
    "{",
    "}",
    ",",
    "?",
    "&a",
    "*a",
    "*sc",
    "!!str",
    "!",
    "|",
    ">",
    "\"",
    "'",
    "#",
    "---",
    "...",
    "%YAML 1.2\n",
    "\t",
    "\\",
    "<<: ",
    "é",
    "\r",
    "  - ",
    "\u{feff}",
    "0x",
    ".inf",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC*".prop_map(Value::String),
        "[a-z/~.:-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(("\\PC{0,10}", inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Every JSON pointer of `value`, the root included.
fn pointers(value: &Value, prefix: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{prefix}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                pointers(item, format!("{prefix}/{token}"), out);
            }
        }
        _ => {}
    }
    out.push(prefix);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = parse_documents(&text);
    }

    #[test]
    fn never_panics_on_arbitrary_yaml_like_text(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..60)) {
        let _ = parse_documents(&pieces.concat());
    }

    #[test]
    fn never_panics_on_mutated_manifests(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..3u8, prop::sample::select(PIECES)), 1..6)
    ) {
        let mut text = MANIFEST.to_owned();
        for (index, op, piece) in edits {
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let at = boundaries[index.index(boundaries.len())];
            match op {
                0 => text.insert_str(at, piece),
                1 => {
                    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                    text.replace_range(at..end, "");
                }
                _ => text.replace_range(at.., ""),
            }
        }
        let _ = parse_documents(&text);
    }

    #[test]
    fn json_reads_back_equal_with_every_node_located(value in json_value()) {
        let text = serde_json::to_string(&value).unwrap_or_else(|e| panic!("{e}"));
        let docs = parse_documents(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        prop_assert_eq!(docs.len(), 1);
        prop_assert_eq!(&docs[0].value, &value);
        let mut all = Vec::new();
        pointers(&value, String::new(), &mut all);
        for pointer in all {
            prop_assert!(docs[0].position(&pointer).is_some(), "no position for {:?}", pointer);
        }
    }
}
