//! `palisade lint --fix` and `--fix --diff` as a user runs them.

use assert_cmd::Command;
use serde_json::Value;

fn palisade() -> Command {
    Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"))
}

/// A Deployment that lacks every restricted default and runs as a non-zero user.
const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsUser: 1000
      containers:
      - name: app   # the app
        image: nginx
";

const WEB_FIXED: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsUser: 1000
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: app   # the app
        image: nginx
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop:
            - ALL
";

/// The findings of a report but the NETPOL-MISSING-* warnings (no NetworkPolicy in these tests;
/// `--fix` has nothing to write for them).
fn fix_findings(report: &Value) -> Vec<&Value> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| {
            !f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("NETPOL-MISSING-"))
        })
        .collect()
}

/// Lints `args` with `--format json`; (exit code, report, stdout, stderr).
fn run(args: &[&str], stdin: Option<&str>) -> (i32, Value, String, String) {
    let mut cmd = palisade();
    cmd.args(["lint", "--format", "json"]).args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    // With --diff the report goes to stderr, after the summary line.
    let in_stderr = stderr
        .find('{')
        .and_then(|i| stderr.get(i..))
        .unwrap_or_default();
    let report = serde_json::from_str(&stdout)
        .or_else(|_| serde_json::from_str(in_stderr))
        .unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), report, stdout, stderr)
}

#[test]
fn fix_writes_the_defaults_and_reports_on_the_fixed_text() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("web.yaml");
    std::fs::write(&file, WEB).unwrap_or_else(|e| panic!("{e}"));
    let path = file.display().to_string();
    let (code, report, _, stderr) = run(&["--fix", &path], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fix_findings(&report), Vec::<&Value>::new(), "{stderr}");
    assert!(
        stderr.contains("fixed 1 object(s) in 1 file(s)"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(text, WEB_FIXED);
    // A second run changes nothing.
    let (code, _, _, stderr) = run(&["--fix", &path], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("fixed 0 object(s) in 0 file(s)"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).ok().as_deref(),
        Some(WEB_FIXED)
    );
}

#[test]
fn fix_diff_prints_a_unified_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("web.yaml");
    std::fs::write(&file, WEB).unwrap_or_else(|e| panic!("{e}"));
    let path = file.display().to_string();
    let (code, report, stdout, stderr) = run(&["--fix", "--diff", &path], None);
    assert_eq!(code, 0, "{stderr}");
    let expected_diff = format!(
        "--- {path}\n+++ {path}\n@@ -7,6 +7,14 @@\n     spec:\n       securityContext:\n         runAsUser: 1000\n+        runAsNonRoot: true\n+        seccompProfile:\n+          type: RuntimeDefault\n       containers:\n       - name: app   # the app\n         image: nginx\n+        securityContext:\n+          allowPrivilegeEscalation: false\n+          capabilities:\n+            drop:\n+            - ALL\n"
    );
    assert_eq!(stdout, expected_diff);
    // The report (on the fixed text) went to stderr.
    assert_eq!(fix_findings(&report), Vec::<&Value>::new(), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).ok().as_deref(), Some(WEB));
}

#[test]
fn stdin_is_diffed_never_written() {
    let (code, _, _, stderr) = run(&["--fix", "-"], Some(WEB));
    assert_eq!(code, 2);
    assert!(stderr.contains("--fix --diff"), "{stderr}");
    let (code, _, stdout, stderr) = run(&["--fix", "--diff", "-"], Some(WEB));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("--- -\n+++ -\n"), "{stdout}");
    let (code, _, _, stderr) = run(&["--diff", "-"], Some(WEB));
    assert_eq!(code, 2, "--diff needs --fix: {stderr}");
}
