//! `palisade lint` as a user runs it: exit codes, exact lines, stdin, bad input.

use crate::support::line_of;
use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn palisade() -> Command {
    Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"))
}

fn repo(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(p)
        .display()
        .to_string()
}

fn lint_json(args: &[&str], stdin: Option<&str>) -> (i32, Value, String) {
    let mut cmd = palisade();
    cmd.arg("lint").arg("--format").arg("json").args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The findings, but the low NETPOL-MISSING-* warnings that every workload without a
/// NetworkPolicy gets (tests/cli_coverage.rs tests those).
fn findings(json: &Value) -> Vec<&Value> {
    json["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| !missing_policy(f)).collect())
        .unwrap_or_default()
}

fn missing_policy(finding: &Value) -> bool {
    finding["rule"]
        .as_str()
        .is_some_and(|r| r.starts_with("NETPOL-MISSING-"))
}

#[test]
fn examples_flag_the_privileged_daemonset_at_exact_lines() {
    let (code, json, stderr) = lint_json(&[&repo("examples")], None);
    assert_eq!(code, 1, "{stderr}");
    let file = repo("examples/scope-probe-privileged.yaml");
    let at = |rule: &str| -> Vec<usize> {
        findings(&json)
            .iter()
            .filter(|f| f["rule"] == rule && f["file"] == file.as_str())
            .map(|f| f["line"].as_u64().unwrap_or(0) as usize)
            .collect()
    };
    assert_eq!(at("PSS-PRIVILEGED"), [line_of(&file, "privileged: true")]);
    let host = at("PSS-HOST-NAMESPACES");
    assert!(host.contains(&line_of(&file, "hostPID: true")), "{host:?}");
    assert!(
        host.contains(&line_of(&file, "hostNetwork: true")),
        "{host:?}"
    );
    let paths = at("PSS-HOST-PATH-VOLUMES");
    assert!(
        paths.contains(&line_of(&file, "path: /var/run/docker.sock"))
            || paths.contains(&(line_of(&file, "path: /var/run/docker.sock") - 1)),
        "{paths:?}"
    );
}

#[test]
fn hardened_deployment_is_clean_at_restricted() {
    let (code, json, stderr) = lint_json(
        &[
            "--pss-level",
            "restricted",
            &repo("examples/scope-app-hardened.yaml"),
        ],
        None,
    );
    assert_eq!(findings(&json), Vec::<&Value>::new(), "{stderr}");
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["objects"], 5);
}

#[test]
fn narrowed_impersonation_is_never_high() {
    let file = repo("examples/gitops-impersonation.yaml");
    let (code, json, stderr) = lint_json(&[&file], None);
    assert!(json.is_object(), "{stderr}");
    // Reported (low), but below the default fail-on (medium): CI passes with a note.
    assert_eq!(code, 0, "{json}");
    // Regression: this passed with no impersonation finding at all.
    let impersonation: Vec<(&Value, &Value, &Value)> = findings(&json)
        .into_iter()
        .filter(|f| f["rule"] == "RBAC-IMPERSONATE")
        .map(|f| (&f["severity"], &f["line"], &f["outcome"]))
        .collect();
    let names = line_of(&file, "resourceNames: [dashboard-admin");
    assert_eq!(
        impersonation,
        [(
            &Value::from("low"),
            &Value::from(names),
            &Value::from("warn")
        )],
        "{json}"
    );
    assert!(
        findings(&json).iter().all(|f| f["outcome"] == "warn"),
        "{json}"
    );
    for f in findings(&json) {
        let sev = f["severity"].as_str().unwrap_or_default();
        assert!(!matches!(sev, "high" | "critical"), "false alarm: {f}");
    }
}

#[test]
fn stdin_is_linted_as_dash() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostIPC: true\n  containers:\n  - name: a\n    image: x\n";
    let (code, json, _) = lint_json(&["--pss-level", "baseline", "-"], Some(pod));
    assert_eq!(code, 1);
    let f = findings(&json);
    assert!(
        f.iter()
            .any(|f| f["rule"] == "PSS-HOST-NAMESPACES" && f["file"] == "-" && f["line"] == 6),
        "{json}"
    );
}

