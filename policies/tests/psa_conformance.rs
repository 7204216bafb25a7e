//! Conformance of the built-in Pod Security rules with the upstream Pod Security Admission fixtures
//! (`../shared/fixtures/pod-security-admission/<level>/v1.<minor>/<pass|fail>/<check><n>.yaml`).
//!
//! Every `fail/` pod must be denied by the rule its check maps to, with a message carrying the text
//! the API server's denial carries; every `pass/` pod must get no Pod Security finding at all. Every
//! finding's path must point at a field that exists in the pod. Both backends (RVM and interpreter)
//! must return the same decision, and the verdict on the judged findings must be the engine's
//! ([`psa_verdict`]). The test is skipped when the fixtures are not there.

use super::psa_verdict;
use palisade_policies::{
    Decision, Engine, EngineBuilder, Options, PssLevel, PssVersion, Settings, Verdict, input,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

const LEVELS: [(&str, PssLevel); 2] = [
    ("baseline", PssLevel::Baseline),
    ("restricted", PssLevel::Restricted),
];

/// Number of PSS versions the fixtures cover (v1.0 to v1.37).
const VERSIONS: u32 = 38;

/// How many mismatches to print in full.
const SHOWN: usize = 40;

/// Upstream check id (lower case, as in fixture file names) → our rule id and the text the
/// API server's denial must contain for that check.
pub(crate) fn rule_for(check: &str) -> Option<(&'static str, &'static str)> {
    Some(match check {
        "apparmorprofile" => ("PSS-APPARMOR", "forbidden AppArmor profile"),
        "capabilities_baseline" => ("PSS-CAPABILITIES-BASELINE", "capabilities"),
        "hostnamespaces" => ("PSS-HOST-NAMESPACES", "host namespaces"),
        "hostpathvolumes" => ("PSS-HOST-PATH-VOLUMES", "hostPath"),
        "hostports" => ("PSS-HOST-PORTS", "hostPort"),
        "hostprobesandhostlifecycle" => {
            ("PSS-HOST-PROBES-AND-LIFECYCLE", "probe or lifecycle host")
        }
        "privileged" => ("PSS-PRIVILEGED", "privileged"),
        "procmount" | "procmount_restricted" => ("PSS-PROC-MOUNT", "procMount"),
        "seccompprofile_baseline" => ("PSS-SECCOMP-BASELINE", "seccompProfile"),
        "selinuxoptions" => ("PSS-SELINUX", "seLinuxOptions"),
        "sysctls" => ("PSS-SYSCTLS", "forbidden sysctl"),
        "windowshostprocess" => ("PSS-WINDOWS-HOST-PROCESS", "hostProcess"),
        "allowprivilegeescalation" => {
            ("PSS-ALLOW-PRIVILEGE-ESCALATION", "allowPrivilegeEscalation")
        }
        "capabilities_restricted" => ("PSS-CAPABILITIES-RESTRICTED", "unrestricted capabilities"),
        "restrictedvolumes" => ("PSS-VOLUME-TYPES", "restricted volume types"),
        "runasnonroot" => ("PSS-RUN-AS-NON-ROOT", "runAsNonRoot"),
        "runasuser" => ("PSS-RUN-AS-USER", "runAsUser"),
        "seccompprofile_restricted" => ("PSS-SECCOMP-RESTRICTED", "seccompProfile"),
        _ => return None,
    })
}

/// The check id of a fixture file: `runasuser2.yaml` → `runasuser`.
pub(crate) fn check_of(file: &Path) -> String {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    stem.trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string()
}

pub(crate) fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn engine(level: PssLevel, minor: u32, interpreter: bool) -> Engine {
    let options = Options {
        pss_level: level,
        pss_version: PssVersion::Minor(minor),
        ..Options::default()
    };
    EngineBuilder::new()
        .options(options)
        .interpreter_only(interpreter)
        .build()
        .unwrap_or_else(|e| panic!("built-in policies do not load: {e}"))
}

/// The verdict on one level and version: files checked, files that matched, and what went wrong.
#[derive(Debug, Default)]
struct VersionReport {
    passed: usize,
    total: usize,
    mismatches: Vec<String>,
    /// Findings reported once for two rules (one problem, one finding).
    folded: usize,
}

fn describe(decision: &Decision) -> String {
    let parts: Vec<String> = decision
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} at {}: {}",
                f.rule,
                f.path.as_deref().unwrap_or("-"),
                f.message
            )
        })
        .collect();
    if parts.is_empty() {
        "no findings".into()
    } else {
        parts.join("; ")
    }
}

