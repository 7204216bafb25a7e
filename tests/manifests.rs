//! The install manifests (`manifests/`): `palisade lint manifests/` finds nothing but the
//! webhook's own certificate rights, each narrowed by resourceNames and judged `low`; a real
//! `kubectl kustomize` renders every object the webhook needs, wired together (names, ports,
//! paths, volumes, certificates) — as shipped (`--manage-certs`), with the tls-files component
//! after `palisade certs generate --patch-manifests` (the CA in every caBundle), and with the
//! cert-manager component — and each rendered stream lints as cleanly.
//!
//! kubectl is found through `PALISADE_KUBECTL`, then `target/tools/kubectl` (where `.ci/run`
//! installs it), then `PATH`; without it the render test prints `skipped: …`, unless
//! `PALISADE_REQUIRE_TOOLS=1`. `kubectl apply --dry-run=client` is not used: it needs an API
//! server for discovery even with `--validate=false`, so the wiring is checked here instead.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn palisade() -> Command {
    Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"))
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// `palisade lint --format json` on `args` (and `stdin`): exit code and report.
fn lint(args: &[&str], stdin: Option<&str>) -> (i32, Value, String) {
    let mut cmd = palisade();
    cmd.args(["lint", "--format", "json"]).args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    (out.status.code().unwrap_or(-1), json, stderr)
}

/// The findings of the shipped manifests: `--manage-certs` reads and updates its own Secret and
/// patches its own webhook configurations, each narrowed by resourceNames, so each is `low`.
const NARROWED_CERT_RIGHTS: [&str; 3] = [
    "RBAC-SECRETS-READ",
    "RBAC-SECRETS-WRITE",
    "RBAC-WEBHOOK-CONFIG",
];

/// Exit 0, at least 15 objects, and exactly the findings of `expected` rules, all `low`.
fn assert_only(what: &str, expected: &[&str], (code, json, stderr): (i32, Value, String)) {
    assert_eq!(code, 0, "{what}: {json:#} {stderr}");
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    let mut rules: Vec<&str> = findings.iter().filter_map(|f| f["rule"].as_str()).collect();
    rules.sort_unstable();
    assert_eq!(rules, expected, "{what}: {json:#}");
    for finding in &findings {
        assert_eq!(finding["severity"], "low", "{what}: {finding:#}");
        assert!(
            finding["message"]
                .as_str()
                .is_some_and(|m| m.contains("palisade-webhook")),
            "{what}: {finding:#}"
        );
    }
    assert!(
        json["summary"]["objects"].as_u64().unwrap_or(0) >= 15,
        "{what}: {json:#}"
    );
}

#[test]
fn lint_of_the_manifests_finds_only_the_narrowed_certificate_rights() {
    let dir = repo("manifests");
    assert_only(
        "manifests/",
        &NARROWED_CERT_RIGHTS,
        lint(&[&dir.display().to_string()], None),
    );
}

/// The kubectl to use, or why there is none.
fn kubectl() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("PALISADE_KUBECTL").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "PALISADE_KUBECTL={} does not exist",
                path.display()
            ))
        };
    }
    let tools = repo("target/tools/kubectl");
    if tools.is_file() {
        return Ok(tools);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("kubectl"))
        .find(|p| p.is_file())
        .ok_or_else(|| "no kubectl (PALISADE_KUBECTL, target/tools/kubectl, PATH)".to_string())
}

/// Copies a directory tree, leaving out generated certificates.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    for entry in entries.flatten() {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            if entry.file_name() != "certs" {
                copy_tree(&src, &dst);
            }
        } else {
            std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        }
    }
}

