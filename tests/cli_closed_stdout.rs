//! A closed stdout (`palisade lint … | head -1`) is not an input error: every command that
//! writes a lot to stdout ends its output quietly and exits with the code it would have had, as
//! ripgrep does. Each case runs the real binary twice: once with stdout read to the end (the
//! code it would have had), once with a stdout pipe whose reader is closed — before the command
//! starts, or after the first line as `head -1` does.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// How the reader of stdout behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// Reads everything.
    All,
    /// Closed before the command starts.
    Gone,
    /// Reads the first line, then closes (`| head -1`).
    FirstLine,
}

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    /// Bytes read from stdout.
    read: usize,
    stderr: String,
}

fn run(args: &[&str], stdin: Option<&str>, reader: Reader) -> Run {
    let (pipe, writer) = std::io::pipe().unwrap_or_else(|e| panic!("{e}"));
    let mut pipe = Some(pipe);
    if reader == Reader::Gone {
        drop(pipe.take());
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_palisade"));
    cmd.current_dir(root())
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{args:?}: {e}"));
    // The command holds the parent's copy of the write end: drop it, so the reader sees the end.
    drop(cmd);
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        input
            .write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut stderr = String::new();
    let mut err_pipe = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        if let Some(err) = err_pipe.as_mut() {
            let _ = err.read_to_string(&mut stderr);
        }
        stderr
    });
    let mut read = 0;
    if let Some(pipe) = pipe {
        let mut lines = BufReader::new(pipe);
        let mut first = String::new();
        read += lines.read_line(&mut first).unwrap_or(0);
        if reader == Reader::All {
            let mut rest = Vec::new();
            read += lines.read_to_end(&mut rest).unwrap_or(0);
        }
    }
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    let stderr = err_reader.join().unwrap_or_default();
    Run {
        code: status.code(),
        read,
        stderr,
    }
}

/// Runs `args` with stdout read in full and with it closed both ways: the same exit code, which
/// must be `expected`, and nothing on stderr about the closed pipe. Returns the full output's size.
fn same_code_when_stdout_closes(args: &[&str], stdin: Option<&str>, expected: i32) -> usize {
    let full = run(args, stdin, Reader::All);
    assert_eq!(full.code, Some(expected), "{args:?}: {}", full.stderr);
    for reader in [Reader::Gone, Reader::FirstLine] {
        let closed = run(args, stdin, reader);
        assert_eq!(
            closed.code, full.code,
            "{args:?} with the reader {reader:?}: {}",
            closed.stderr
        );
        for noise in ["Broken pipe", "os error 32", "panicked", "error"] {
            assert!(
                !closed.stderr.contains(noise),
                "{args:?} with the reader {reader:?}: {}",
                closed.stderr
            );
        }
        if reader == Reader::FirstLine {
            assert!(closed.read > 0, "{args:?}: the first line was not written");
        }
    }
    full.read
}

/// `n` pods that share the host's PID namespace (a high finding each, at baseline), with enough
/// text per finding that the report is far larger than a pipe's buffer.
fn host_pid_pods(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: pod-with-a-long-name-{i:05}, namespace: team-{i:05}}}\nspec:\n  hostPID: true\n  containers: [{{name: a, image: x}}]\n"
        );
    }
    text
}

/// A pipe holds 64 KiB on Linux (1 MiB at most): a larger report cannot be written in full
/// before `head -1` closes it.
const LARGER_THAN_A_PIPE: usize = 1 << 20;

/// Regression: `palisade lint … | head -1` exited 2 with "Broken pipe", as if the input were bad.
#[test]
fn lint_exits_with_its_verdict_when_stdout_closes() {
    let pods = host_pid_pods(3000);
    let baseline = ["lint", "--pss-level", "baseline", "-"];
    let size = same_code_when_stdout_closes(&baseline, Some(&pods), 1);
    assert!(size > LARGER_THAN_A_PIPE, "only {size} bytes of report");
    let json = ["lint", "--pss-level", "baseline", "--format", "json", "-"];
    same_code_when_stdout_closes(&json, Some(&pods), 1);
    // Findings below --fail-on: the verdict is 0, and stays 0.
    let lenient = [
        "lint",
        "--pss-level",
        "baseline",
        "--fail-on",
        "critical",
        "-",
    ];
    same_code_when_stdout_closes(&lenient, Some(&pods), 0);
    // The other formats, on a corpus that still outgrows a pipe's usual 64 KiB.
    let pods = host_pid_pods(500);
    for format in ["sarif", "junit", "github"] {
        let args = ["lint", "--pss-level", "baseline", "--format", format, "-"];
        let size = same_code_when_stdout_closes(&args, Some(&pods), 1);
        assert!(size > 64 << 10, "{format}: only {size} bytes of report");
    }
}

#[test]
fn lint_fix_diff_exits_with_its_verdict_when_stdout_closes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("pods.yaml");
    std::fs::write(&file, host_pid_pods(200)).unwrap_or_else(|e| panic!("{e}"));
    let file = file.display().to_string();
    same_code_when_stdout_closes(&["lint", "--fix", "--diff", &file], None, 1);
    let written = std::fs::read_to_string(&file).unwrap_or_default();
    assert_eq!(written, host_pid_pods(200), "--diff wrote the file");
}

#[test]
fn netpol_commands_exit_with_their_verdict_when_stdout_closes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let deny = dir.path().join("default-deny.yaml");
    std::fs::write(
        &deny,
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let deny = deny.display().to_string();
    let flows = "examples/netpol/microshield-flows.jsonl";
    for format in ["human", "json"] {
        let simulate = [
            "netpol",
            "simulate",
            "--format",
            format,
            "--flows",
            flows,
            "examples/netpol",
            &deny,
        ];
        same_code_when_stdout_closes(&simulate, None, 1);
        let coverage = ["netpol", "coverage", "--format", format, "examples/netpol"];
        same_code_when_stdout_closes(&coverage, None, 1);
    }
    let suggest = ["netpol", "suggest", "--flows", flows, "examples/netpol"];
    same_code_when_stdout_closes(&suggest, None, 0);
}

#[test]
fn listings_exit_0_when_stdout_closes() {
    same_code_when_stdout_closes(&["rules"], None, 0);
    same_code_when_stdout_closes(&["rules", "--format", "json"], None, 0);
    same_code_when_stdout_closes(&["test", "--verbose"], None, 0);
    let flows = Path::new("examples/netpol/microshield-flows.jsonl");
    let import = ["flows", "import", "--from", "microshield"];
    let args: Vec<&str> = import.iter().copied().chain(flows.to_str()).collect();
    same_code_when_stdout_closes(&args, None, 0);
}

/// Regression: `palisade certs generate` printed with `println!`, which panics (exit 101) on a
/// closed stdout after the certificates were written.
#[test]
fn certs_exit_0_when_stdout_closes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("certs");
    let out = out.display().to_string();
    let args = [
        "certs",
        "generate",
        "--service",
        "hook",
        "--namespace",
        "ns",
        "--out",
        &out,
    ];
    same_code_when_stdout_closes(&args, None, 0);
    for file in ["ca.crt", "ca.key", "tls.crt", "tls.key"] {
        assert!(Path::new(&out).join(file).is_file(), "{file} not written");
    }
}