/// What is wrong with `decision` for the fixture `verdict/check`, if anything.
fn judge(pod: &Value, verdict: &str, check: &str, decision: &Decision) -> Option<String> {
    let pss: Vec<_> = decision
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("PSS-"))
        .collect();
    for f in &pss {
        match f.path.as_deref() {
            Some(path) if pod.pointer(path).is_some() => {}
            other => {
                return Some(format!(
                    "{} gave path {other:?}, which is not a field of the pod",
                    f.rule
                ));
            }
        }
    }
    if verdict == "pass" {
        return (!pss.is_empty())
            .then(|| format!("expected no PSS finding, got {}", describe(decision)));
    }
    let Some((rule, text)) = rule_for(check) else {
        return Some(format!("no rule is mapped to check `{check}`"));
    };
    let ours: Vec<_> = pss.iter().filter(|f| f.rule == rule).collect();
    if ours.is_empty() {
        return Some(format!(
            "expected a {rule} finding, got {}",
            describe(decision)
        ));
    }
    if !ours.iter().any(|f| f.message.contains(text)) {
        return Some(format!(
            "{rule} message lacks {text:?}: {}",
            describe(decision)
        ));
    }
    None
}

fn run_version(root: &Path, level_name: &str, level: PssLevel, minor: u32) -> VersionReport {
    let rvm = engine(level, minor, false);
    let interp = engine(level, minor, true);
    let judge_verdict = Verdict::new(Settings::default(), &rvm);
    let mut report = VersionReport::default();
    let dir = root.join(level_name).join(format!("v1.{minor}"));
    for verdict in ["pass", "fail"] {
        for file in yaml_files(&dir.join(verdict)) {
            let name = format!(
                "{level_name}/v1.{minor}/{verdict}/{}",
                file.file_name().unwrap_or_default().display()
            );
            report.total += 1;
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{name}: {e}"));
            let pod: Value =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let review = input::from_object(&pod, &Default::default());
            let [decision, other] = [(&rvm, "RVM"), (&interp, "interpreter")].map(|(e, which)| {
                let decision = e.evaluator().evaluate(&review);
                decision.unwrap_or_else(|e| panic!("{name} ({which}): {e}"))
            });
            let problem = if decision != other {
                Some(format!(
                    "RVM and interpreter disagree: {} vs {}",
                    describe(&decision),
                    describe(&other)
                ))
            } else {
                let check = check_of(&file);
                let judged = psa_verdict::judge(&judge_verdict, &pod, &decision);
                report.folded += psa_verdict::folded(&judged);
                judge(&pod, verdict, &check, &decision).or_else(|| {
                    let rule = rule_for(&check).map(|(rule, _)| rule);
                    psa_verdict::problem(&judged, &decision, verdict, rule)
                })
            };
            match problem {
                Some(p) => report.mismatches.push(format!("{name}: {p}")),
                None => report.passed += 1,
            }
        }
    }
    report
}

