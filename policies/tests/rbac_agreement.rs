//! Agreement of the built-in RBAC rules with Kyverno's RBAC policies (`other/restrict-*`) and
//! Gatekeeper's `general/disallowanonymous` suite (`../shared/fixtures`, SOURCES.md sections 2
//! and 3). Every fixture file must parse and every object in it must evaluate without error, on the
//! RVM and on the interpreter alike. Each Kyverno rule maps to one Palisade rule (and, where one
//! Palisade rule covers several Kyverno ones, to the findings at the matching fields). Where the
//! semantics match, every case must agree; the cases that do not are listed with the reason, and
//! the test fails if any other case disagrees (or a listed one starts to agree).
//!
//! Deliberate divergences come from judging rules as the API server's RBAC authorizer does, where
//! Kyverno reads the YAML: a rule naming a resource outside its real API group grants nothing; a
//! Role cannot reach cluster-scoped objects; `impersonate` on roles means nothing; a roleRef to a
//! *Role* named cluster-admin is not the ClusterRole. Kyverno also flags secret reads narrowed by
//! resourceNames; Palisade only notes them (no fixture has one). Skipped when the fixtures are absent.

use palisade_policies::{
    Action, Decision, Engine, EngineBuilder, Finding, Options, Severity, input,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which findings stand for a Kyverno rule's verdict.
type Counts = fn(&Finding, &Value) -> bool;

struct Mapping {
    /// `<policy folder>/<rule name>`, as in kyverno-test.yaml.
    kyverno: &'static str,
    rule: &'static str,
    counts: Counts,
    /// Cases expected to disagree (`<file> <Kind>/<name>`), each with the reason.
    diverges: &'static [(&'static str, &'static str)],
}

fn any(_: &Finding, _: &Value) -> bool {
    true
}

/// The value the finding's path points at, in the object.
fn target<'a>(f: &Finding, object: &'a Value) -> Option<&'a Value> {
    object.pointer(f.path.as_deref()?)
}

/// The policy rule (`/rules/N`) a finding points into.
fn policy_rule<'a>(f: &Finding, object: &'a Value) -> Option<&'a Value> {
    let segments: Vec<&str> = f.path.as_deref()?.split('/').take(3).collect();
    (segments.get(1) == Some(&"rules")).then(|| object.pointer(&segments.join("/")))?
}

fn lists(f: &Finding, object: &Value, resource: &str) -> bool {
    policy_rule(f, object)
        .and_then(|r| r["resources"].as_array())
        .is_some_and(|rs| rs.iter().any(|r| r == resource))
}

const ROLE_IMPERSONATE: &str = "Role impersonate on roles: impersonation applies to users, groups, \
                                service accounts, UIDs and user extras only, so it grants nothing";
const ROLE_ESCALATE: &str = "Role escalate on clusterroles: ClusterRoles are cluster-scoped, a Role \
                             cannot reach them";
const CSR_CORE: &str = "the CSR resources are named in the core group; they live in \
                        certificates.k8s.io, so the rules grant nothing";
const ROLE_NAMED: &str = "roleRef kind Role named cluster-admin is a namespaced Role, not the \
                          cluster-admin ClusterRole (Palisade warns)";

