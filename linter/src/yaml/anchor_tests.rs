//! Anchors, aliases and merge keys: values, positions of copied nodes, and the limits that stop
//! alias bombs, deep nesting and quadratic position tables.

use serde_json::json;

use super::{Document, Position, YamlError, parse_documents};

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

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "\
base: &base
  cpu: 1
  memory: 2Gi
extra: &extra {cpu: 9, gpu: 1}
one:
  <<: *base
  memory: 4Gi
two:
  memory: 8Gi
  <<: [*extra, *base]
three: *base
four:
  <<: {inline: yes}
";
    let doc = &parse(text)[0];
    let v = &doc.value;
    assert_eq!(v["one"], json!({"memory": "4Gi", "cpu": 1}));
    assert_eq!(v["two"], json!({"memory": "8Gi", "cpu": 9, "gpu": 1}));
    assert_eq!(v["three"], json!({"cpu": 1, "memory": "2Gi"}));
    assert_eq!(v["four"], json!({"inline": true}));
    // Explicit keys keep their own position; merged ones point where they were written.
    assert_eq!(doc.position("/one/memory"), at(7, 3));
    assert_eq!(doc.position("/one/cpu"), at(2, 3));
    assert_eq!(doc.position("/two/cpu"), at(4, 16));
    assert_eq!(doc.position("/two/gpu"), at(4, 24));
    assert_eq!(doc.position("/two/memory"), at(9, 3));
    assert_eq!(doc.position("/three"), at(11, 1));
    assert_eq!(doc.position("/three/memory"), at(3, 3));
    assert_eq!(doc.position("/four/inline"), at(13, 8));
}

#[test]
fn merge_slots_are_not_addressable_and_anchors_inside_them_still_work() {
    let text = "\
a:
  <<: &x {k: 1, nested: {n: 2}}
  \"<<\": literal
b: *x
c: &c
  <<: *x
  own: 3
d: *c
";
    let doc = &parse(text)[0];
    assert_eq!(
        doc.value["a"],
        json!({"<<": "literal", "k": 1, "nested": {"false": 2}})
    );
    assert_eq!(doc.position("/a/<<"), at(3, 3));
    assert_eq!(doc.position("/a/<</k"), None);
    assert_eq!(doc.position("/a/k"), at(2, 11));
    assert_eq!(doc.position("/a/nested/false"), at(2, 26));
    assert_eq!(doc.position("/b/nested/false"), at(2, 26));
    assert_eq!(
        doc.value["d"],
        json!({"own": 3, "k": 1, "nested": {"false": 2}})
    );
    assert_eq!(doc.position("/d/own"), at(7, 3));
    assert_eq!(doc.position("/d/nested/false"), at(2, 26));
    assert_eq!(doc.position("/d/<<"), None);
}

#[test]
fn merge_values_must_be_mappings() {
    let e = parse_err("a: &a 1\nb:\n  <<: *a\n");
    assert_eq!((e.line, e.column), (3, 3));
    assert!(e.message.contains("merge key"), "{e}");
    let e = parse_err("a: &a {x: 1}\nb:\n  <<: [*a, 2]\n");
    assert!(e.message.contains("merge key"), "{e}");
}

#[test]
fn collection_keys_and_recursive_aliases_are_errors() {
    let e = parse_err("a: 1\n? [x, y]\n: 2\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("cannot be a mapping key"), "{e}");
    let e = parse_err("a: &m {x: 1}\n*m : 2\n");
    assert_eq!(e.line, 2);
    let e = parse_err("a: &r [1, *r]\n");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("not complete"), "{e}");
    // A scalar alias is a fine key.
    assert_eq!(
        parse("k: &k name\n*k : 2\n")[0].value,
        json!({"k": "name", "name": 2})
    );
}

#[test]
fn alias_bombs_stop_with_an_error() {
    let mut text = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*l{}", i - 1); 10].join(", ");
        text.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    let e = parse_err(&text);
    assert!(e.message.contains("aliases expand to more than"), "{e}");
    assert!(e.line > 1 && e.line <= 10, "{e}");
}

#[test]
fn aliases_of_long_strings_are_capped_too() {
    let long = "x".repeat(1 << 20);
    let refs = vec!["*s"; 100].join(", ");
    let text = format!("s: &s {long}\nl: [{refs}]\n");
    let e = parse_err(&text);
    assert!(e.message.contains("bytes"), "{e}");
    assert_eq!(e.line, 2);
}

#[test]
fn long_keys_above_many_nodes_stay_linear() {
    let key = "k".repeat(200_000);
    let items = "- 1\n".repeat(50_000);
    // Implicit keys are limited to 1024 characters; an explicit key (`?`) is not.
    let text = format!("? {key}\n:\n{items}");
    let started = std::time::Instant::now();
    let doc = &parse(&text)[0];
    assert_eq!(doc.position(&format!("/{key}/49999")), at(50_002, 3));
    // Pointer strings of every node would be 10 GB here; the tree of segments is not.
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let flow = "[".repeat(100_000);
    assert!(parse_documents(&flow).is_err());
    let block: String = (0..2000)
        .map(|i| format!("{}a:\n", " ".repeat(i)))
        .collect();
    let e = parse_err(&block);
    assert!(e.message.contains("nesting deeper than"), "{e}");
    assert_eq!(e.line, 513);
    // Just inside the limit: parsed, located and dropped without trouble.
    let inside: String = (0..500).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
    let doc = &parse(&inside)[0];
    assert_eq!(doc.position(&"/a".repeat(500)), at(500, 500));
    let sequence = format!("a: &a {}1{}\nb: [[*a]]\n", "[".repeat(200), "]".repeat(200));
    assert!(parse_documents(&sequence).is_ok());
    let chained: String = (0..4)
        .map(|i| {
            let inner = if i == 0 {
                "1".to_owned()
            } else {
                format!("*a{}", i - 1)
            };
            format!(
                "a{i}: &a{i} {}{inner}{}\n",
                "[".repeat(200),
                "]".repeat(200)
            )
        })
        .collect();
    let e = parse_err(&chained);
    assert!(e.message.contains("deeper than"), "{e}");
}
