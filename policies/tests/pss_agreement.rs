//! Agreement of the built-in Pod Security rules with the test cases of the Gatekeeper library's
//! pod-security-policy suites and Kyverno's pod-security policies (`../shared/fixtures`, SOURCES.md
//! sections 2 and 3). Their parameters differ from the Pod Security Standards, so agreement is
//! reported per mapping; only clear-cut mappings (same semantics as a PSS rule, each says why) must
//! agree fully. Every file must parse and every object in it must evaluate without error. Skipped
//! when the fixtures are not there.

use palisade_policies::{Engine, EngineBuilder, Options, PssLevel, input};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[path = "pss_agreement/mappings.rs"]
mod mappings;

use mappings::mappings;

/// Per mapping: cases that agree, cases that disagree (described), cases set aside by reason.
#[derive(Debug, Default)]
struct Tally {
    agree: usize,
    disagree: Vec<String>,
    aside: BTreeMap<&'static str, usize>,
}

/// One object with the verdict the other library expects (`deny`), and why it cannot be
/// compared with PSS, if it cannot.
struct Case(String, String, Value, bool, Option<&'static str>);

fn docs(path: &Path) -> Vec<Value> {
    let parsed = std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_saphyr::from_multiple::<Value>(&t).map_err(|e| e.to_string()));
    let all = parsed.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    all.into_iter().filter(|d| !d.is_null()).collect()
}

/// The entries of a folder, sorted (none when it does not exist).
fn listing(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).into_iter().flatten();
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    paths
}

