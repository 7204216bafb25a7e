//! The JUnit output parsed back with quick-xml: well-formed, and every value survives escaping.

use crate::report::fixture::{NASTY, empty_report, no_objects_report, report};
use crate::report::{PLAIN, rendered};
use palisade_linter::Report;
use palisade_linter::report::Format;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Every element as its name and unescaped attributes, in document order; panics on bad XML.
fn elements(report: &Report) -> Vec<(String, Vec<(String, String)>)> {
    let xml = rendered(report, Format::Junit, PLAIN);
    let mut reader = Reader::from_str(&xml);
    let mut found = Vec::new();
    let mut depth = 0_usize;
    loop {
        let event = reader.read_event().unwrap_or_else(|e| {
            panic!(
                "not well-formed at {}: {e}\n{xml}",
                reader.buffer_position()
            )
        });
        match event {
            Event::Start(e) => {
                depth += 1;
                found.push(element(&e));
            }
            Event::Empty(e) => found.push(element(&e)),
            Event::End(_) => depth -= 1,
            Event::Text(t) => {
                t.unescape().unwrap_or_else(|e| panic!("bad text: {e}"));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
    found
}

fn element(e: &BytesStart<'_>) -> (String, Vec<(String, String)>) {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let attributes = e
        .attributes()
        .map(|a| {
            let a = a.unwrap_or_else(|e| panic!("bad attribute on <{name}>: {e}"));
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            let value = a
                .unescape_value()
                .unwrap_or_else(|e| panic!("bad value: {e}"));
            (key, value.into_owned())
        })
        .collect();
    (name, attributes)
}

fn attribute<'a>(attributes: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The (classname, name) of every test case, in order.
fn cases(elements: &[(String, Vec<(String, String)>)]) -> Vec<(&str, &str)> {
    elements
        .iter()
        .filter(|(n, _)| n == "testcase")
        .filter_map(|(_, a)| Some((attribute(a, "classname")?, attribute(a, "name")?)))
        .collect()
}

/// The (tests, failures, skipped) attributes of every `<testsuite>`.
fn suite_counts(elements: &[(String, Vec<(String, String)>)]) -> Vec<(&str, &str, &str)> {
    elements
        .iter()
        .filter(|(n, _)| n == "testsuite")
        .filter_map(|(_, a)| {
            Some((
                attribute(a, "tests")?,
                attribute(a, "failures")?,
                attribute(a, "skipped")?,
            ))
        })
        .collect()
}

#[test]
fn junit_report_is_well_formed_and_keeps_every_character() {
    let elements = elements(&report());
    let count = |name: &str| elements.iter().filter(|(n, _)| n == name).count();
    assert_eq!(count("testsuites"), 1);
    assert_eq!(count("testsuite"), 2);
    assert_eq!(count("testcase"), 5);
    // The low NETPOL finding warns: it is in the case's output, not a failure.
    assert_eq!(count("failure"), 3);
    assert_eq!(count("skipped"), 1);
    let messages: Vec<&str> = elements
        .iter()
        .filter(|(n, _)| n == "failure")
        .filter_map(|(_, attrs)| attribute(attrs, "message"))
        .collect();
    assert_eq!(
        messages.last().copied(),
        Some(format!("RBAC-WILDCARD: {NASTY}").as_str())
    );
}

/// Regression: only objects with findings were test cases, so a dashboard showed every run as
/// 100 % failed. Every linted object is a case: passing ones pass, and an object of a kind no
/// rule judges is skipped.
#[test]
fn junit_report_lists_every_object_passing_failing_or_skipped() {
    let elements = elements(&report());
    assert_eq!(
        cases(&elements),
        [
            ("./deploy/web.yaml", "Deployment/default/web"),
            ("./deploy/web.yaml", "Service/default/web"),
            ("./deploy/web.yaml", "DeploymentConfig/default/legacy"),
            ("rbac/ops role.yaml", "ClusterRole/ops-admin"),
            ("rbac/ops role.yaml", "ClusterRoleBinding/ops-admin"),
        ]
    );
    let top = &elements[0].1;
    assert_eq!(
        (attribute(top, "tests"), attribute(top, "failures")),
        (Some("5"), Some("3"))
    );
    assert_eq!(suite_counts(&elements), [("3", "2", "1"), ("2", "1", "0")]);
    // What sits inside each case, in document order.
    let inside: Vec<&str> = elements
        .iter()
        .map(|(n, _)| n.as_str())
        .skip_while(|n| *n != "testcase")
        .collect();
    let deployment = ["testcase", "failure", "system-out"];
    let service = ["testcase", "failure"];
    let deployment_config = ["testcase", "skipped"];
    let cluster_role = ["testsuite", "testcase", "failure"];
    let binding_passes = ["testcase"];
    assert_eq!(
        inside,
        [
            &deployment[..],
            &service,
            &deployment_config,
            &cluster_role,
            &binding_passes
        ]
        .concat()
    );
    let skipped = elements.iter().find(|(n, _)| n == "skipped");
    let message = skipped.and_then(|(_, a)| attribute(a, "message"));
    assert_eq!(message, Some("no rule judges kind DeploymentConfig"));
}

/// A case fails as the verdict does: warnings alone leave it passing, listed in its output.
#[test]
fn junit_warnings_do_not_fail_a_case() {
    let mut report = report();
    report
        .findings
        .retain(|f| f.rule == "NETPOL-MISSING-INGRESS");
    let elements = elements(&report);
    assert!(!elements.iter().any(|(n, _)| n == "failure"));
    let top = &elements[0].1;
    assert_eq!(attribute(top, "failures"), Some("0"));
    let xml = rendered(&report, Format::Junit, PLAIN);
    let warning = "<system-out>./deploy/web.yaml:1:1: NETPOL-MISSING-INGRESS (low, warn): no NetworkPolicy selects";
    assert!(xml.contains(warning), "{xml}");
}

#[test]
fn junit_report_without_findings_lists_every_object_as_passing() {
    let elements = elements(&empty_report());
    assert_eq!(
        cases(&elements),
        [
            ("./deploy/web.yaml", "Deployment/default/web"),
            ("rbac/ops role.yaml", "ClusterRole/ops-admin"),
            ("rbac/ops role.yaml", "ClusterRoleBinding/ops-admin"),
        ]
    );
    assert!(
        !elements
            .iter()
            .any(|(n, _)| n == "failure" || n == "skipped")
    );
}

#[test]
fn junit_report_without_objects_is_one_passing_case() {
    let elements = elements(&no_objects_report());
    let names: Vec<&str> = elements.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["testsuites", "testsuite", "testcase", "system-out"]);
}

/// A report built without its object list still gives every finding a case.
#[test]
fn junit_report_gives_findings_of_unlisted_objects_a_case() {
    let mut report = report();
    report.objects.clear();
    let elements = elements(&report);
    assert_eq!(
        cases(&elements),
        [
            ("./deploy/web.yaml", "Deployment/default/web"),
            ("./deploy/web.yaml", "Service/default/web"),
            ("rbac/ops role.yaml", "ClusterRole/ops-admin"),
        ]
    );
}