#[rustfmt::skip]
const MAPPINGS: &[Mapping] = &[
    Mapping { kyverno: "restrict-binding-clusteradmin/clusteradmin-bindings", rule: "RBAC-CLUSTER-ADMIN-BINDING",
        counts: |f, _| f.path.as_deref() == Some("/roleRef/name"),
        diverges: &[("rb-bad.yaml RoleBinding/badrb01", ROLE_NAMED), ("rb-bad.yaml RoleBinding/badrb02", ROLE_NAMED)] },
    Mapping { kyverno: "restrict-binding-system-groups/restrict-anonymous", rule: "RBAC-ANONYMOUS-SUBJECT",
        counts: |f, o| target(f, o) == Some(&json!("system:anonymous")), diverges: &[] },
    Mapping { kyverno: "restrict-binding-system-groups/restrict-unauthenticated", rule: "RBAC-ANONYMOUS-SUBJECT",
        counts: |f, o| target(f, o) == Some(&json!("system:unauthenticated")), diverges: &[] },
    Mapping { kyverno: "restrict-binding-system-groups/restrict-masters", rule: "RBAC-CLUSTER-ADMIN-BINDING",
        counts: |f, o| target(f, o) == Some(&json!("system:masters")), diverges: &[] },
    Mapping { kyverno: "restrict-clusterrole-csr/certificatesigningrequests-update-prevention", rule: "RBAC-CSR-APPROVE",
        counts: |f, o| lists(f, o, "certificatesigningrequests/approval"),
        diverges: &[("resource.yaml ClusterRole/violating-clusterrole", CSR_CORE), ("violating-clusterrole.yaml ClusterRole/violating-clusterrole", CSR_CORE)] },
    Mapping { kyverno: "restrict-clusterrole-csr/signers-approve-prevention", rule: "RBAC-CSR-APPROVE",
        counts: |f, o| lists(f, o, "signers"),
        diverges: &[("resource.yaml ClusterRole/violating-clusterrole", CSR_CORE), ("violating-clusterrole.yaml ClusterRole/violating-clusterrole", CSR_CORE)] },
    Mapping { kyverno: "restrict-clusterrole-mutating-validating-admission-webhooks/restrict-clusterrole", rule: "RBAC-WEBHOOK-CONFIG", counts: any, diverges: &[] },
    Mapping { kyverno: "restrict-clusterrole-nodesproxy/clusterrole-nodesproxy", rule: "RBAC-NODES-PROXY", counts: any, diverges: &[] },
    Mapping { kyverno: "restrict-escalation-verbs-roles/escalate", rule: "RBAC-ESCALATE-BIND", counts: any,
        diverges: &[("resource.yaml Role/badrole01", ROLE_IMPERSONATE), ("role-bad.yaml Role/badrole02", ROLE_ESCALATE)] },
    Mapping { kyverno: "restrict-secret-role-verbs/secret-verbs", rule: "RBAC-SECRETS-READ", counts: any, diverges: &[] },
    Mapping { kyverno: "restrict-wildcard-resources/wildcard-resources", rule: "RBAC-WILDCARD",
        counts: |f, _| f.path.as_deref().is_some_and(|p| p.contains("/resources/")), diverges: &[] },
    Mapping { kyverno: "restrict-wildcard-verbs/wildcard-verbs", rule: "RBAC-WILDCARD",
        counts: |f, _| f.path.as_deref().is_some_and(|p| p.contains("/verbs/")), diverges: &[] },
];

