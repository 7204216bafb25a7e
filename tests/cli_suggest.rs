//! `palisade netpol suggest` and `palisade lint --fix --flows` through the real binary: the
//! shop example's capture yields policies that block none of its flows and lint clean; the
//! interactive selection is driven through tmux.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn flows() -> PathBuf {
    root().join("examples/netpol/microshield-flows.jsonl")
}

fn palisade() -> Command {
    Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"))
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

/// The shop manifests alone, in a temporary directory.
fn shop() -> tempfile::TempDir {
    let dir = tempdir();
    std::fs::copy(
        root().join("examples/netpol/shop.yaml"),
        dir.path().join("shop.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_shop_capture_yields_policies_that_block_nothing_and_lint_clean() {
    let dir = shop();
    let out = dir.path().join("policies");
    palisade()
        .args(["netpol", "suggest", "--default-deny", "--flows"])
        .arg(flows())
        .arg(dir.path().join("shop.yaml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = read(&out.join("shop.networkpolicies.yaml"));
    for name in [
        "palisade-frontend",
        "palisade-backend",
        "palisade-db",
        "palisade-default-deny",
    ] {
        assert!(text.contains(&format!("name: {name}\n")), "{name}\n{text}");
    }
    let sim = palisade()
        .args(["netpol", "simulate", "--format", "json", "--flows"])
        .arg(flows())
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json: serde_json::Value =
        serde_json::from_slice(&sim.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sim.status.code(), Some(0), "{json}");
    assert_eq!(json["summary"]["blocked"], 0, "{json}");
    assert!(json["summary"]["flows"].as_u64() > Some(0), "{json}");
    for f in json["flows"].as_array().into_iter().flatten() {
        assert!(
            f["policies"]["egress"]
                .as_array()
                .is_some_and(|p| !p.is_empty()),
            "{f}"
        );
    }
    palisade()
        .args(["lint", "--fail-on", "medium"])
        .arg(dir.path())
        .assert()
        .success();
}

#[test]
fn select_and_exclude_choose_what_is_allowed() {
    let dir = shop();
    let run = |extra: &[&str]| {
        let out = palisade()
            .args(["netpol", "suggest", "--flows"])
            .arg(flows())
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, all) = run(&[]);
    assert_eq!(code, Some(0));
    assert!(all.contains("port: 5432"), "{all}");
    let (code, some) = run(&["--exclude", "dst=shop/StatefulSet/db", "--name", "np-"]);
    assert_eq!(code, Some(0));
    assert!(
        !some.contains("port: 5432") && some.contains("name: np-backend"),
        "{some}"
    );
    let (code, _) = run(&["--select", "colour=red"]);
    assert_eq!(code, Some(2));
}

#[test]
fn lint_fix_flows_writes_beside_the_manifests_once() {
    let dir = tempdir();
    let copy = dir.path().join("netpol");
    std::fs::create_dir(&copy).unwrap_or_else(|e| panic!("{e}"));
    for f in ["shop.yaml", "microshield-flows.jsonl"] {
        std::fs::copy(root().join("examples/netpol").join(f), copy.join(f))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let shop_before = read(&copy.join("shop.yaml"));
    let written = copy.join("networkpolicies.palisade.yaml");
    // --diff: printed, nothing written.
    let diff = palisade()
        .args(["lint", "--fix", "--diff", "--flows"])
        .arg(copy.join("microshield-flows.jsonl"))
        .arg(&copy)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let diff = String::from_utf8_lossy(&diff.stdout);
    assert!(diff.contains("+  name: palisade-backend"), "{diff}");
    assert!(!written.exists());
    let fix = |dir: &Path| {
        palisade()
            .args(["lint", "--fix", "--flows"])
            .arg(dir.join("microshield-flows.jsonl"))
            .arg(dir)
            .assert()
            .success();
    };
    fix(&copy);
    let first = read(&written);
    assert!(first.contains("name: palisade-db"), "{first}");
    fix(&copy);
    assert_eq!(read(&written), first, "a second run changed the file");
    assert_eq!(read(&copy.join("shop.yaml")), shop_before);
    let names: Vec<String> = std::fs::read_dir(&copy)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

/// Runs tmux on a server of this test's own.
fn tmux(socket: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("tmux")
        .args(["-L", socket])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("tmux: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn interactive_cancel_and_generate_through_tmux() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        assert!(
            std::env::var("PALISADE_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "tmux is required (PALISADE_REQUIRE_TOOLS=1)"
        );
        eprintln!("skipped: tmux is not installed (apt-get install tmux)");
        return;
    }
    let dir = shop();
    let out = dir.path().join("out");
    let socket = format!("palisade-suggest-{}", std::process::id());
    let bin = assert_cmd::cargo::cargo_bin("palisade");
    let command = format!(
        "{} netpol suggest --interactive --flows {} {} --out {}; echo finished > {}",
        bin.display(),
        flows().display(),
        dir.path().join("shop.yaml").display(),
        out.display(),
        dir.path().join("finished").display()
    );
    tmux(
        &socket,
        &["new-session", "-d", "-x", "220", "-y", "60", &command],
    );
    let screen = || tmux(&socket, &["capture-pane", "-p", "-t", "0"]);
    wait_for("the connection list", || screen().contains("commands:"));
    // The number of backend → db, as listed.
    let listed = screen();
    let number = listed
        .lines()
        .find(|l| l.contains("→ shop/StatefulSet/db TCP/5432"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("not listed:\n{listed}"))
        .to_owned();
    for keys in [format!("c {number}"), "l".into(), "g".into()] {
        tmux(&socket, &["send-keys", "-t", "0", &keys, "Enter"]);
    }
    wait_for("the generated file", || {
        dir.path().join("finished").exists()
    });
    tmux(&socket, &["kill-server"]);
    let text = read(&out.join("shop.networkpolicies.yaml"));
    assert!(
        !text.contains("5432"),
        "cancelled connection allowed:\n{text}"
    );
    assert!(text.contains("port: 9000"), "{text}");
}
