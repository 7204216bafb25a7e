//! What `palisade lint` reads and says it read: a PATH that holds no manifests is an input error
//! naming it (`--allow-empty` accepts it), objects of kinds no rule judges are counted as not
//! judged, and JUnit output lists every object.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const DEPLOYMENT_CONFIG: &str = "apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata: {name: legacy, namespace: shop}\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers: [{name: a, image: x}]\n";
const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers: [{name: a, image: x}]\n";
const HOST_PID_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: shop}\nspec:\n  hostPID: true\n  containers: [{name: a, image: x}]\n";

/// `palisade lint --pss-level baseline ARGS` in `dir`: (exit code, stdout, stderr).
fn lint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("palisade")
        .unwrap_or_else(|e| panic!("{e}"))
        .current_dir(dir)
        .args(["lint", "--pss-level", "baseline"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Regression: a CI path with no manifests under it (a typo, a chart's values only) passed green.
#[test]
fn a_path_without_manifests_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        &[
            ("deploy/web.yaml", POD),
            ("chart/values.yaml", "replicas: 2\n"),
            ("docs/README.md", "# not a manifest\n"),
            ("comments.yaml", "# nothing yet\n---\n"),
        ],
    );
    std::fs::create_dir_all(dir.path().join("empty")).unwrap_or_else(|e| panic!("{e}"));
    let cases = [
        (
            "chart",
            "chart: no Kubernetes object (apiVersion and kind) in this directory",
        ),
        (
            "docs",
            "docs: no manifest file (.yaml, .yml, .json) in this directory",
        ),
        (
            "empty",
            "empty: no manifest file (.yaml, .yml, .json) in this directory",
        ),
        (
            "comments.yaml",
            "comments.yaml: no Kubernetes object (apiVersion and kind) in this file",
        ),
    ];
    for (path, message) in cases {
        let (code, stdout, stderr) = lint(dir.path(), &["deploy", path]);
        assert_eq!(code, 2, "{path}: {stderr}");
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("palisade: error: "))
            .collect();
        assert_eq!(
            errors,
            [format!(
                "palisade: error: {message}; pass --allow-empty to accept it"
            )],
            "{path}"
        );
        // The other paths are still linted and reported.
        assert!(stdout.contains("1 object"), "{path}: {stdout}");
        let (code, _, stderr) = lint(dir.path(), &["--allow-empty", "deploy", path]);
        assert_eq!(code, 0, "{path} with --allow-empty: {stderr}");
    }
    let (code, _, stderr) = lint(dir.path(), &["deploy"]);
    assert_eq!(code, 0, "{stderr}");
    // A path that does not exist was already an error, and still is.
    let (code, _, stderr) = lint(dir.path(), &["deploy", "deplyo"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("deplyo: no such file or directory"),
        "{stderr}"
    );
}

#[test]
fn empty_standard_input_exits_2() {
    let out = Command::cargo_bin("palisade")
        .unwrap_or_else(|e| panic!("{e}"))
        .args(["lint", "-"])
        .write_stdin("")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("-: no Kubernetes object on standard input"),
        "{stderr}"
    );
}

/// Regression: objects of kinds no rule judges were counted as objects and silently passed.
#[test]
fn objects_no_rule_judges_are_counted_as_not_judged() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        &[("app.yaml", &format!("{DEPLOYMENT_CONFIG}---\n{POD}"))],
    );
    let (code, stdout, stderr) = lint(dir.path(), &["app.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.ends_with(" in 1 file, 2 objects (1 not judged: DeploymentConfig)."),
        "{stdout}"
    );
    let (_, stdout, _) = lint(dir.path(), &["--format", "json", "app.yaml"]);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(json["summary"]["objects"], 2);
    assert_eq!(json["summary"]["not_judged"], 1);
    assert_eq!(
        json["summary"]["not_judged_kinds"],
        serde_json::json!({"DeploymentConfig": 1})
    );
}

