//! `patch_path` on a directory: only webhook configurations change, in place, once.

use palisade_certs::{CertError, ca_bundle, patch_path};

const VALIDATING: &str = "# keep me\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: v\nwebhooks:\n  - name: a.example\n    clientConfig:\n      caBundle: \"\"  # filled in\n      service: {name: s, namespace: n, path: /validate}\n";
const MUTATING: &str = "kind: MutatingWebhookConfiguration\nmetadata:\n  name: m\nwebhooks:\n  - name: b.example\n    clientConfig:\n      service:\n        name: s\n        namespace: n\n";
const OTHER: &str =
    "kind: ConfigMap\nmetadata: {name: c}\ndata:\n  note: mentions MutatingWebhookConfiguration\n";

#[test]
fn patches_every_webhook_under_a_directory_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sub = dir.path().join("sub");
    std::fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
    let write =
        |p: &std::path::Path, t: &str| std::fs::write(p, t).unwrap_or_else(|e| panic!("{e}"));
    write(&dir.path().join("validating.yaml"), VALIDATING);
    write(&sub.join("mutating.yml"), MUTATING);
    write(&dir.path().join("other.yaml"), OTHER);
    write(
        &dir.path().join("notes.txt"),
        "kind: MutatingWebhookConfiguration\n",
    );
    let ca = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
    let bundle = ca_bundle(ca);

    let report = patch_path(dir.path(), ca).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.webhooks, 2);
    assert_eq!(report.changes.len(), 2);
    assert_eq!(report.files_changed.len(), 2);
    let validating = std::fs::read_to_string(dir.path().join("validating.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        validating,
        VALIDATING.replace("caBundle: \"\"", &format!("caBundle: \"{bundle}\""))
    );
    let mutating =
        std::fs::read_to_string(sub.join("mutating.yml")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        mutating.contains(&format!(
            "    clientConfig:\n      caBundle: {bundle}\n      service:\n"
        )),
        "{mutating}"
    );
    let unchanged = |name: &str, text: &str| {
        let now = std::fs::read_to_string(dir.path().join(name)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(now, text, "{name}");
    };
    unchanged("other.yaml", OTHER);
    unchanged("notes.txt", "kind: MutatingWebhookConfiguration\n");

    let again = patch_path(dir.path(), ca).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.webhooks, again.changes.len()), (2, 0));
    unchanged("validating.yaml", &validating);
}

#[test]
fn a_directory_without_webhooks_is_an_error() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("other.yaml"), OTHER).unwrap_or_else(|e| panic!("{e}"));
    let err = patch_path(dir.path(), "x").err();
    assert!(matches!(err, Some(CertError::NothingToPatch(_))), "{err:?}");
    let err = patch_path(&dir.path().join("missing"), "x").err();
    assert!(matches!(err, Some(CertError::Io { .. })), "{err:?}");
}
