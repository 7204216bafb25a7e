//! A lint run: parse every file in parallel, build the inventory, evaluate every object on all
//! cores (one evaluator per worker), and turn findings into positioned, filtered, sorted results.
//! With a [`Deriver`], the objects it wants are judged once the whole set is read, each with the
//! facts derived over the set in its input (see `palisade_policies::Deriver`).

mod judged;
mod pass;
mod preset;

use crate::config::Config;
use crate::objects::{ObjectRef, ParsedFile, parse_file};
use crate::{Input, InputError, LintFinding, Report, SourceFile, Summary, read};
use judged::JudgedKinds;
use palisade_policies::input::{UserInfo, from_object};
use palisade_policies::{
    Deriver, Engine, IGNORE_POINTER, InventoryBuilder, NamespaceLabels, Operation, Subject,
    Suppression, Verdict, add_derived,
};
use pass::{Deferred, FirstPass, Pending};
use preset::Preset;
use rayon::prelude::*;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    verdict: Verdict,
    user: UserInfo,
    deriver: Option<Arc<dyn Deriver>>,
    judged: JudgedKinds,
    preset: Option<Arc<Preset>>,
}

impl Linter {
    /// A linter judging with `config.settings` (its `fail-on` included).
    pub fn new(engine: Engine, config: Config) -> Self {
        let verdict = Verdict::new(config.settings, &engine);
        let settings = verdict.settings();
        let judged = JudgedKinds::of(engine.rules().filter(|r| settings.rule_enabled(&r.id)));
        Linter {
            engine,
            verdict,
            user: UserInfo::default(),
            deriver: None,
            judged,
            preset: None,
        }
    }

    /// Derives facts over the whole file set with `deriver` (the NETPOL rules' facts).
    pub fn with_deriver(mut self, deriver: Arc<dyn Deriver>) -> Self {
        self.deriver = Some(deriver);
        self
    }

    /// Whether objects of `kind` must wait for the whole file set.
    fn deferred(&self, kind: &str) -> bool {
        (self.preset.is_none() && self.engine.reads_inventory(kind)) || self.derives(kind)
    }

    /// An evaluator, with the preset inventory when there is one.
    fn evaluator(&self) -> palisade_policies::Evaluator {
        let mut ev = self.engine.evaluator();
        if let Some(preset) = &self.preset {
            ev.set_inventory(&preset.inventory);
        }
        ev
    }

    fn derives(&self, kind: &str) -> bool {
        self.deriver.as_ref().is_some_and(|d| d.wants(kind))
    }

    /// Lints `sources`; `progress` counts evaluated objects (for a progress display).
    pub fn lint(&self, sources: Vec<SourceFile>, progress: &AtomicUsize) -> LintRun {
        self.lint_inputs(sources.into_iter().map(Input::Source).collect(), progress)
    }

