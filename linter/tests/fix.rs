//! `lint --fix`: the fixes spliced into the text, exactly. Every case is also fixed a second
//! time, which must change nothing.

use palisade_linter::fix::{FileFix, fix_sources};
use palisade_linter::{Config, Linter, SourceFile};
use palisade_policies::Engine;
use std::sync::atomic::AtomicUsize;

fn fix_once(name: &str, text: &str) -> FileFix {
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let sources = vec![SourceFile {
        name: name.into(),
        text: text.into(),
    }];
    let linter = Linter::new(engine.clone(), Config::default());
    let run = linter.lint(sources.clone(), &AtomicUsize::new(0));
    assert!(run.errors.is_empty(), "{:?}", run.errors);
    let mut fixes = fix_sources(&engine, &sources, &run.report.findings);
    fixes.pop().unwrap_or_else(|| panic!("no result"))
}

/// The fixed text; fixing it again changes nothing.
fn fixed(name: &str, text: &str) -> String {
    let first = fix_once(name, text);
    assert!(first.notes.is_empty(), "{:?}", first.notes);
    let out = first
        .fixed
        .unwrap_or_else(|| panic!("{name}: nothing fixed"));
    let again = fix_once(name, &out);
    assert_eq!(again.fixed, None, "{name}: a second --fix changed the text");
    out
}

#[test]
fn block_style_keeps_comments_quoting_and_indentation() {
    let text = r#"# web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web  # the name
spec:
  template:
    spec:
      securityContext:
        runAsUser: 1000   # non-root uid
      containers:
        - name: app
          image: "nginx:1.27"
          ports:
            - containerPort: 8080
      # the end
"#;
    let expected = r#"# web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web  # the name
spec:
  template:
    spec:
      securityContext:
        runAsUser: 1000   # non-root uid
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: "nginx:1.27"
          ports:
            - containerPort: 8080
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop:
                - ALL
      # the end
"#;
    assert_eq!(fixed("web.yaml", text), expected);
}

#[test]
fn flow_style_is_followed_and_explicit_values_kept() {
    let text = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    securityContext: {}
  - name: b
    securityContext: {capabilities: {drop: [NET_RAW]}, allowPrivilegeEscalation: true}
";
    let expected = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
  - name: b
    securityContext: {capabilities: {drop: [NET_RAW, ALL]}, allowPrivilegeEscalation: true}
  securityContext:
    seccompProfile:
      type: RuntimeDefault
";
    assert_eq!(fixed("flow.yaml", text), expected);
}

#[test]
fn null_values_lists_documents_and_crlf() {
    let text = "apiVersion: v1\r
kind: List\r
items:\r
- apiVersion: v1\r
  kind: Pod\r
  metadata:\r
    name: a\r
  spec:\r
    securityContext:\r
      seccompProfile: {type: RuntimeDefault}\r
    containers:\r
    - name: c\r
      securityContext:   # to be filled\r
---\r
apiVersion: batch/v1\r
kind: Job\r
metadata:\r
  name: j\r
spec:\r
  template:\r
    spec:\r
      securityContext: ~\r
      initContainers:\r
      - name: i\r
        securityContext:\r
          capabilities:\r
            drop:\r
            - NET_RAW\r
      containers:\r
      - name: c\r
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}";
    let expected = "apiVersion: v1\r
kind: List\r
items:\r
- apiVersion: v1\r
  kind: Pod\r
  metadata:\r
    name: a\r
  spec:\r
    securityContext:\r
      seccompProfile: {type: RuntimeDefault}\r
    containers:\r
    - name: c\r
      securityContext:   # to be filled\r
        allowPrivilegeEscalation: false\r
        capabilities:\r
          drop:\r
          - ALL\r
---\r
apiVersion: batch/v1\r
kind: Job\r
metadata:\r
  name: j\r
