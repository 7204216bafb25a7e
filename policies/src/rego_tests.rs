//! Runs the `test_*` rules of Rego modules (the built-in library's tests and `palisade test`).
//! Tests run on the interpreter: they use `with`, which the RVM does not compile. They see
//! built-in errors as evaluation does (see `engine::rego_engine`).

use crate::{LoadError, PolicySource};

/// The result of one `test_*` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// `data.<package>.test_<name>`.
    pub name: String,
    pub passed: bool,
    /// Evaluation error, if the test raised one.
    pub error: Option<String>,
}

/// Loads `sources` (policies and their `*_test.rego` modules) and runs every `test_*` rule.
pub fn run_rego_tests(sources: &[PolicySource]) -> Result<Vec<TestOutcome>, LoadError> {
    let mut rego = crate::engine::rego_engine();
    for src in sources {
        rego.add_policy(src.path.clone(), src.text.clone())
            .map_err(|e| LoadError::Compile {
                file: src.path.clone(),
                detail: e.to_string(),
            })?;
    }
    let mut names: Vec<String> = Vec::new();
    for src in sources.iter().filter(|s| s.is_test()) {
        let Some(pkg) = src
            .text
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("package "))
        else {
            continue;
        };
        let pkg = pkg.split_whitespace().next().unwrap_or_default();
        for line in src.text.lines() {
            let Some(rest) = line.strip_prefix("test_") else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let full = format!("data.{pkg}.test_{name}");
            if !names.contains(&full) {
                names.push(full);
            }
        }
    }
    let mut out = Vec::new();
    for name in names {
        rego.set_input(regorus::Value::new_object());
        let outcome = match rego.eval_rule(name.clone()) {
            Ok(v) => TestOutcome {
                passed: v == regorus::Value::Bool(true),
                name,
                error: None,
            },
            Err(e) => TestOutcome {
                name,
                passed: false,
                error: Some(e.to_string()),
            },
        };
        out.push(outcome);
    }
    Ok(out)
}