#[test]
fn psa_fixtures_agree_at_every_level_and_version() {
    let Some(root) = palisade_policies::fixtures::dir("pod-security-admission") else {
        return;
    };
    let jobs: Vec<(&str, PssLevel, u32)> = LEVELS
        .iter()
        .flat_map(|&(name, level)| (0..VERSIONS).map(move |minor| (name, level, minor)))
        .collect();
    // Fail once, here, if the built-in library does not load.
    drop(engine(PssLevel::Restricted, 0, false));
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    let mut reports: Vec<(usize, VersionReport)> = std::thread::scope(|scope| {
        let (jobs, root) = (&jobs, &root);
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let mine = jobs.iter().enumerate().skip(w).step_by(workers);
                scope.spawn(move || {
                    let run =
                        |(i, &(name, level, minor))| (i, run_version(root, name, level, minor));
                    mine.map(run).collect::<Vec<_>>()
                })
            })
            .collect();
        let joined = handles.into_iter().map(|h| h.join());
        joined
            .flat_map(|r| r.unwrap_or_else(|_| panic!("a fixture worker panicked")))
            .collect()
    });
    reports.sort_by_key(|(i, _)| *i);
    let mut mismatches = Vec::new();
    let (mut total, mut folded) = (0, 0);
    for (&(name, _, minor), (_, report)) in jobs.iter().zip(&reports) {
        println!(
            "{name:<10} v1.{minor:<2} {:>3}/{:<3} agree",
            report.passed, report.total
        );
        assert!(report.total > 0, "no fixtures for {name}/v1.{minor}");
        total += report.total;
        folded += report.folded;
        mismatches.extend(report.mismatches.iter().cloned());
    }
    println!("{} of {total} fixtures agree", total - mismatches.len());
    println!("{folded} judged findings each stand for two rules' findings about one field");
    for m in mismatches.iter().take(SHOWN) {
        println!("MISMATCH {m}");
    }
    assert!(
        mismatches.is_empty(),
        "{} of {total} fixtures disagree; first: {:#?}",
        mismatches.len(),
        &mismatches[..mismatches.len().min(SHOWN)]
    );
}

/// Every PSS rule is in the catalogue with the level and first version of its upstream check.
#[test]
fn catalogue_has_every_pss_rule_with_level_and_since() {
    use PssLevel::{Baseline as B, Restricted as R};
    let expected: [(&str, PssLevel, u32); 18] = [
        ("PSS-ALLOW-PRIVILEGE-ESCALATION", R, 8),
        ("PSS-APPARMOR", B, 0),
        ("PSS-CAPABILITIES-BASELINE", B, 0),
        ("PSS-CAPABILITIES-RESTRICTED", R, 22),
        ("PSS-HOST-NAMESPACES", B, 0),
        ("PSS-HOST-PATH-VOLUMES", B, 0),
        ("PSS-HOST-PORTS", B, 0),
        ("PSS-HOST-PROBES-AND-LIFECYCLE", B, 34),
        ("PSS-PRIVILEGED", B, 0),
        ("PSS-PROC-MOUNT", B, 0),
        ("PSS-RUN-AS-NON-ROOT", R, 0),
        ("PSS-RUN-AS-USER", R, 23),
        ("PSS-SECCOMP-BASELINE", B, 0),
        ("PSS-SECCOMP-RESTRICTED", R, 19),
        ("PSS-SELINUX", B, 0),
        ("PSS-SYSCTLS", B, 0),
        ("PSS-VOLUME-TYPES", R, 0),
        ("PSS-WINDOWS-HOST-PROCESS", B, 0),
    ];
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let pss: Vec<_> = engine
        .rules()
        .filter(|r| r.id.starts_with("PSS-"))
        .collect();
    let ids: Vec<&str> = pss.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, expected.map(|(id, _, _)| id), "PSS rule ids");
    for (rule, (id, level, since)) in pss.iter().zip(expected) {
        let got = (
            rule.pss_level,
            rule.since,
            rule.kinds.len(),
            rule.file.get(..12),
        );
        assert_eq!(
            got,
            (Some(level), Some(since), 8, Some("builtin:pss/")),
            "{id}"
        );
    }
}