#[test]
fn lists_are_expanded_with_item_lines() {
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec:\n    containers: [{name: a, image: x}]\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n  spec:\n    hostPID: true\n    containers: [{name: b, image: x}]\n";
    let (_, json, _) = lint_json(&["--pss-level", "baseline", "-"], Some(list));
    assert_eq!(json["summary"]["objects"], 2);
    let f = findings(&json);
    assert_eq!(f.len(), 1, "{json}");
    assert_eq!(f[0]["name"], "b");
    assert_eq!(f[0]["line"], 13);
}

#[test]
fn bad_input_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cases = [
        // The flow sequence is still open at the end of the file (line 5).
        (
            "syntax.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a\n".as_bytes(),
            "syntax.yaml:5:1: YAML syntax error",
        ),
        (
            "template.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n".as_bytes(),
            "template.yaml:4:1: unrendered template",
        ),
        (
            "scalar.yaml",
            "just a string\n".as_bytes(),
            "scalar.yaml:1:1: expected a Kubernetes object",
        ),
        (
            "binary.yaml",
            b"apiVersion: v1\n\x00\x01\x02".as_slice(),
            "binary.yaml:2:1: binary file",
        ),
    ];
    for (name, body, expect) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap_or_else(|e| panic!("{e}"));
        let out = palisade()
            .arg("lint")
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        let errors: Vec<&str> = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("palisade: error: "))
            .collect();
        assert_eq!(errors.len(), 1, "{name}: {stderr}");
        // `expect` starts with the file name; the error names the path as given.
        let want = format!("{}{}", path.display(), &expect[name.len()..]);
        assert!(errors[0].starts_with(&want), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    let out = palisade()
        .arg("lint")
        .arg(dir.path().join("missing.yaml"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.yaml"));
}

#[test]
fn empty_and_comment_only_documents_are_fine() {
    let text = "# nothing here\n---\n# nor here\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n";
    let (code, json, stderr) = lint_json(&["-"], Some(text));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["summary"]["objects"], 1);
    // Without any object, the input is accepted only when asked to be.
    let comments = "# nothing here\n---\n# nor here\n";
    let (code, json, stderr) = lint_json(&["--allow-empty", "-"], Some(comments));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["summary"]["objects"], 0);
}

#[test]
fn suppression_needs_a_reason() {
    let pod = |annotation: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    palisade.dev/ignore: \"{annotation}\"\nspec:\n  hostPID: true\n  containers: [{{name: a, image: x}}]\n"
        )
    };
    let (code, json, _) = lint_json(
        &["--pss-level", "baseline", "-"],
        Some(&pod("PSS-HOST-NAMESPACES: node agent")),
    );
    assert_eq!(code, 0, "{json}");
    assert!(findings(&json).is_empty());
    let (code, json, _) = lint_json(
        &["--pss-level", "baseline", "-"],
        Some(&pod("PSS-HOST-NAMESPACES")),
    );
    assert_eq!(code, 1);
    let rules: Vec<_> = findings(&json)
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        rules.contains(&"PSS-HOST-NAMESPACES".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"PALISADE-SUPPRESSION".to_string()),
        "{rules:?}"
    );
}

#[test]
fn fail_on_threshold_sets_exit_code() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: a, image: x}]\n";
    let (code, _, _) = lint_json(
        &["--pss-level", "baseline", "--fail-on", "critical", "-"],
        Some(pod),
    );
    assert_eq!(code, 0);
    let (code, _, _) = lint_json(
        &["--pss-level", "baseline", "--fail-on", "high", "-"],
        Some(pod),
    );
    assert_eq!(code, 1);
}