spec:\r
  template:\r
    spec:\r
      securityContext:\r
        seccompProfile:\r
          type: RuntimeDefault\r
      initContainers:\r
      - name: i\r
        securityContext:\r
          capabilities:\r
            drop:\r
            - NET_RAW\r
            - ALL\r
          allowPrivilegeEscalation: false\r
      containers:\r
      - name: c\r
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}";
    assert_eq!(fixed("list.yaml", text), expected);
}

#[test]
fn json_documents_stay_json() {
    let text = r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "p"},
  "spec": {
    "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
    "containers": [
      {
        "name": "a",
        "securityContext": {
          "capabilities": {"drop": ["ALL"]}
        }
      }
    ]
  }
}
"#;
    let expected = r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "p"},
  "spec": {
    "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
    "containers": [
      {
        "name": "a",
        "securityContext": {
          "capabilities": {"drop": ["ALL"]},
          "allowPrivilegeEscalation": false
        }
      }
    ]
  }
}
"#;
    let out = fixed("pod.json", text);
    assert_eq!(out, expected);
    serde_json::from_str::<serde_json::Value>(&out).unwrap_or_else(|e| panic!("not JSON: {e}"));
}

#[test]
fn anchors_are_left_alone_with_a_note() {
    let text = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - &app {name: a, image: x}
  initContainers:
  - *app
";
    let fix = fix_once("anchors.yaml", text);
    assert_eq!(fix.fixed, None);
    assert_eq!(
        fix.notes,
        [
            "anchors.yaml:1: not fixed: the document uses YAML anchors, aliases, tags or merge keys (line 6), so one edit could change several places"
        ]
    );
}

#[test]
fn suppressed_and_unreported_rules_fix_nothing() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    palisade.dev/ignore: \"PSS-CAPABILITIES-RESTRICTED: needs raw sockets\"
spec:
  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: a
    securityContext:
      allowPrivilegeEscalation: false
";
    assert_eq!(fix_once("suppressed.yaml", text).fixed, None);
}

#[test]
fn block_scalars_flow_nulls_and_a_text_without_final_line_break() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  initContainers:
  - {name: i, securityContext: null}
  containers:
  - name: a
    args:
    - |
      echo hi

    script: |
      sleep 1";
    let expected = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  initContainers:
  - {name: i, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}
  containers:
  - name: a
    args:
    - |
      echo hi

    script: |
      sleep 1
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop:
        - ALL
";
    assert_eq!(fixed("scalars.yaml", text), expected);
}

#[test]
fn real_world_manifests_are_fixed_once_and_read_back() {
    let Some(root) = palisade_policies::fixtures::dir("real-world") else {
        return;
    };
    let mut paths = palisade_linter::discover(&[root]).unwrap_or_else(|e| panic!("{e}"));
    paths.sort();
    let sources: Vec<SourceFile> = paths
        .iter()
        .filter_map(|p| palisade_linter::read(p).ok())
        .collect();
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let linter = Linter::new(engine.clone(), Config::default());
    let fix_all = |sources: &[SourceFile]| {
        let run = linter.lint(sources.to_vec(), &AtomicUsize::new(0));
        fix_sources(&engine, sources, &run.report.findings)
    };
    let first = fix_all(&sources);
    let notes: Vec<&String> = first.iter().flat_map(|f| &f.notes).collect();
    assert!(notes.is_empty(), "{notes:#?}");
    let objects: usize = first.iter().map(|f| f.objects).sum();
    let files = first.iter().filter(|f| f.fixed.is_some()).count();
    println!("real-world manifests: {objects} objects fixed in {files} files");
    assert!(objects >= 30, "only {objects} objects fixed");
    let fixed: Vec<SourceFile> = sources
        .iter()
        .zip(first)
        .map(|(s, f)| SourceFile {
            name: s.name.clone(),
            text: f.fixed.unwrap_or_else(|| s.text.clone()),
        })
        .collect();
    let second = fix_all(&fixed);
    let changed: Vec<&str> = second
        .iter()
        .filter(|f| f.fixed.is_some())
        .map(|f| f.name.as_str())
        .collect();
    assert!(changed.is_empty(), "a second --fix changed {changed:?}");
}
