//! The JUnit output parsed back with quick-xml: well-formed, and every value survives escaping.

use crate::report::fixture::{NASTY, empty_report, report};
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

#[test]
fn junit_report_is_well_formed_and_keeps_every_character() {
    let elements = elements(&report());
    let count = |name: &str| elements.iter().filter(|(n, _)| n == name).count();
    assert_eq!(count("testsuites"), 1);
    assert_eq!(count("testsuite"), 2);
    assert_eq!(count("testcase"), 3);
    assert_eq!(count("failure"), 4);
    let messages: Vec<&str> = elements
        .iter()
        .filter(|(n, _)| n == "failure")
        .filter_map(|(_, attrs)| attribute(attrs, "message"))
        .collect();
    assert_eq!(
        messages.last().copied(),
        Some(format!("RBAC-WILDCARD: {NASTY}").as_str())
    );
    let cases: Vec<(&str, &str)> = elements
        .iter()
        .filter(|(n, _)| n == "testcase")
        .filter_map(|(_, a)| Some((attribute(a, "classname")?, attribute(a, "name")?)))
        .collect();
    assert_eq!(
        cases,
        [
            ("./deploy/web.yaml", "Deployment/default/web"),
            ("./deploy/web.yaml", "Service/default/web"),
            ("rbac/ops role.yaml", "ClusterRole/ops-admin"),
        ]
    );
}

#[test]
fn junit_report_without_findings_is_one_passing_case() {
    let elements = elements(&empty_report());
    let names: Vec<&str> = elements.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["testsuites", "testsuite", "testcase", "system-out"]);
}
