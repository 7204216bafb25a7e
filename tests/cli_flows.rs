//! `palisade flows import` and `palisade probe` as a user runs them: records on stdout,
//! malformed lines on stderr with file and line, exit codes, bad inventory files.

use assert_cmd::Command;
use std::path::Path;

fn palisade() -> Command {
    Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"))
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("probe/tests/data")
        .join(name)
        .display()
        .to_string()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = palisade()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn both_capture_formats_import_into_the_same_records() {
    let (code, microshield, stderr) = run(&["flows", "import", &data("microshield-flows.json")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("microshield-flows.json:3: not JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("microshield-flows.json:6: field tuple.dst_port"),
        "{stderr}"
    );
    assert!(
        stderr.contains("4 flow records from 5 of 7 lines; 2 malformed lines skipped"),
        "{stderr}"
    );
    let (code, hubble, stderr) = run(&[
        "flows",
        "import",
        "--from",
        "hubble",
        &data("hubble-flows.json"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(microshield, hubble);
    assert_eq!(hubble.lines().count(), 4);
    for line in hubble.lines() {
        let record: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        for field in [
            "ts",
            "node",
            "proto",
            "src",
            "dst",
            "count",
            "first_seen",
            "last_seen",
        ] {
            assert!(record.get(field).is_some(), "{field} missing from {line}");
        }
    }
}

#[test]
fn unreadable_inputs_exit_2_naming_the_file() {
    let (code, _, stderr) = run(&["flows", "import", "no-such-capture.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no-such-capture.json: cannot read"),
        "{stderr}"
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = dir.path().join("inv.yaml");
    std::fs::write(&bad, "kind: List\nitems:\n- kind: Pod\n  metadata: {name: a, namespace: n}\n  status: {podIP: 10.0.0.300}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let bad = bad.display().to_string();
    let (code, _, stderr) = run(&["probe", "--inventory", &bad, "--no-http", "--duration", "1"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("inv.yaml: item 0 (Pod n/a): field status.podIP"),
        "{stderr}"
    );
}