/// Regression: JUnit listed only objects with findings, so dashboards showed 100 % failure.
#[test]
fn junit_lists_every_linted_object() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let text = format!("{POD}---\n{HOST_PID_POD}---\n{DEPLOYMENT_CONFIG}");
    write(dir.path(), &[("app.yaml", &text)]);
    let (code, xml, stderr) = lint(dir.path(), &["--format", "junit", "app.yaml"]);
    assert_eq!(code, 1, "{stderr}");
    // Elements in order: each object's case and what fails or skips it.
    let elements: Vec<&str> = xml
        .lines()
        .map(str::trim)
        .filter_map(|l| l.split([' ', '>', '/']).next())
        .filter(|e| ["<testcase", "<failure", "<skipped"].contains(e))
        .collect();
    assert_eq!(
        elements,
        [
            "<testcase",
            "<testcase",
            "<failure",
            "<testcase",
            "<skipped"
        ],
        "{xml}"
    );
    assert!(
        xml.contains(
            r#"<testsuite name="app.yaml" tests="3" failures="1" errors="0" skipped="1">"#
        ),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase classname="app.yaml" name="Pod/shop/web">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure message="PSS-HOST-NAMESPACES: "#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<skipped message="no rule judges kind DeploymentConfig"/>"#),
        "{xml}"
    );
    // Warnings (the low NETPOL-MISSING-* here) do not fail a case; they are in its output.
    assert!(
        xml.contains("app.yaml:3:1: NETPOL-MISSING-EGRESS (low, warn): "),
        "{xml}"
    );
}

/// The pre-commit hook hands over every changed YAML or JSON file, Kubernetes or not (a CI
/// workflow, a compose file): those must not fail it, as they would a CI path.
#[test]
fn the_pre_commit_hook_accepts_files_without_manifests() {
    let hooks = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let hooks = std::fs::read_to_string(hooks).unwrap_or_else(|e| panic!("{e}"));
    let entry = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry:"))
        .unwrap_or_else(|| panic!("no entry in {hooks}"));
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("palisade"), "{entry}");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let workflow = "name: ci\non: [push]\njobs:\n  test: {runs-on: ubuntu-latest, steps: []}\n";
    write(
        dir.path(),
        &[
            ("ci.yml", workflow),
            (
                "app.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
            ),
        ],
    );
    let out = Command::cargo_bin("palisade")
        .unwrap_or_else(|e| panic!("{e}"))
        .current_dir(dir.path())
        .args(words)
        .args(["ci.yml", "app.yaml"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{entry}: {stderr}");
}

/// Regression: a kustomize patch (a fragment that sets a Deployment's args) was judged as a whole
/// Deployment, and its missing securityContext reported — a false alarm in every kustomize repo.
#[test]
fn kustomize_patches_in_a_walked_directory_are_left_out_and_named() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let patch = "apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: shop}\nspec:\n  hostPID: true\n";
    write(
        dir.path(),
        &[
            (
                "app/kustomization.yaml",
                "resources: [pod.yaml]\npatches:\n  - path: patches/host.yaml\n",
            ),
            ("app/pod.yaml", POD),
            ("app/patches/host.yaml", patch),
        ],
    );
    let (code, out, err) = lint(dir.path(), &["--format", "json", "app"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    let files: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert!(files.iter().all(|f| !f.contains("patches")), "{out}");
    assert!(
        err.contains("app/patches/host.yaml: not read, a kustomize patch"),
        "{err}"
    );
    // The other doors that read manifests leave it out too, and say so.
    let out = Command::cargo_bin("palisade")
        .unwrap_or_else(|e| panic!("{e}"))
        .current_dir(dir.path())
        .args(["netpol", "coverage", "app"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("app/patches/host.yaml: not read"), "{err}");
    // Named explicitly, the file is linted as given.
    let (code, out, _) = lint(dir.path(), &["app/patches/host.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PSS-HOST-NAMESPACES"), "{out}");
}
