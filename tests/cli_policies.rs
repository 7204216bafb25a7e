//! User policies (`--policies`, `--no-builtin`) and `.palisade.yaml` as a user drives them.

use assert_cmd::Command;
use serde_json::Value;

fn palisade() -> Command {
    Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"))
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: a\n    image: nginx:latest\n";

const LATEST_POLICY: &str = r#"package acme.images
metadata := {"id": "ACME-LATEST-TAG", "title": "No :latest images", "severity": "medium", "kinds": ["Pod"]}
deny contains {"msg": sprintf("container %s uses a :latest image", [c.name]), "path": sprintf("/spec/containers/%d/image", [i])} if {
    some i, c in input.review.object.spec.containers
    endswith(c.image, ":latest")
}
"#;

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, Value, String) {
    let out = palisade()
        .current_dir(dir)
        .args(args)
        .write_stdin(POD)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn rules(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn user_policies_add_to_or_replace_builtins() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir(dir.path().join("pol")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("pol/latest.rego"), LATEST_POLICY)
        .unwrap_or_else(|e| panic!("{e}"));

    let (code, json, err) = run(
        dir.path(),
        &["lint", "-f", "json", "--policies", "pol", "-"],
    );
    assert_eq!(code, 1, "{err}");
    let r = rules(&json);
    assert!(
        r.contains(&"ACME-LATEST-TAG".into()) && r.iter().any(|r| r.starts_with("PSS-")),
        "{r:?}"
    );
    let f = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "ACME-LATEST-TAG")
        .cloned()
        .unwrap_or_default();
    assert_eq!(f["line"], 8, "{f}");

    let (_, json, err) = run(
        dir.path(),
        &[
            "lint",
            "-f",
            "json",
            "--no-builtin",
            "--policies",
            "pol",
            "-",
        ],
    );
    assert_eq!(rules(&json), ["ACME-LATEST-TAG"], "{err}");

    let (code, _, err) = run(dir.path(), &["lint", "--no-builtin", "-"]);
    assert_eq!(code, 2);
    assert!(err.contains("--policies"), "{err}");
}

#[test]
fn broken_user_policy_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("bad.rego"),
        "package bad\n\ndeny contains x if {\n  x := \n}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = run(dir.path(), &["lint", "--policies", "bad.rego", "-"]);
    assert_eq!(code, 2);
    // Line 4, column 5: where the expression is missing (not line 40, say).
    assert!(err.contains("bad.rego:4:5"), "{err}");
}

#[test]
fn config_file_is_found_and_validated() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cfg = dir.path().join(".palisade.yaml");
    std::fs::write(
        &cfg,
        "pss:\n  level: baseline\nrules:\n  disable: [PSS-HOST-NAMESPACES]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let hostpid = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: a, image: x}]\n";
    let out = palisade()
        .current_dir(dir.path())
        .args(["lint", "-f", "json", "-"])
        .write_stdin(hostpid)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    std::fs::write(&cfg, "rules:\n  disable:\n    - PSS-HOST-NAMESPACE\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = run(dir.path(), &["lint", "-"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(".palisade.yaml:3") && err.contains("PSS-HOST-NAMESPACE"),
        "{err}"
    );

    std::fs::write(&cfg, "pss:\n  lvl: baseline\n").unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = run(dir.path(), &["lint", "-"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(".palisade.yaml:2") && err.contains("lvl"),
        "{err}"
    );
}

#[test]
fn output_formats_are_well_formed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for format in ["sarif", "junit", "github", "human"] {
        let out = palisade()
            .current_dir(dir.path())
            .args(["lint", "--format", format, "-"])
            .write_stdin(POD)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        match format {
            "sarif" => {
                let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(v["version"], "2.1.0");
            }
            "junit" => assert!(text.starts_with("<?xml"), "{text}"),
            "github" => assert!(
                text.lines()
                    .any(|l| l.starts_with("::error file=stdin") || l.starts_with("::error ")),
                "{text}"
            ),
            _ => assert!(text.contains("PSS-"), "{text}"),
        }
        assert!(
            !text.contains("\x1b["),
            "{format}: colour escapes when not on a terminal"
        );
    }
    let out = palisade()
        .args(["lint", "--format", "yaml", "-"])
        .write_stdin(POD)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn palisade_test_runs_rego_tests() {
    let out = palisade()
        .arg("test")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("latest.rego"), LATEST_POLICY).unwrap_or_else(|e| panic!("{e}"));
    let test = "package acme.images_test\nimport data.acme.images\ntest_flags_latest if {\n  count(images.deny) == 1 with input as {\"review\": {\"object\": {\"spec\": {\"containers\": [{\"name\": \"a\", \"image\": \"x:latest\"}]}}}}\n}\ntest_wrong if {\n  count(images.deny) == 5 with input as {\"review\": {\"object\": {\"spec\": {\"containers\": []}}}}\n}\n";
    std::fs::write(dir.path().join("latest_test.rego"), test).unwrap_or_else(|e| panic!("{e}"));
    let out = palisade()
        .arg("test")
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL data.acme.images_test.test_wrong"),
        "{stdout}"
    );
    assert!(stdout.contains("1 passed, 1 failed"), "{stdout}");
}

/// Regression: `palisade test` failed a test on a built-in error (`to_number("lots")`) that
/// `palisade lint` treats as undefined, so the two commands disagreed on one policy.
#[test]
fn palisade_test_and_lint_treat_builtin_errors_alike() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let policy = r#"package acme.replicas
metadata := {"id": "ACME-REPLICAS", "title": "Replicas within the team's limit", "severity": "medium", "kinds": ["Deployment"]}
deny contains {"msg": "more replicas than acme/max-replicas allows", "path": "/spec/replicas"} if {
    input.review.object.spec.replicas > to_number(input.review.object.metadata.annotations["acme/max-replicas"])
}
"#;
    let test = r#"package acme.replicas_test
import data.acme.replicas
deployment(max) := {"review": {"object": {"metadata": {"annotations": {"acme/max-replicas": max}}, "spec": {"replicas": 5}}}}
test_over_the_limit if {
    count(replicas.deny) == 1 with input as deployment("2")
}
test_unparsable_limit_is_no_finding if {
    count(replicas.deny) == 0 with input as deployment("lots")
}
"#;
    std::fs::write(dir.path().join("replicas.rego"), policy).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("replicas_test.rego"), test).unwrap_or_else(|e| panic!("{e}"));
    let out = palisade()
        .arg("test")
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout, "2 passed, 0 failed\n");
    for (max, expected) in [("2", vec!["ACME-REPLICAS"]), ("lots", vec![])] {
        let deployment = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  annotations: {{acme/max-replicas: \"{max}\"}}\nspec:\n  replicas: 5\n"
        );
        let out = palisade()
            .args(["lint", "--no-builtin", "--format", "json", "--policies"])
            .arg(dir.path())
            .arg("-")
            .write_stdin(deployment)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        assert_eq!(rules(&json), expected, "{max}: {stderr}");
        let code = if expected.is_empty() { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(code), "{max}: {stderr}");
    }
}
