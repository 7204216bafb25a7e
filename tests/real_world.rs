//! Real-world manifests (../shared/fixtures/real-world) lint without input errors, and the rule ids
//! found per file are snapshotted so any change in verdicts is visible in review.

use palisade_linter::{Config, Linter, discover, read};
use palisade_netpol::coverage_facts::NetpolDeriver;
use palisade_policies::Engine;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

#[test]
fn real_world_manifests_lint_cleanly_and_match_snapshot() {
    let Some(root) = palisade_policies::fixtures::dir("real-world") else {
        return;
    };
    let files = discover(std::slice::from_ref(&root)).unwrap_or_else(|e| panic!("{e}"));
    let sources: Vec<_> = files
        .iter()
        .map(|p| read(p).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    // As `palisade lint` does: with the NETPOL rules' facts derived over the file set.
    let run = Linter::new(engine, Config::default())
        .with_deriver(Arc::new(NetpolDeriver::default()))
        .lint(sources, &AtomicUsize::new(0));
    let rel = |f: &str| {
        f.strip_prefix(&format!("{}/", root.display()))
            .unwrap_or(f)
            .to_string()
    };

    // Only the unrendered Helm templates may fail, and they must fail as templates.
    for e in &run.errors {
        let file = rel(&e.file);
        assert!(
            file.starts_with("weave-gitops/gitops-server-chart/templates/")
                && e.message.contains("unrendered template"),
            "unexpected input error: {e}"
        );
    }
    let templates = files
        .iter()
        .filter(|p| {
            rel(&p.display().to_string()).starts_with("weave-gitops/gitops-server-chart/templates/")
        })
        .count();
    println!(
        "{} files, {} objects, {} findings, {} template files refused",
        run.report.summary.files,
        run.report.summary.objects,
        run.report.summary.findings,
        run.errors.len()
    );
    assert!(
        run.report.summary.objects > 200,
        "too few objects: {}",
        run.report.summary.objects
    );

    let mut per_file: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for f in &run.report.findings {
        *per_file
            .entry(rel(&f.file))
            .or_default()
            .entry(format!("{} {}", f.rule, f.severity))
            .or_default() += 1;
    }
    let mut text = String::new();
    for (file, rules) in &per_file {
        text.push_str(&format!("{file}\n"));
        for (rule, n) in rules {
            text.push_str(&format!("  {rule} x{n}\n"));
        }
    }
    text.push_str(&format!(
        "errors: {} (of {templates} template files)\n",
        run.errors.len()
    ));
    insta::assert_snapshot!("real_world_rule_ids", text);
}
