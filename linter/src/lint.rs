//! A lint run: parse every file in parallel, build the inventory, evaluate every object on all
//! cores (one evaluator per worker), and turn findings into positioned, filtered, sorted results.

use crate::config::{Config, Exemption};
use crate::inventory::InventoryBuilder;
use crate::objects::{ObjectRef, ParsedFile, parse_file};
use crate::{InputError, LintFinding, Report, SourceFile, Summary};
use palisade_policies::input::{UserInfo, from_object};
use palisade_policies::{
    Action, Engine, IGNORE_POINTER, Inventory, RuleMeta, Severity, Suppression,
};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Rule id of findings about `palisade.dev/ignore` annotations that are not honoured.
pub const SUPPRESSION_RULE: &str = "PALISADE-SUPPRESSION";

/// The outcome of a run: the report of everything that could be read, and the input errors.
#[derive(Debug, Default)]
pub struct LintRun {
    pub report: Report,
    pub errors: Vec<InputError>,
    /// Documents skipped because they are not Kubernetes objects: (file, line).
    pub skipped: Vec<(String, usize)>,
}

/// Lints manifests with one engine and one configuration.
#[derive(Debug, Clone)]
pub struct Linter {
    engine: Engine,
    config: Config,
    user: UserInfo,
}

impl Linter {
    pub fn new(engine: Engine, config: Config) -> Self {
        Linter {
            engine,
            config,
            user: UserInfo::default(),
        }
    }

    /// Lints `sources`; `progress` counts evaluated objects (for a progress display).
    pub fn lint(&self, sources: Vec<SourceFile>, progress: &AtomicUsize) -> LintRun {
        let mut run = LintRun::default();
        // Pass 1: parse every file for what the inventory needs, keeping nothing else, so memory
        // holds one file's documents per worker rather than the whole corpus.
        let scans: Vec<Result<Scan, InputError>> = sources.par_iter().map(scan).collect();
        let mut builder = InventoryBuilder::default();
        let mut objects = 0;
        let mut readable = Vec::new();
        for (source, scan) in sources.iter().zip(scans) {
            match scan {
                Ok(scan) => {
                    objects += scan.objects;
                    scan.inventory.iter().for_each(|v| builder.add(v));
                    run.skipped
                        .extend(scan.skipped.iter().map(|l| (source.name.clone(), *l)));
                    readable.push(source);
                }
                Err(e) => run.errors.push(e),
            }
        }
        let (inventory, ns_labels) = builder.build();
        let inventory = Inventory::new(inventory);
        // Pass 2: parse each file again and evaluate its objects; only findings are kept. Input
        // order is preserved; within a file, findings are sorted by position.
        let per_file: Vec<Result<Vec<LintFinding>, InputError>> = readable
            .par_iter()
            .map_init(
                || {
                    let mut ev = self.engine.evaluator();
                    ev.set_inventory(&inventory);
                    ev
                },
                |ev, source| self.lint_file(ev, source, &ns_labels, progress),
            )
            .collect();
        let mut findings = Vec::new();
        for r in per_file {
            match r {
                Ok(f) => findings.extend(f),
                Err(e) => run.errors.push(e),
            }
        }
        let mut by_severity: BTreeMap<Severity, usize> =
            Severity::ALL.iter().map(|s| (*s, 0)).collect();
        for f in &findings {
            *by_severity.entry(f.severity).or_default() += 1;
        }
        run.report = Report {
            summary: Summary {
                files: sources.len(),
                objects,
                findings: findings.len(),
                by_severity,
            },
            findings,
            rules: self.active_rules(),
        };
        run
    }

    /// The catalogue of rules this run applies (plus the suppression pseudo-rule).
    pub fn active_rules(&self) -> Vec<RuleMeta> {
        let mut rules: Vec<RuleMeta> = self
            .engine
            .rules()
            .filter(|r| self.config.rule_enabled(&r.id))
            .cloned()
            .map(|mut r| {
                if let Some(s) = self.config.severity.get(&r.id) {
                    r.severity = *s;
                }
                r
            })
            .collect();
        rules.push(suppression_rule());
        rules
    }