    /// Lints files and texts. Files are read by the workers, so a file's text is held only
    /// while it is parsed; a file that cannot be read is an input error like a syntax error.
    pub fn lint_inputs(&self, inputs: Vec<Input>, progress: &AtomicUsize) -> LintRun {
        let mut run = LintRun::default();
        // Pass 1: parse every file and evaluate every object whose rules do not read the
        // inventory. Kept: findings, inventory objects, and the text of the files whose objects
        // wait for it (parsed again in pass 2), so memory holds texts rather than parsed documents.
        let firsts: Vec<(bool, Result<FirstPass, InputError>)> = inputs
            .into_par_iter()
            .map_init(
                || self.evaluator(),
                |ev, input| {
                    let source = match input {
                        Input::Source(s) => s,
                        Input::Path(p) => match read(&p) {
                            Ok(s) => s,
                            Err(e) => return (false, Err(e)),
                        },
                    };
                    (true, self.first_pass(ev, source, progress))
                },
            )
            .collect();
        let mut files = 0;
        let mut builder = InventoryBuilder::default();
        let mut objects = Vec::new();
        let mut passes: Vec<FirstPass> = Vec::new();
        for (readable, first) in firsts {
            files += usize::from(readable);
            match first {
                Ok(mut first) => {
                    objects.append(&mut first.linted);
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
        let (inventory, ns_labels) = match &self.preset {
            Some(preset) => {
                self.derive(&mut passes);
                (preset.inventory.clone(), preset.labels.clone())
            }
            None => {
                let (inventory, ns_labels) = builder.build();
                // The inventory's facts and the derived facts (NetworkPolicy coverage) are
                // independent: computed side by side.
                let (inventory, ()) = rayon::join(
                    || self.engine.inventory(inventory),
                    || self.derive(&mut passes),
                );
                (inventory, ns_labels)
            }
        };
        // Pass 2: the deferred objects, with the complete inventory; then each file's findings
        // sorted by position. Files keep their input order.
        let per_file: Vec<Result<Vec<Pending>, InputError>> = passes
            .into_par_iter()
            .map_init(
                || {
                    let mut ev = self.engine.evaluator();
                    ev.set_inventory(&inventory);
                    ev
                },
                |ev, first| {
                    let deferred = first.deferred.parse()?;
                    let more =
                        self.lint_objects(ev, &deferred, &deferred.objects, first.facts, progress)?;
                    let mut file = first.pending;
                    file.extend(more);
                    Ok(file)
                },
            )
            .collect();
        // The verdict, now that every namespace's labels are known; each file's findings are
        // sorted by position.
        let mut findings = Vec::new();
        for r in per_file {
            match r {
                Ok(pending) => {
                    let mut file: Vec<LintFinding> = pending
                        .into_iter()
                        .flat_map(|p| self.judge(p, &ns_labels))
                        .collect();
                    file.sort_by(|a, b| {
                        (a.line, a.column, &a.rule, &a.message)
                            .cmp(&(b.line, b.column, &b.rule, &b.message))
                    });
                    findings.extend(file);
                }
                Err(e) => run.errors.push(e),
            }
        }
        run.report = Report {
            summary: Summary::of(files, &objects, &findings),
            findings,
            objects,
            rules: self.active_rules(),
        };
        run
    }

    /// Parses a file, evaluates the objects that need no inventory and keeps the others.
    fn first_pass(
        &self,
        ev: &mut palisade_policies::Evaluator,
        source: SourceFile,
        progress: &AtomicUsize,
    ) -> Result<FirstPass, InputError> {
        let file = parse_file(&source)?;
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
            .map(|o| self.deferred(&kind_of(o)))
            .collect();
        let now: Vec<ObjectRef> = file
            .objects
            .iter()
            .zip(&deferred)
            .filter(|(_, d)| !**d)
            .map(|(o, _)| o.clone())
            .collect();
        let pending = self.lint_objects(ev, &file, &now, Vec::new(), progress)?;
        let inventory = file
            .objects
            .iter()
            .filter_map(|o| file.value(o))
            .filter(|v| InventoryBuilder::wants(v))
            .cloned()
            .collect();
        let world = file
            .objects
            .iter()
            .filter_map(|o| file.value(o))
            .filter(|v| self.derives(v.get("kind").and_then(Value::as_str).unwrap_or_default()))
            .cloned()
            .collect();
        let linted = file.objects.iter().map(|o| self.linted(&file, o)).collect();
        let skipped = file.skipped.clone();
        drop(file);
        let deferred = Deferred::new(source, deferred);
        Ok(FirstPass {
            linted,
            inventory,
            skipped,
            pending,
            deferred,
            world,
            facts: Vec::new(),
        })
    }

    /// Evaluates `objects` of `file`; `facts` are the derived facts of those the deriver wants,
    /// in order.
    fn lint_objects(
        &self,
        ev: &mut palisade_policies::Evaluator,
        file: &ParsedFile,
        objects: &[ObjectRef],
        facts: Vec<Value>,
        progress: &AtomicUsize,
    ) -> Result<Vec<Pending>, InputError> {
        let mut out = Vec::new();
        let mut facts = facts.into_iter();
        for obj in objects {
            let kind = file
                .value(obj)
                .and_then(|v| v.get("kind"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let derived = match self.derives(kind) {
                true => facts.next().unwrap_or_default(),
                false => Value::Null,
            };
            out.extend(self.lint_object(ev, file, obj, derived)?);
            progress.fetch_add(1, Ordering::Relaxed);
        }
        Ok(out)
    }

    /// Evaluates one object with its derived facts; `None` when there is nothing to judge.
    fn lint_object(
        &self,
        ev: &mut palisade_policies::Evaluator,
        file: &ParsedFile,
        obj: &ObjectRef,
        derived: Value,
    ) -> Result<Option<Pending>, InputError> {
        let Some(value) = file.value(obj) else {
            return Ok(None);
        };
        let text = |ptr: &str| {
            value
                .pointer(ptr)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let (kind, name, namespace) = (
            text("/kind"),
            text("/metadata/name"),
            text("/metadata/namespace"),
        );
        let mut input = from_object(value, &self.user);
        add_derived(&mut input, derived);
        let decision = ev.evaluate(&input).map_err(|e| {
            let pos = file.locate(obj, "");
            InputError::at(
                &file.name,
                pos.line,
                pos.column,
                format!("{kind} {name}: {e}"),
            )
        })?;
        let suppression = Suppression::of(value);
        let noted = suppression.as_ref().is_some_and(|s| s.problem.is_some());
        if decision.findings.is_empty() && !noted {
            return Ok(None);
        }
        let positions = decision
            .findings
            .iter()
            .map(|f| file.locate(obj, f.path.as_deref().unwrap_or("")))
            .collect();
        Ok(Some(Pending {
            file: file.name.clone(),
            ignore_position: file.locate(obj, IGNORE_POINTER),
            kind,
            name,
            namespace,
            suppression,
            findings: decision.findings,
            positions,
        }))
    }

    /// The verdict on one object's findings, located in its file.
    fn judge(&self, p: Pending, labels: &NamespaceLabels) -> Vec<LintFinding> {
        let subject = Subject {
            kind: &p.kind,
            name: &p.name,
            namespace: &p.namespace,
            namespace_labels: labels.get(&p.namespace),
            user: &self.user,
            operation: Operation::Create,
            suppression: p.suppression.as_ref(),
        };
        let judgement = self.verdict.judge(&subject, p.findings, None);
        judgement
            .findings
            .into_iter()
            .map(|j| {
                let pos = j
                    .source
                    .and_then(|i| p.positions.get(i).copied())
                    .unwrap_or(p.ignore_position);
                let f = j.finding;
                LintFinding {
                    rule: f.rule,
                    severity: f.severity,
                    file: p.file.clone(),
                    line: pos.line,
                    column: pos.column,
                    kind: p.kind.clone(),
                    name: p.name.clone(),
                    namespace: p.namespace.clone(),
                    message: f.message,
                    path: f.path,
                    remediation: f.remediation,
                    outcome: j.outcome,
                }
            })
            .collect()
    }
}