fn generate(copy: &Path) -> String {
    let out = palisade()
        .args(["certs", "generate", "--service", "palisade-webhook"])
        .args(["--namespace", "palisade-system", "--out"])
        .arg(copy.join("webhook/tls-files/certs"))
        .arg("--patch-manifests")
        .arg(copy.join("webhook"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn webhook_texts(copy: &Path) -> Vec<String> {
    ["validating", "mutating"]
        .iter()
        .map(|k| copy.join(format!("webhook/{k}webhookconfiguration.yaml")))
        .map(|p| std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

/// kubectl, or None after printing why the test is skipped (failing instead when
/// `PALISADE_REQUIRE_TOOLS=1`).
fn kubectl_or_skip() -> Option<PathBuf> {
    match kubectl() {
        Ok(k) => Some(k),
        Err(why) => {
            assert!(
                std::env::var("PALISADE_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "{why}, and PALISADE_REQUIRE_TOOLS=1"
            );
            println!("skipped: {why}");
            None
        }
    }
}

/// A copy of `manifests/` in a temporary directory, and an overlay beside it that uses the
/// `component` (under manifests/webhook/) if any: what a user's own overlay looks like.
fn overlay(component: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_tree(&repo("manifests"), &tmp.path().join("manifests"));
    let dir = tmp.path().join("overlay");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut text = "resources:\n  - ../manifests\n".to_string();
    if let Some(c) = component {
        text.push_str(&format!("components:\n  - ../manifests/webhook/{c}\n"));
    }
    std::fs::write(dir.join("kustomization.yaml"), text).unwrap_or_else(|e| panic!("{e}"));
    (tmp, dir)
}

/// `kubectl kustomize DIR`: the text and its objects.
fn render(kubectl: &Path, dir: &Path) -> (String, Vec<Value>) {
    let out = std::process::Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", kubectl.display()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rendered = String::from_utf8_lossy(&out.stdout).to_string();
    let docs = palisade_linter::yaml::parse_documents(&rendered)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .into_iter()
        .map(|d| d.value)
        .collect();
    (rendered, docs)
}

#[test]
fn rendered_as_shipped_the_webhook_manages_its_certificates() {
    let Some(kubectl) = kubectl_or_skip() else {
        return;
    };
    let (tmp, dir) = overlay(None);
    let (rendered, docs) = render(&kubectl, &dir);
    wiring::check(&docs, wiring::Certs::Managed);
    assert_only(
        "kubectl kustomize | palisade lint -",
        &NARROWED_CERT_RIGHTS,
        lint(&["-"], Some(&rendered)),
    );

    // The configuration in the ConfigMap is one palisade reads (unknown keys would be errors).
    let config =
        wiring::object(&docs, "ConfigMap", "palisade-webhook-config")["data"]["palisade.yaml"]
            .as_str()
            .unwrap_or_else(|| panic!("no palisade.yaml in the ConfigMap"))
            .to_string();
    let config_file = tmp.path().join("palisade.yaml");
    std::fs::write(&config_file, config).unwrap_or_else(|e| panic!("{e}"));
    let config_arg = config_file.display().to_string();
    assert_only(
        "lint with the webhook's configuration",
        &NARROWED_CERT_RIGHTS,
        lint(&["--config", &config_arg, "-"], Some(&rendered)),
    );
}

#[test]
fn rendered_with_tls_files_after_certs_generate_is_wired_and_clean() {
    let Some(kubectl) = kubectl_or_skip() else {
        return;
    };
    let (tmp, dir) = overlay(Some("tls-files"));
    let copy = tmp.path().join("manifests");
    let first = generate(&copy);
    assert_eq!(first.matches("inserted").count(), 3, "{first}");
    let patched = webhook_texts(&copy);
    let ca_pem = std::fs::read_to_string(copy.join("webhook/tls-files/certs/ca.crt"))
        .unwrap_or_else(|e| panic!("{e}"));
    // Rotation: same CA, so the manifests do not change.
    let second = generate(&copy);
    assert!(
        second.contains("kept the CA") && second.contains("already current"),
        "{second}"
    );
    assert_eq!(webhook_texts(&copy), patched);

    let (rendered, docs) = render(&kubectl, &dir);
    let bundle = palisade_certs::ca_bundle(&ca_pem);
    wiring::check(&docs, wiring::Certs::Files { ca_bundle: &bundle });
    assert_only(
        "tls-files: kubectl kustomize | palisade lint -",
        &[],
        lint(&["-"], Some(&rendered)),
    );
}

#[test]
fn rendered_with_cert_manager_is_wired_and_clean() {
    let Some(kubectl) = kubectl_or_skip() else {
        return;
    };
    let (_tmp, dir) = overlay(Some("cert-manager"));
    let (rendered, docs) = render(&kubectl, &dir);
    wiring::check(&docs, wiring::Certs::CertManager);
    assert_only(
        "cert-manager: kubectl kustomize | palisade lint -",
        &[],
        lint(&["-"], Some(&rendered)),
    );
}

mod wiring;