    fn lint_file(
        &self,
        ev: &mut palisade_policies::Evaluator,
        source: &SourceFile,
        ns_labels: &BTreeMap<String, BTreeMap<String, String>>,
        progress: &AtomicUsize,
    ) -> Result<Vec<LintFinding>, InputError> {
        let file = parse_file(source)?;
        let mut out = Vec::new();
        for obj in &file.objects {
            out.extend(self.lint_object(ev, &file, obj, ns_labels)?);
            progress.fetch_add(1, Ordering::Relaxed);
        }
        out.sort_by(|a, b| {
            (a.line, a.column, &a.rule, &a.message).cmp(&(b.line, b.column, &b.rule, &b.message))
        });
        Ok(out)
    }

    fn lint_object(
        &self,
        ev: &mut palisade_policies::Evaluator,
        file: &ParsedFile,
        obj: &ObjectRef,
        ns_labels: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> Result<Vec<LintFinding>, InputError> {
        let Some(value) = file.value(obj) else {
            return Ok(Vec::new());
        };
        let meta = |k: &str| {
            value
                .pointer(&format!("/metadata/{k}"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let (kind, name, namespace) = (
            value
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            meta("name"),
            meta("namespace"),
        );
        let decision = ev.evaluate(&from_object(value, &self.user)).map_err(|e| {
            let pos = file.locate(obj, "");
            InputError::at(
                &file.name,
                pos.line,
                pos.column,
                format!("{kind} {name}: {e}"),
            )
        })?;
        let suppression = Suppression::of(value);
        let exemptions: Vec<&Exemption> = self
            .config
            .exemptions
            .iter()
            .filter(|e| exempts(e, &kind, &name, &namespace, ns_labels))
            .collect();
        let finding = |rule: String, severity, action, message, path: Option<String>| {
            let pos = file.locate(obj, path.as_deref().unwrap_or(""));
            LintFinding {
                rule,
                severity,
                file: file.name.clone(),
                line: pos.line,
                column: pos.column,
                kind: kind.clone(),
                name: name.clone(),
                namespace: namespace.clone(),
                message,
                path,
                action,
            }
        };
        let mut out = Vec::new();
        for f in decision.findings {
            if !self.config.rule_enabled(&f.rule)
                || suppression.as_ref().is_some_and(|s| s.covers(&f.rule))
                || exemptions
                    .iter()
                    .any(|e| e.rules.is_empty() || e.rules.contains(&f.rule))
            {
                continue;
            }
            let severity = self
                .config
                .severity
                .get(&f.rule)
                .copied()
                .unwrap_or(f.severity);
            out.push(finding(f.rule, severity, f.action, f.message, f.path));
        }
        if let Some(problem) = suppression.and_then(|s| s.problem)
            && self.config.rule_enabled(SUPPRESSION_RULE)
        {
            out.push(finding(
                SUPPRESSION_RULE.into(),
                Severity::Low,
                Action::Warn,
                problem,
                Some(IGNORE_POINTER.into()),
            ));
        }
        Ok(out)
    }
}

fn exempts(
    e: &Exemption,
    kind: &str,
    name: &str,
    ns: &str,
    labels: &BTreeMap<String, BTreeMap<String, String>>,
) -> bool {
    (e.kinds.is_empty() || e.kinds.iter().any(|k| k == kind))
        && (e.names.is_empty() || e.names.iter().any(|n| n == name))
        && (e.namespaces.is_empty() || e.namespaces.iter().any(|n| n == ns))
        && (e.namespace_labels.is_empty()
            || labels
                .get(ns)
                .is_some_and(|l| e.namespace_labels.iter().all(|(k, v)| l.get(k) == Some(v))))
}

fn suppression_rule() -> RuleMeta {
    RuleMeta {
        id: SUPPRESSION_RULE.into(),
        title: "Suppression annotation not honoured".into(),
        severity: Severity::Low,
        kinds: Vec::new(),
        remediation: "Write the annotation as `palisade.dev/ignore: \"RULE-ID[,RULE-ID]: reason\"`; a reason is required.".into(),
        pss_level: None,
        since: None,
        package: "palisade.linter".into(),
        file: "builtin:linter".into(),
        builtin: true,
    }
}

/// What the first pass keeps of a file.
struct Scan {
    objects: usize,
    inventory: Vec<Value>,
    skipped: Vec<usize>,
}

fn scan(source: &SourceFile) -> Result<Scan, InputError> {
    let file = parse_file(source)?;
    let inventory = file
        .objects
        .iter()
        .filter_map(|o| file.value(o))
        .filter(|v| InventoryBuilder::wants(v))
        .cloned()
        .collect();
    Ok(Scan {
        objects: file.objects.len(),
        inventory,
        skipped: file.skipped,
    })
}