fn name_of(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default();
    name.to_string_lossy().into_owned()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn items(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

fn texts(v: &Value) -> Vec<String> {
    items(v).map(text).collect()
}

/// The input for a document: an AdmissionReview's request, or an object reviewed as a CREATE.
fn input_for(doc: &Value) -> Option<Value> {
    match doc.get("kind").and_then(Value::as_str)? {
        "AdmissionReview" => doc.get("request").map(input::from_admission_request),
        _ => Some(input::from_object(doc, &Default::default())),
    }
}

/// Why Gatekeeper's verdict on `doc` under `constraint` says nothing about PSS, if it does not.
fn gatekeeper_set_aside(constraint: &Value, doc: &Value) -> Option<&'static str> {
    let object = doc.pointer("/request/object").unwrap_or(doc);
    let exempt = texts(&constraint["spec"]["parameters"]["exemptImages"]);
    let matches = |img: &str, e: &String| match e.strip_suffix('*') {
        Some(prefix) => img.starts_with(prefix),
        None => e == img,
    };
    let fields = ["containers", "initContainers", "ephemeralContainers"];
    let mut images = fields.iter().flat_map(|f| items(&object["spec"][f]));
    let exempted = images.any(|c| exempt.iter().any(|e| matches(&text(&c["image"]), e)));
    let excluded = texts(&constraint["spec"]["match"]["excludedNamespaces"]);
    if doc["request"]["operation"] == "UPDATE" {
        Some("UPDATE (Gatekeeper skips updates)")
    } else if exempted {
        Some("exemptImages")
    } else {
        let namespace = text(&object["metadata"]["namespace"]);
        excluded
            .contains(&namespace)
            .then_some("excludedNamespaces")
    }
}

/// Gatekeeper suites: every object of every case of every test.
fn gatekeeper(root: &Path, out: &mut Vec<Case>) {
    for dir in listing(root)
        .iter()
        .filter(|d| d.join("suite.yaml").is_file())
    {
        let policy = name_of(dir);
        for suite in docs(&dir.join("suite.yaml")) {
            for test in items(&suite["tests"]) {
                let constraint_file = text(&test["constraint"]);
                let constraint = docs(&dir.join(&constraint_file)).pop().unwrap_or_default();
                let folder = Path::new(&constraint_file).parent().map(name_of);
                let source = format!("gatekeeper/{policy}/{}", folder.unwrap_or_default());
                for case in items(&test["cases"]) {
                    let deny = items(&case["assertions"]).any(|a| match &a["violations"] {
                        Value::Bool(b) => *b,
                        Value::Number(n) => n.as_u64().is_some_and(|n| n > 0),
                        other => other == "yes",
                    });
                    let file = text(&case["object"]);
                    for object in docs(&dir.join(&file)) {
                        let aside = gatekeeper_set_aside(&constraint, &object);
                        let name = format!("{policy}/{file}");
                        out.push(Case(source.clone(), name, object, deny, aside));
                    }
                }
            }
        }
    }
}

/// The resources named in a Kyverno test's results. A result is per rule: a resource passes the
/// policy only when it passes every rule the test names.
fn kyverno_results(test_file: &Path, source: &str, rel: &str, out: &mut Vec<Case>) {
    let dir = test_file.parent().unwrap_or(Path::new("."));
    for test in docs(test_file) {
        let mut by_name: BTreeMap<(String, String), Value> = BTreeMap::new();
        for doc in texts(&test["resources"])
            .iter()
            .flat_map(|r| docs(&dir.join(r)))
        {
            by_name.insert((text(&doc["kind"]), text(&doc["metadata"]["name"])), doc);
        }
        let results: Vec<&Value> = items(&test["results"]).collect();
        let rules: BTreeSet<String> = results.iter().map(|r| text(&r["rule"])).collect();
        let mut verdicts: BTreeMap<(String, String), (bool, BTreeSet<String>)> = BTreeMap::new();
        for result in results {
            for name in texts(&result["resources"]) {
                let short = name.rsplit('/').next().unwrap_or_default().to_string();
                let verdict = verdicts.entry((text(&result["kind"]), short)).or_default();
                verdict.0 |= result["result"] == "fail";
                verdict
                    .1
                    .extend((result["result"] == "pass").then(|| text(&result["rule"])));
            }
        }
        for ((kind, name), (deny, passed)) in verdicts {
            let object = by_name.remove(&(kind.clone(), name.clone()));
            let object = object.unwrap_or_else(|| panic!("{source}: {kind}/{name} not found"));
            let aside =
                (!deny && passed != rules).then_some("passes some rules, others not stated");
            let file = format!("{rel}/.kyverno-test {kind}/{name}");
            out.push(Case(source.to_string(), file, object, deny, aside));
        }
    }
}

/// Kyverno: the test results, and every object of the `.chainsaw-test/*good*` (admitted) and
/// `*bad*` (rejected) files, in this folder and below.
fn kyverno(root: &Path, folder: &Path, out: &mut Vec<Case>) {
    let rel = folder.strip_prefix(root).unwrap_or(folder).display();
    let rel = rel.to_string();
    let source = format!("kyverno/{rel}");
    let test_file = folder.join(".kyverno-test/kyverno-test.yaml");
    if test_file.is_file() {
        kyverno_results(&test_file, &source, &rel, out);
    }
    for file in listing(&folder.join(".chainsaw-test")) {
        let name = name_of(&file);
        for object in docs(&file) {
            let label = format!("{rel}/.chainsaw-test/{name} {}", object["metadata"]["name"]);
            let deny = name.contains("bad");
            out.push(Case(source.clone(), label, object, deny, None));
        }
    }
    for sub in listing(folder)
        .iter()
        .filter(|d| d.is_dir() && !name_of(d).starts_with('.'))
    {
        kyverno(root, sub, out);
    }
}

fn engine(pss_level: PssLevel) -> Engine {
    let options = Options {
        pss_level,
        ..Options::default()
    };
    let built = EngineBuilder::new().options(options).build();
    built.unwrap_or_else(|e| panic!("built-in policies do not load: {e}"))
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for path in listing(dir) {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// The Gatekeeper and Kyverno fixture folders, or `None` (and a note) when they are missing.
fn fixture_dirs() -> Option<(PathBuf, PathBuf)> {
    let gk = palisade_policies::fixtures::dir("gatekeeper-library/pod-security-policy")?;
    let ky = palisade_policies::fixtures::dir("kyverno-policies/pod-security")?;
    Some((gk, ky))
}

#[test]
fn every_fixture_file_parses_and_evaluates() {
    let Some((gk, ky)) = fixture_dirs() else {
        return;
    };
    let engines = [engine(PssLevel::Baseline), engine(PssLevel::Restricted)];
    let mut files = Vec::new();
    yaml_files(&gk, &mut files);
    yaml_files(&ky, &mut files);
    let mut objects = 0;
    for file in &files {
        for review in docs(file).iter().filter_map(input_for) {
            for engine in &engines {
                let result = engine.evaluator().evaluate(&review);
                result.unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            }
            objects += 1;
        }
    }
    println!(
        "{} files parsed, {objects} objects evaluated at both levels",
        files.len()
    );
    assert!(objects > 0, "no objects under {}", gk.display());
}

#[test]
fn agreement_with_gatekeeper_and_kyverno() {
    let Some((gk, ky)) = fixture_dirs() else {
        return;
    };
    let (baseline, restricted) = (engine(PssLevel::Baseline), engine(PssLevel::Restricted));
    let (maps, mut cases) = (mappings(), Vec::new());
    gatekeeper(&gk, &mut cases);
    kyverno(&ky, &ky, &mut cases);
    let mut tally: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut unmapped: BTreeMap<&str, usize> = BTreeMap::new();
    for Case(source, file, object, deny, aside) in &cases {
        let Some(map) = maps.iter().find(|m| &m.source == source) else {
            *unmapped.entry(source.as_str()).or_default() += 1;
            continue;
        };
        let entry = tally.entry(map.source.as_str()).or_default();
        if let Some(reason) = aside {
            *entry.aside.entry(reason).or_default() += 1;
            continue;
        }
        let engine = [&baseline, &restricted][usize::from(map.level == PssLevel::Restricted)];
        let review = input_for(object).unwrap_or_else(|| panic!("{file}: no kind"));
        let decision = engine.evaluator().evaluate(&review);
        let decision = decision.unwrap_or_else(|e| panic!("{file}: {e}"));
        let found = decision.findings.iter().filter(|f| map.covers(f));
        let ours: Vec<String> = found
            .map(|f| format!("{} at {}", f.rule, f.path.as_deref().unwrap_or("-")))
            .collect();
        if ours.is_empty() != *deny {
            entry.agree += 1;
        } else {
            let expected = if *deny { "deny" } else { "allow" };
            entry
                .disagree
                .push(format!("{file}: expected {expected}, got {ours:?}"));
        }
    }
    let (mut clear, mut all, mut failures) = ((0, 0), (0, 0), Vec::new());
    let mut per_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for map in &maps {
        let Some(Tally {
            agree,
            disagree,
            aside,
        }) = tally.get(map.source.as_str())
        else {
            continue;
        };
        let kind = map.clear_cut.as_ref().map_or("reported ", |_| "clear-cut");
        let n = disagree.len();
        println!(
            "{kind} agree {agree:>3} disagree {n:>3}  {} {:?}",
            map.source, map.rules
        );
        if !aside.is_empty() {
            println!("          set aside: {aside:?}");
        }
        if let Some(why) = &map.clear_cut {
            println!("          same semantics: {why}");
            clear = (clear.0 + agree, clear.1 + n);
            failures.extend(disagree.iter().map(|d| format!("{}: {d}", map.source)));
        }
        for d in disagree {
            println!("          disagree: {d}");
        }
        all = (all.0 + agree, all.1 + n);
        let rule = per_rule.entry(map.rules.join(" ")).or_default();
        *rule = (rule.0 + agree, rule.1 + n);
    }
    for (rules, (agree, n)) in &per_rule {
        println!("per rule: {rules:<60} agree {agree:>4} disagree {n:>3}");
    }
    for (source, n) in &unmapped {
        println!("no PSS counterpart: {source} ({n} cases)");
    }
    println!(
        "all: {} agree, {} disagree; clear-cut: {} agree, {} disagree",
        all.0, all.1, clear.0, clear.1
    );
    assert!(clear.0 > 0, "no clear-cut case was compared");
    assert!(
        failures.is_empty(),
        "clear-cut mappings disagree: {failures:#?}"
    );
}
