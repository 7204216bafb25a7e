//! `palisade certs generate` as a user runs it: files and modes, rotation, `--new-ca`,
//! `--patch-manifests`, and bad input (exit 2, a message naming the flag or file, nothing
//! written).

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn generate(out: &Path) -> Command {
    let mut cmd = Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"));
    cmd.args([
        "certs",
        "generate",
        "--service",
        "hook",
        "--namespace",
        "ns",
        "--out",
    ])
    .arg(out);
    cmd
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn writes_a_tls_secret_layout_and_rotates_under_the_same_ca() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("certs");
    generate(&out)
        .args(["--days", "30"])
        .assert()
        .success()
        .stdout(predicate::str::contains("new CA"))
        .stdout(predicate::str::contains("hook.ns.svc.cluster.local"));
    let ca = read(&out.join("ca.crt"));
    let leaf = read(&out.join("tls.crt"));
    #[cfg(unix)]
    for key in ["ca.key", "tls.key"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join(key)).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600), "{key}");
    }
    let days = palisade_certs::not_after(&leaf)
        .unwrap_or_else(|e| panic!("{e}"))
        .duration_since(std::time::SystemTime::now())
        .map_or(0, |d| d.as_secs() / 3600);
    assert!((29 * 24..=30 * 24).contains(&days), "{days} hours");

    generate(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("kept the CA"));
    assert_eq!(read(&out.join("ca.crt")), ca);
    assert_ne!(read(&out.join("tls.crt")), leaf);

    generate(&out)
        .arg("--new-ca")
        .assert()
        .success()
        .stdout(predicate::str::contains("new CA"));
    assert_ne!(read(&out.join("ca.crt")), ca);
}

#[test]
fn bad_input_exits_2_naming_the_flag_or_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("certs");
    let mut cmd = Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"));
    cmd.args([
        "certs",
        "generate",
        "--service",
        "Hook",
        "--namespace",
        "ns",
        "--out",
    ])
    .arg(&out)
    .assert()
    .code(2)
    .stderr(predicate::str::contains(
        "--service: `Hook` is not a valid Service name",
    ));
    generate(&out)
        .args(["--days", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--days"));
    generate(&out)
        .arg("--patch-manifests")
        .arg(dir.path().join("missing"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--patch-manifests").and(predicate::str::contains("missing")),
        );
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap_or_else(|e| panic!("{e}"));
    generate(&out)
        .arg("--patch-manifests")
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no webhook"));
    assert!(!out.exists(), "certificates written despite bad input");

    // A CA certificate without its key cannot be reused.
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(out.join("ca.crt"), "junk").unwrap_or_else(|e| panic!("{e}"));
    generate(&out).assert().code(2).stderr(
        predicate::str::contains("ca.crt exists but").and(predicate::str::contains("ca.key")),
    );
    std::fs::write(out.join("ca.key"), "junk").unwrap_or_else(|e| panic!("{e}"));
    generate(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ca.crt: not PEM"));
}

#[test]
fn patch_manifests_reports_each_change_and_a_bad_manifest_by_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let manifests = dir.path().join("m");
    std::fs::create_dir_all(&manifests).unwrap_or_else(|e| panic!("{e}"));
    let hook = manifests.join("hook.yaml");
    std::fs::write(
        &hook,
        "kind: ValidatingWebhookConfiguration\nmetadata: {name: v}\nwebhooks:\n  - name: a.example.dev\n    clientConfig:\n      service: {name: hook, namespace: ns}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("certs");
    generate(&out)
        .arg("--patch-manifests")
        .arg(&manifests)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "hook.yaml:6: ValidatingWebhookConfiguration v, webhook a.example.dev: caBundle inserted",
        ));
    let bundle = palisade_certs::ca_bundle(&read(&out.join("ca.crt")));
    assert!(read(&hook).contains(&format!("      caBundle: {bundle}\n      service:")));

    std::fs::write(
        &hook,
        "kind: ValidatingWebhookConfiguration\nwebhooks:\n  - name: a\n    clientConfig: [x]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    generate(&out)
        .arg("--patch-manifests")
        .arg(&manifests)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("hook.yaml:4:19:")
                .and(predicate::str::contains("must be a mapping")),
        );
}