fn docs(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let docs = serde_saphyr::from_multiple::<Value>(&text);
    let docs = docs.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    docs.into_iter().filter(Value::is_object).collect()
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn each(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

/// `<file name> <Kind>/<name>`: how cases are named in `diverges` and in the output.
fn label(file: &Path, object: &Value) -> String {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let (kind, object) = (text(object, "/kind"), text(object, "/metadata/name"));
    format!("{name} {kind}/{object}")
}

/// An object, Kyverno's verdict on it (true: rejected) and the mappings that judge it.
type Case = (String, Value, bool, Vec<&'static Mapping>);

/// Kyverno cases of one policy folder: kyverno-test.yaml results per rule, and the objects of
/// chainsaw files that no result names (rejected if the file name says bad or violating).
fn kyverno_cases(dir: &Path, policy: &str) -> Vec<Case> {
    let test_dir = dir.join(".kyverno-test");
    let (mut objects, mut named, mut cases) = (Vec::new(), Vec::new(), Vec::new());
    for test in docs(&test_dir.join("kyverno-test.yaml")) {
        for path in each(&test["resources"])
            .filter_map(Value::as_str)
            .map(|r| test_dir.join(r))
        {
            objects.extend(docs(&path).into_iter().map(|o| (label(&path, &o), o)));
            named.push(path.canonicalize().unwrap_or(path));
        }
        for result in each(&test["results"]) {
            let key = format!("{policy}/{}", text(result, "/rule"));
            let mapping = MAPPINGS.iter().find(|m| m.kyverno == key);
            let mapping = mapping.unwrap_or_else(|| panic!("no mapping for Kyverno rule {key}"));
            let deny = match text(result, "/result") {
                "fail" => true,
                "pass" => false,
                _ => continue,
            };
            for name in each(&result["resources"]).filter_map(Value::as_str) {
                let id = format!("{}/{name}", text(result, "/kind"));
                let id = format!(" {id}");
                let found = objects
                    .iter()
                    .find(|(l, _): &&(String, Value)| l.ends_with(&id));
                let (label, object) = found.unwrap_or_else(|| panic!("{key}: {id} not found"));
                cases.push((label.clone(), object.clone(), deny, vec![mapping]));
            }
        }
    }
    let mappings = MAPPINGS
        .iter()
        .filter(|m| m.kyverno.starts_with(&format!("{policy}/")));
    let mappings: Vec<&'static Mapping> = mappings.collect();
    let chainsaw = std::fs::read_dir(dir.join(".chainsaw-test"))
        .into_iter()
        .flatten();
    let mut files: Vec<PathBuf> = chainsaw.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    for file in files
        .iter()
        .filter(|f| !named.contains(&f.canonicalize().unwrap_or_default()))
    {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let deny = name.contains("bad") || name.starts_with("violating");
        for object in docs(file) {
            cases.push((label(file, &object), object, deny, mappings.clone()));
        }
    }
    cases
}

/// The built-in engine on the RVM and on the interpreter; every decision is taken on both and
/// must be the same.
struct Engines(Engine, Engine);

impl Engines {
    fn new() -> Self {
        let load = |b: EngineBuilder| b.build().unwrap_or_else(|e| panic!("built-ins: {e}"));
        Engines(
            load(EngineBuilder::new()),
            load(EngineBuilder::new().interpreter_only(true)),
        )
    }

    fn decide(&self, object: &Value, options: &Options, inventory: Option<&Value>) -> Decision {
        let review = input::from_object(object, &Default::default());
        let name = text(object, "/metadata/name");
        let [a, b] = [&self.0, &self.1].map(|engine| {
            let mut ev = engine.evaluator();
            inventory
                .into_iter()
                .for_each(|inv| ev.set_inventory(&palisade_policies::Inventory::new(inv.clone())));
            let d = ev.evaluate_with(&review, options);
            d.unwrap_or_else(|e| panic!("{name}: {e}"))
        });
        assert_eq!(a, b, "backends differ on {name}");
        a
    }
}

/// Whether the decision has a blocking finding of `rule` that `counts`.
fn denies(decision: &Decision, rule: &str, counts: impl Fn(&Finding) -> bool) -> bool {
    let mut findings = decision.findings.iter();
    findings.any(|f| f.rule == rule && f.action == Action::Deny && counts(f))
}

#[test]
fn agreement_with_kyverno() {
    let Some(root) = palisade_policies::fixtures::dir("kyverno-policies/other") else {
        return;
    };
    let engines = Engines::new();
    let mut policies: Vec<&str> = MAPPINGS
        .iter()
        .filter_map(|m| m.kyverno.split('/').next())
        .collect();
    policies.dedup();
    let mut tally = BTreeMap::<&str, (usize, Vec<String>)>::new();
    let mut failures = Vec::new();
    for (label, object, deny, mappings) in policies
        .iter()
        .flat_map(|p| kyverno_cases(&root.join(p), p))
    {
        let d = engines.decide(&object, &Options::default(), None);
        let ours = mappings
            .iter()
            .any(|m| denies(&d, m.rule, |f| (m.counts)(f, &object)));
        let kyverno = if deny { "rejects" } else { "admits" };
        for m in mappings {
            let entry = tally.entry(m.kyverno).or_default();
            match (ours == deny, m.diverges.iter().find(|(l, _)| *l == label)) {
                (true, None) => entry.0 += 1,
                (false, Some((_, why))) => {
                    entry.1.push(format!("{label} (Kyverno {kyverno}: {why})"))
                }
                (true, Some(_)) => failures.push(format!("{}: {label} agrees now", m.kyverno)),
                (false, None) => failures.push(format!(
                    "{}: Kyverno {kyverno} {label}: {:?}",
                    m.kyverno, d.findings
                )),
            }
        }
    }
    let (mut agree, mut disagree) = (0, 0);
    for m in MAPPINGS {
        let (a, d) = tally
            .get(m.kyverno)
            .map_or((0, &[][..]), |(a, d)| (*a, d.as_slice()));
        println!(
            "{:<82} -> {:<27} agree {a:>2}/{}",
            m.kyverno,
            m.rule,
            a + d.len()
        );
        d.iter()
            .for_each(|line| println!("    disagrees by design: {line}"));
        (agree, disagree) = (agree + a, disagree + d.len());
        assert!(a > 0, "{}: no case compared", m.kyverno);
    }
    println!("total: {agree} agree, {disagree} disagree by design");
    assert!(
        failures.is_empty(),
        "unexpected agreement or disagreement: {failures:#?}"
    );
}

/// Gatekeeper's constraint parameters, as RBAC-ANONYMOUS-SUBJECT's own.
fn options_for(constraint: &Value) -> Options {
    let params = &constraint["spec"]["parameters"];
    let mut options = Options::default();
    let roles = params.get("allowedRoles").cloned().unwrap_or(json!([]));
    let authenticated = params.get("disallowAuthenticated").cloned();
    let parameters = &mut options.parameters;
    parameters.insert("rbac_anonymous_allowed_roles".into(), roles);
    parameters.insert(
        "rbac_disallow_authenticated".into(),
        authenticated.unwrap_or(json!(false)),
    );
    options
}

#[test]
fn agreement_with_gatekeeper_disallowanonymous() {
    let Some(dir) =
        palisade_policies::fixtures::dir("gatekeeper-library/general/disallowanonymous")
    else {
        return;
    };
    let engines = Engines::new();
    let first = |file: &str| docs(&dir.join(file)).into_iter().next().unwrap_or_default();
    let (mut agree, mut failures) = (0, Vec::new());
    for test in docs(&dir.join("suite.yaml"))
        .iter()
        .flat_map(|s| each(&s["tests"]).cloned())
    {
        let options = options_for(&first(text(&test, "/constraint")));
        for case in each(&test["cases"]) {
            let object = first(text(case, "/object"));
            let d = engines.decide(&object, &options, None);
            for assertion in each(&case["assertions"]) {
                // A message names the subject; Palisade's finding points at that subject's name.
                let name = assertion.get("message").and_then(Value::as_str);
                let about =
                    |f: &&Finding| name.is_none_or(|n| target(f, &object) == Some(&json!(n)));
                let ours = d.findings.iter().filter(|f| f.action == Action::Deny);
                let ours = ours
                    .filter(|f| f.rule == "RBAC-ANONYMOUS-SUBJECT")
                    .filter(about)
                    .count();
                let want = &assertion["violations"];
                let ok = match want {
                    Value::String(s) => (s == "yes") == (ours > 0),
                    Value::Bool(b) => *b == (ours > 0),
                    n => n.as_u64() == Some(ours as u64),
                };
                let (t, c) = (text(&test, "/name"), text(case, "/name"));
                let what = format!("{t} / {c} / {name:?}: Gatekeeper {want}, Palisade {ours}");
                println!("{} {what}", if ok { "agree   " } else { "DISAGREE" });
                if ok { agree += 1 } else { failures.push(what) }
            }
        }
    }
    println!(
        "disallowanonymous: {agree} assertions agree, {} disagree",
        failures.len()
    );
    assert!(agree > 0, "no assertion compared");
    assert!(
        failures.is_empty(),
        "disallowanonymous disagrees: {failures:#?}"
    );
}

fn worst(decision: &Decision) -> Option<Severity> {
    let denials = decision
        .findings
        .iter()
        .filter(|f| f.action == Action::Deny);
    denials.map(|f| f.severity).max()
}

/// The Weave GitOps server's pattern: impersonation and secret reads narrowed by resourceNames
/// (plus a create that resourceNames makes ineffective) raise nothing above low, unless the
/// inventory shows a named group holding cluster-admin.
#[test]
fn narrowed_rules_raise_no_high_finding_on_either_backend() {
    let engines = Engines::new();
    let role = |rules: Value| json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules});
    let weave = role(json!([
        {"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"], "resourceNames": ["admin-user", "platform"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"], "resourceNames": ["cluster-user-auth", "oidc-auth"]},
        {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["create"], "resourceNames": ["debug"]},
    ]));
    let d = engines.decide(&weave, &Options::default(), None);
    assert_eq!(worst(&d), Some(Severity::Low), "{:#?}", d.findings);
    // The narrowed impersonation is reported, at low, on the names: not left out.
    let impersonation: Vec<(Severity, Option<&str>)> = d
        .findings
        .iter()
        .filter(|f| f.rule == "RBAC-IMPERSONATE")
        .map(|f| (f.severity, f.path.as_deref()))
        .collect();
    assert_eq!(
        impersonation,
        [(Severity::Low, Some("/rules/0/resourceNames"))],
        "{:#?}",
        d.findings
    );
    let warns: Vec<&str> = d
        .findings
        .iter()
        .filter(|f| f.action == Action::Warn)
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(warns, ["RBAC-CREATE-WORKLOADS", "RBAC-SECRETS-READ"]);
    // The same impersonation left open is impersonation of anyone.
    let open =
        json!([{"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"]}]);
    let d = engines.decide(&role(open), &Options::default(), None);
    assert_eq!(worst(&d), Some(Severity::Critical));
    let inventory = json!({"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRoleBinding": {"platform-admin": {
        "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"}, "subjects": [{"kind": "Group", "name": "platform"}]}}}}});
    let d = engines.decide(&weave, &Options::default(), Some(&inventory));
    let critical = d.findings.iter().find(|f| f.severity == Severity::Critical);
    let f =
        critical.unwrap_or_else(|| panic!("not critical with the inventory: {:#?}", d.findings));
    let at = (f.rule.as_str(), f.path.as_deref());
    assert_eq!(at, ("RBAC-IMPERSONATE", Some("/rules/0/resourceNames/1")));
}
