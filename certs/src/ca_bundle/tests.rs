//! caBundle patching on text: replacement in every quoting style, insertion in block and flow
//! mappings, Lists, idempotence, and errors with positions.

use super::*;

const B: &str = "TkVXQ0E=";

fn patch(text: &str) -> PatchedText {
    patch_text(Path::new("m.yaml"), text, B).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn replaces_values_in_every_style_and_keeps_everything_else() {
    let text = r#"# Validating webhooks.
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: v   # the name
webhooks:
  - name: plain.example
    clientConfig:
      caBundle: T0xE   # old CA
      service: {name: s, namespace: n}
  - name: double.example
    clientConfig:
      caBundle: "T0xE"   # quoted "x"
      url: https://x
  - name: single.example
    clientConfig: {caBundle: 'T0xE', url: "https://y"}
  - name: empty.example
    clientConfig:
      caBundle:
      url: https://z
  - name: block.example
    clientConfig:
      caBundle: >-
        T0xE
        T0xE
      url: https://w
"#;
    let out = patch(text);
    let expected = text
        .replace("caBundle: T0xE   # old CA", "caBundle: TkVXQ0E=   # old CA")
        .replace(
            r#"caBundle: "T0xE"   # quoted "x""#,
            r#"caBundle: "TkVXQ0E="   # quoted "x""#,
        )
        .replace("{caBundle: 'T0xE',", "{caBundle: 'TkVXQ0E=',")
        .replace(
            "caBundle:\n      url: https://z",
            "caBundle: TkVXQ0E=\n      url: https://z",
        )
        .replace(
            "caBundle: >-\n        T0xE\n        T0xE\n",
            "caBundle: TkVXQ0E=\n",
        );
    assert_ne!(expected, text);
    assert_eq!(out.text, expected);
    assert_eq!(out.webhooks, 5);
    let lines: Vec<usize> = out.changes.iter().map(|c| c.line).collect();
    assert_eq!(lines, [9, 13, 16, 19, 23]);
    for c in &out.changes {
        let line = out.text.lines().nth(c.line - 1).unwrap_or_default();
        assert!(line.contains("caBundle"), "{c}: {line}");
        assert!(!c.inserted && c.kind == "ValidatingWebhookConfiguration" && c.config == "v");
    }
    assert_eq!(out.changes[1].webhook, "double.example");
    // A second run changes nothing.
    let again = patch(&out.text);
    assert_eq!(again.text, out.text);
    assert!(again.changes.is_empty());
    assert_eq!(again.webhooks, 5);
}

#[test]
fn inserts_missing_keys_at_the_right_indentation() {
    let text = "kind: MutatingWebhookConfiguration\nmetadata: {name: m}\nwebhooks:\n- name: a\n  clientConfig:\n    # where to call\n    service:\n      name: s\n- name: b\n  clientConfig: {url: \"https://x\"}\n- name: c\n  clientConfig: {}\n---\nkind: ConfigMap\ndata: {caBundle: x}\n";
    let out = patch(text);
    assert_eq!(
        out.text,
        "kind: MutatingWebhookConfiguration\nmetadata: {name: m}\nwebhooks:\n- name: a\n  clientConfig:\n    # where to call\n    caBundle: TkVXQ0E=\n    service:\n      name: s\n- name: b\n  clientConfig: {caBundle: TkVXQ0E=, url: \"https://x\"}\n- name: c\n  clientConfig: {caBundle: TkVXQ0E=}\n---\nkind: ConfigMap\ndata: {caBundle: x}\n"
    );
    let lines: Vec<(usize, bool)> = out.changes.iter().map(|c| (c.line, c.inserted)).collect();
    assert_eq!(lines, [(7, true), (11, true), (13, true)]);
    assert!(patch(&out.text).changes.is_empty());
}

#[test]
fn keeps_crlf_line_endings() {
    let text = "kind: ValidatingWebhookConfiguration\r\nwebhooks:\r\n- name: a\r\n  clientConfig:\r\n    url: https://x\r\n";
    let out = patch(text);
    assert_eq!(
        out.text,
        "kind: ValidatingWebhookConfiguration\r\nwebhooks:\r\n- name: a\r\n  clientConfig:\r\n    caBundle: TkVXQ0E=\r\n    url: https://x\r\n"
    );
}

#[test]
fn patches_inside_lists_and_counts_webhooks_without_changes() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- kind: ValidatingWebhookConfiguration\n  metadata: {name: v}\n  webhooks:\n  - name: a\n    clientConfig: {caBundle: TkVXQ0E=}\n  - name: b\n    clientConfig: {caBundle: old}\n";
    let out = patch(text);
    assert_eq!(out.webhooks, 2);
    assert_eq!(out.changes.len(), 1);
    assert_eq!(out.changes[0].webhook, "b");
    assert!(out.text.ends_with("{caBundle: TkVXQ0E=}\n"));
}

#[test]
fn errors_name_file_line_and_column() {
    let cases = [
        (
            "kind: ValidatingWebhookConfiguration\nwebhooks: [\n",
            "YAML syntax error",
        ),
        (
            "kind: ValidatingWebhookConfiguration\nmetadata: {name: v}\nwebhooks:\n  - name: a\n",
            "m.yaml:4:5: ValidatingWebhookConfiguration v, webhook a: no `clientConfig`",
        ),
        (
            "kind: ValidatingWebhookConfiguration\nmetadata: {name: v}\nwebhooks: 3\n",
            "m.yaml:3:11: ValidatingWebhookConfiguration v: `webhooks` must be a list",
        ),
        (
            "x: &c {url: y}\nkind: ValidatingWebhookConfiguration\nwebhooks:\n- name: a\n  clientConfig: *c\n",
            "not an alias",
        ),
        (
            "kind: ValidatingWebhookConfiguration\nwebhooks:\n- name: a\n  clientConfig: {caBundle: [1]}\n",
            "m.yaml:4:28: `caBundle` must be a string",
        ),
    ];
    for (text, want) in cases {
        let err = patch_text(Path::new("m.yaml"), text, B).map(|_| ()).err();
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains(want), "{text:?}: {msg:?}");
        assert!(msg.starts_with("m.yaml:"), "{msg}");
    }
}

#[test]
fn bundle_is_base64_of_the_pem_text() {
    assert_eq!(ca_bundle("NEWCA"), "TkVXQ0E=");
}
