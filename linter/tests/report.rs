//! Reporter tests: a snapshot of every format on a small report, the SARIF output checked against
//! the official SARIF 2.1.0 schemas, and the JUnit output parsed back as XML.

mod fixture;
mod formats;
mod junit_xml;
mod sarif_schema;

use palisade_linter::Report;
use palisade_linter::report::{Format, HumanStyle, render};

/// The report rendered to a string.
fn rendered(report: &Report, format: Format, style: HumanStyle) -> String {
    let mut out = Vec::new();
    render(report, format, &style, &mut out).unwrap_or_else(|e| panic!("render {format}: {e}"));
    String::from_utf8(out).unwrap_or_else(|e| panic!("{format} output is not UTF-8: {e}"))
}

const PLAIN: HumanStyle = HumanStyle {
    color: false,
    quiet: false,
};
