//! The YAML reader as the linter sees it: values, positions of nodes by JSON pointer,
//! multi-document streams, anchors and merge keys, errors with their line and column, limits.

use palisade_linter::yaml::{Document, Position, YamlError, parse_documents};
use serde_json::json;

fn parse(text: &str) -> Vec<Document> {
    parse_documents(text).unwrap_or_else(|e| {
        let start: String = text.chars().take(300).collect();
        panic!("{e}\n---\n{start}")
    })
}

fn parse_err(text: &str) -> YamlError {
    match parse_documents(text) {
        Ok(docs) => panic!("expected an error, got {} documents", docs.len()),
        Err(e) => e,
    }
}

fn at(line: usize, column: usize) -> Option<Position> {
    Some(Position { line, column })
}

const POD: &str = "\
# a pod
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    container.apparmor.security.pod.kubernetes.io/app: runtime/default
    odd~key: x
spec:
  containers:
  - name: app
    image: nginx
    args: [--port, \"8080\", {k: v}]
    securityContext:
      privileged: true
    command: |
      run
      fast
    env:
      - name: A
        value: >
          folded
          text
      -   name: B
  volumes: []
";

#[test]
fn positions_of_block_mappings_and_sequences() {
    let docs = parse(POD);
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    assert_eq!(doc.line, 2);
    assert_eq!(doc.position(""), at(2, 1));
    assert_eq!(doc.position("/kind"), at(3, 1));
    assert_eq!(doc.position("/metadata/name"), at(5, 3));
    assert_eq!(doc.position("/spec/containers"), at(10, 3));
    // A sequence item: the line of its `-`, the column of its content.
    assert_eq!(doc.position("/spec/containers/0"), at(11, 5));
    assert_eq!(doc.position("/spec/containers/0/name"), at(11, 5));
    let privileged = "/spec/containers/0/securityContext/privileged";
    assert_eq!(doc.position(privileged), at(15, 7));
    assert_eq!(doc.value.pointer(privileged), Some(&json!(true)));
    assert_eq!(doc.position("/spec/containers/0/env/0"), at(20, 9));
    assert_eq!(doc.position("/spec/containers/0/env/1"), at(24, 11));
    assert_eq!(doc.position("/spec/containers/0/env/1/name"), at(24, 11));
    assert_eq!(doc.position("/spec/volumes"), at(25, 3));
    assert_eq!(doc.position("/spec/containers/1"), None);
}

#[test]
fn positions_in_flow_style() {
    let doc = &parse(POD)[0];
    let args = "/spec/containers/0/args";
    assert_eq!(
        doc.value.pointer(args),
        Some(&json!(["--port", "8080", {"k": "v"}]))
    );
    assert_eq!(doc.position(args), at(13, 5));
    assert_eq!(doc.position(&format!("{args}/0")), at(13, 12));
    assert_eq!(doc.position(&format!("{args}/1")), at(13, 20));
    assert_eq!(doc.position(&format!("{args}/2")), at(13, 28));
    assert_eq!(doc.position(&format!("{args}/2/k")), at(13, 29));
}

#[test]
fn block_scalars_keep_their_text_and_later_lines_stay_right() {
    let doc = &parse(POD)[0];
    let command = "/spec/containers/0/command";
    assert_eq!(doc.value.pointer(command), Some(&json!("run\nfast\n")));
    assert_eq!(doc.position(command), at(16, 5));
    let folded = "/spec/containers/0/env/0/value";
    assert_eq!(doc.value.pointer(folded), Some(&json!("folded text\n")));
    assert_eq!(doc.position(folded), at(21, 9));
    assert_eq!(doc.position("/spec/containers/0/env"), at(19, 5));
}

#[test]
fn keys_with_slash_and_tilde_are_escaped_in_pointers() {
    let doc = &parse(POD)[0];
    let apparmor = "/metadata/annotations/container.apparmor.security.pod.kubernetes.io~1app";
    assert_eq!(doc.position(apparmor), at(7, 5));
    assert_eq!(doc.value.pointer(apparmor), Some(&json!("runtime/default")));
    assert_eq!(doc.position("/metadata/annotations/odd~0key"), at(8, 5));
    assert_eq!(doc.position("/metadata/annotations/odd~key"), None);
}

#[test]
fn locate_falls_back_to_the_nearest_ancestor_then_the_document() {
    let doc = &parse(POD)[0];
    let missing = "/spec/containers/0/securityContext/runAsNonRoot";
    assert_eq!(doc.position(missing), None);
    assert_eq!(
        doc.locate(missing),
        Position {
            line: 14,
            column: 5
        }
    );
    assert_eq!(
        doc.locate("/spec/containers/7/x"),
        Position {
            line: 10,
            column: 3
        }
    );
    assert_eq!(doc.locate("/nope"), Position { line: 2, column: 1 });
    assert_eq!(doc.locate("no-slash"), Position { line: 2, column: 1 });
}

#[test]
fn multi_document_streams_give_each_document_its_lines() {
    let text = "\
---
# empty document above and comment-only below
---
a: 1
---
# only a comment
...
---

b:
  - 2
...
--- c
---
";
    let docs = parse(text);
    let values: Vec<_> = docs.iter().map(|d| d.value.clone()).collect();
    assert_eq!(values, [json!({"a": 1}), json!({"b": [2]}), json!("c")]);
    assert_eq!(docs.iter().map(|d| d.line).collect::<Vec<_>>(), [4, 10, 13]);
    assert_eq!(docs[1].position("/b/0"), at(11, 5));
    assert_eq!(docs[2].position(""), at(13, 5));
}

#[test]
fn empty_streams_give_no_documents() {
    for text in [
        "",
        "\n\n",
        "# nothing\n",
        "---\n",
        "---\n...\n",
        "--- # c\n---\n# c\n",
        "\u{feff}",
    ] {
        assert!(parse(text).is_empty(), "{text:?}");
    }
    assert_eq!(parse("--- ~\n")[0].value, json!(null));
}

#[test]
fn duplicate_keys_name_the_key_and_both_lines() {
    let e = parse_err("metadata:\n  name: a\n  labels: {}\n  name: b\n");
    assert_eq!((e.line, e.column), (4, 3));
    assert!(e.message.contains("\"name\""), "{e}");
    assert!(e.message.contains("line 2"), "{e}");
    assert_eq!(e.to_string(), format!("line 4, column 3: {}", e.message));
    let e = parse_err("{a: 1, a: 2}");
    assert_eq!((e.line, e.column), (1, 8));
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let cases = [
        ("a: b\n  c: d\n", 2, 4, "mapping values are not allowed"),
        ("a:\n  - b\n c: d\n", 3, 2, "did not find expected key"),
        ("a: \"unclosed\n", 1, 4, "quoted scalar"),
        ("key: value\n\tb: 1\n", 1, 6, "tab"),
        ("a: *nope\n", 1, 4, "unknown anchor"),
        ("a: 1\n---\nb: *x\n---\nc: &x 1\n", 3, 4, "unknown anchor"),
    ];
    for (text, line, column, words) in cases {
        let e = parse_err(text);
        assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
        assert!(e.message.contains(words), "{text:?}: {e}");
    }
}

#[test]
fn real_world_manifests_parse() {
    let Some(root) = palisade_policies::fixtures::dir("real-world") else {
        return;
    };
    let mut stack = vec![root];
    let mut parsed = 0;
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let is_yaml = path.extension().is_some_and(|x| x == "yaml" || x == "yml");
            // Unrendered Helm templates are not YAML until rendered.
            let template = path.to_string_lossy().contains("/templates/");
            if !is_yaml || template {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
            let docs = parse_documents(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for doc in &docs {
                assert!(doc.position("").is_some(), "{}", path.display());
            }
            parsed += 1;
        }
    }
    assert!(parsed > 100, "only {parsed} files");
}

#[test]
fn crlf_line_ends_and_block_scalar_items() {
    let doc = &parse("a: 1\r\nb:\r\n  - x\r\n  - |\r\n    text\r\n  - z\r\n")[0];
    assert_eq!(doc.value, json!({"a": 1, "b": ["x", "text\n", "z"]}));
    assert_eq!(doc.position("/b"), at(2, 1));
    assert_eq!(doc.position("/b/0"), at(3, 5));
    // A block scalar item is located at its first line of content, not at its `-`.
    assert_eq!(doc.position("/b/1"), at(5, 5));
    assert_eq!(doc.position("/b/2"), at(6, 5));
}

#[test]
fn columns_count_characters() {
    let doc = &parse("é: {ü: ok, b: [1, ✓]}\n")[0];
    assert_eq!(doc.position("/é/ü"), at(1, 5));
    assert_eq!(doc.position("/é/b/1"), at(1, 19));
}

/// Prints how long one parse of a real multi-document file takes.
#[test]
#[ignore = "timing: cargo test --release -p palisade-linter --test linter yaml -- --ignored --nocapture"]
fn parse_speed() {
    let Some(dir) = palisade_policies::fixtures::dir("real-world/microservices-demo") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("kubernetes-manifests.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let rounds = 500;
    let started = std::time::Instant::now();
    let mut documents = 0;
    for _ in 0..rounds {
        documents = parse(&text).len();
    }
    let each = started.elapsed() / rounds;
    let lines = text.lines().count();
    println!(
        "{documents} documents, {lines} lines, {} bytes: {each:?} per parse",
        text.len()
    );
}