/// Regression: `rules.severity` lowered to medium turned narrowed `low` secret reads into
/// `medium` findings and failed CI; an override sets the rule's top severity only.
#[test]
fn a_severity_override_never_raises_narrowed_findings() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cfg = dir.path().join("palisade.yaml");
    std::fs::write(&cfg, "rules:\n  severity: {RBAC-SECRETS-READ: medium}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let cfg = cfg.display().to_string();
    let example = repo("examples/gitops-impersonation.yaml");
    let (code, json, stderr) = lint_json(&["--config", &cfg, &example], None);
    assert_eq!(code, 0, "{stderr}{json}");
    let secrets: Vec<&Value> = findings(&json)
        .into_iter()
        .filter(|f| f["rule"] == "RBAC-SECRETS-READ")
        .collect();
    assert!(!secrets.is_empty());
    assert!(secrets.iter().all(|f| f["severity"] == "low"), "{json}");
    // The same override still sets (lowers) the top severity of an unrestricted read.
    let all = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n- {apiGroups: [''], resources: [secrets], verbs: [get]}\n";
    let (code, json, _) = lint_json(&["--config", &cfg, "-"], Some(all));
    assert_eq!(code, 1);
    assert!(
        findings(&json)
            .iter()
            .any(|f| f["rule"] == "RBAC-SECRETS-READ" && f["severity"] == "medium"),
        "{json}"
    );
}

/// Each RBAC escalation-path rule on the line of the verb (or resourceNames, or rule) it is
/// about, at the severity its reach gives it: cluster-wide or in kube-system high, in an
/// application namespace lower, narrowed low, a cluster-scoped resource in a Role an info note.
#[test]
fn rbac_escalation_paths_at_exact_lines() {
    let file = repo("tests/data/rbac/escalation-paths.yaml");
    let (code, json, stderr) = lint_json(&[&file], None);
    assert_eq!(code, 1, "{stderr}");
    let mut got: Vec<(String, usize, String)> = findings(&json)
        .iter()
        .filter(|f| f["file"] == file.as_str())
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0) as usize,
                f["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    got.sort();
    let at = |rule: &str, needle: &str, severity: &str| {
        (
            rule.to_string(),
            line_of(&file, needle),
            severity.to_string(),
        )
    };
    let mut want = vec![
        at("RBAC-NODES-WRITE", "# nodes-write", "high"),
        at("RBAC-WORKLOAD-MODIFY", "# workload-modify", "medium"),
        at("RBAC-POD-DELETE", "# pod-delete", "medium"),
        at("RBAC-NAMESPACES-WRITE", "# namespaces-write", "high"),
        at("RBAC-API-EXTENSIONS", "# api-extensions", "high"),
        at("RBAC-WEBHOOK-CONFIG", "# webhook-config", "high"),
        at("RBAC-CONFIGMAPS-WRITE", "# configmaps-cluster", "high"),
        at("RBAC-SECRETS-WRITE", "# secrets-kube-system", "high"),
        at("RBAC-CONFIGMAPS-WRITE", "# configmaps-app", "low"),
        at("RBAC-CONFIGMAPS-WRITE", "# configmaps-narrowed", "low"),
        // The note points at the rule (`- apiGroups:`), the line above `resources: [nodes]`.
        (
            "RBAC-NODES-WRITE".to_string(),
            line_of(&file, "# nodes-in-a-role") - 2,
            "info".to_string(),
        ),
    ];
    want.sort();
    assert_eq!(got, want, "{json:#}");
}

#[test]
fn rules_lists_the_catalogue_as_json() {
    let out = palisade()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = json["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let pss = ids.iter().filter(|i| i.starts_with("PSS-")).count();
    let rbac = ids.iter().filter(|i| i.starts_with("RBAC-")).count();
    assert_eq!((pss, rbac), (18, 23), "{ids:?}");
}

/// kubectl reads `yes` as true (YAML 1.1); CI must too, or a host-namespace pod slips through.
#[test]
fn yaml_1_1_booleans_are_read_as_kubectl_reads_them() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: yes\n  containers: [{name: a, image: x}]\n";
    let (code, json, _) = lint_json(&["--pss-level", "baseline", "-"], Some(pod));
    assert_eq!(code, 1, "{json}");
    assert!(
        findings(&json)
            .iter()
            .any(|f| f["rule"] == "PSS-HOST-NAMESPACES" && f["line"] == 5),
        "{json}"
    );
}
