//! A lint run: parse every file in parallel, build the inventory, evaluate every object on all
//! cores (one evaluator per worker), and turn findings into positioned, filtered, sorted results.

use crate::config::{Config, Exemption};
use crate::inventory::InventoryBuilder;
use crate::objects::{ObjectRef, ParsedFile, parse_file};
use crate::{Input, InputError, LintFinding, Report, SourceFile, Summary, read};
use palisade_policies::input::{UserInfo, from_object};
use palisade_policies::{Action, Engine, IGNORE_POINTER, RuleMeta, Severity, Suppression};
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
        self.lint_inputs(sources.into_iter().map(Input::Source).collect(), progress)
    }

    /// Lints files and texts. Files are read by the workers, so a file's text is held only
    /// while it is parsed; a file that cannot be read is an input error like a syntax error.
    pub fn lint_inputs(&self, inputs: Vec<Input>, progress: &AtomicUsize) -> LintRun {
        let mut run = LintRun::default();
        // Pass 1: parse every file once and evaluate every object whose rules do not read the
        // inventory. Kept: findings, inventory objects, and the objects (with their documents)
        // whose rules read it, so memory holds those rather than the whole corpus.
        let firsts: Vec<(bool, Result<FirstPass, InputError>)> = inputs
            .into_par_iter()
            .map_init(
                || self.engine.evaluator(),
                |ev, input| {
                    let source = match input {
                        Input::Source(s) => s,
                        Input::Path(p) => match read(&p) {
                            Ok(s) => s,
                            Err(e) => return (false, Err(e)),
                        },
                    };
                    (true, self.first_pass(ev, &source, progress))
                },
            )
            .collect();
        let mut files = 0;
        let mut builder = InventoryBuilder::default();
        let mut objects = 0;
        let mut passes: Vec<FirstPass> = Vec::new();
        for (readable, first) in firsts {
            files += usize::from(readable);
            match first {
                Ok(mut first) => {
                    objects += first.objects;
                    first.inventory.drain(..).for_each(|v| builder.add(v));
                    run.skipped.extend(
                        first
                            .skipped
                            .iter()
                            .map(|l| (first.deferred.name.clone(), *l)),
                    );
                    passes.push(first);
                }
                Err(e) => run.errors.push(e),
            }
        }
        let (inventory, ns_labels) = builder.build();
        let inventory = self.engine.inventory(inventory);
        // Pass 2: the deferred objects, with the complete inventory; then each file's findings
        // sorted by position. Files keep their input order.
        let per_file: Vec<Result<Vec<LintFinding>, InputError>> = passes
            .into_par_iter()
            .map_init(
                || {
                    let mut ev = self.engine.evaluator();
                    ev.set_inventory(&inventory);
                    ev
                },
                |ev, first| {
                    let deferred = &first.deferred;
                    let more = self.lint_objects(ev, deferred, &deferred.objects, progress)?;
                    let mut file = first.findings;
                    file.extend(more);
                    file.sort_by(|a, b| {
                        (a.line, a.column, &a.rule, &a.message)
                            .cmp(&(b.line, b.column, &b.rule, &b.message))
                    });
                    Ok(file)
                },
            )
            .collect();
        let mut findings = Vec::new();
        for r in per_file {
            match r {
                Ok(f) => findings.extend(f),
                Err(e) => run.errors.push(e),
            }
        }
        findings.retain(|f| !self.exempted(f, &ns_labels));
        let mut by_severity: BTreeMap<Severity, usize> =
            Severity::ALL.iter().map(|s| (*s, 0)).collect();
        for f in &findings {
            *by_severity.entry(f.severity).or_default() += 1;
        }
        run.report = Report {
            summary: Summary {
                files,
                objects,
                findings: findings.len(),
                by_severity,
            },
            findings,
            rules: self.active_rules(),
        };
        run
    }

    /// Parses a file, evaluates the objects that need no inventory and keeps the others.
    fn first_pass(
        &self,
        ev: &mut palisade_policies::Evaluator,
        source: &SourceFile,
        progress: &AtomicUsize,
    ) -> Result<FirstPass, InputError> {
        let file = parse_file(source)?;
        let kind_of = |o: &ObjectRef| {
            file.value(o)
                .and_then(|v| v.get("kind"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let deferred: Vec<bool> = file
            .objects
            .iter()
            .map(|o| self.engine.reads_inventory(&kind_of(o)))
            .collect();
        let now: Vec<ObjectRef> = file
            .objects
            .iter()
            .zip(&deferred)
            .filter(|(_, d)| !**d)
            .map(|(o, _)| o.clone())
            .collect();
        let findings = self.lint_objects(ev, &file, &now, progress)?;
        let inventory = file
            .objects
            .iter()
            .filter_map(|o| file.value(o))
            .filter(|v| InventoryBuilder::wants(v))
            .cloned()
            .collect();
        let objects = file.objects.len();
        let skipped = file.skipped.clone();
        let deferred = file.retain(&deferred);
        Ok(FirstPass {
            objects,
            inventory,
            skipped,
            findings,
            deferred,
        })
    }

    /// Evaluates `objects` of `file`.
    fn lint_objects(
        &self,
        ev: &mut palisade_policies::Evaluator,
        file: &ParsedFile,
        objects: &[ObjectRef],
        progress: &AtomicUsize,
    ) -> Result<Vec<LintFinding>, InputError> {
        let mut out = Vec::new();
        for obj in objects {
            out.extend(self.lint_object(ev, file, obj)?);
            progress.fetch_add(1, Ordering::Relaxed);
        }
        Ok(out)
    }

    /// Whether a configured exemption covers the finding (the suppression pseudo-rule is never
    /// exempted: it reports a problem with the annotation itself).
    fn exempted(
        &self,
        f: &LintFinding,
        ns_labels: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> bool {
        f.rule != SUPPRESSION_RULE
            && self.config.exemptions.iter().any(|e| {
                exempts(e, &f.kind, &f.name, &f.namespace, ns_labels)
                    && (e.rules.is_empty() || e.rules.contains(&f.rule))
            })
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

    fn lint_object(
        &self,
        ev: &mut palisade_policies::Evaluator,
        file: &ParsedFile,
        obj: &ObjectRef,
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
struct FirstPass {
    objects: usize,
    inventory: Vec<Value>,
    skipped: Vec<usize>,
    /// Findings of the objects evaluated already.
    findings: Vec<LintFinding>,
    /// The objects whose rules read the inventory, with their documents.
    deferred: ParsedFile,
}
