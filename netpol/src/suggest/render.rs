//! Policy plans written as YAML by hand: a fixed key order, two-space indentation, plain
//! scalars where YAML reads them back as the same string and double-quoted ones elsewhere, and
//! the comments that name the flows behind each rule.

use super::build::{PeerPlan, PolicyPlan, RulePlan, namespace_selector};
use crate::labels::Labels;
use std::fmt::Write;

/// One policy as a YAML document (without the `---` separator).
pub fn policy(plan: &PolicyPlan) -> String {
    let mut out = String::new();
    for line in &plan.about {
        comment(&mut out, 0, line);
    }
    out.push_str("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n");
    line(&mut out, 2, &format!("name: {}", scalar(&plan.name)));
    line(
        &mut out,
        2,
        &format!("namespace: {}", scalar(&plan.namespace)),
    );
    out.push_str("spec:\n");
    match &plan.target {
        Some(labels) if !labels.is_empty() => {
            line(&mut out, 2, "podSelector:");
            match_labels(&mut out, 4, labels);
        }
        _ => line(&mut out, 2, "podSelector: {}"),
    }
    line(&mut out, 2, "policyTypes:");
    if plan.ingress.is_some() {
        line(&mut out, 4, "- Ingress");
    }
    if plan.egress.is_some() {
        line(&mut out, 4, "- Egress");
    }
    for (key, peers_key, rules) in [
        ("ingress", "from", &plan.ingress),
        ("egress", "to", &plan.egress),
    ] {
        let Some(rules) = rules else {
            continue;
        };
        if rules.is_empty() {
            comment(&mut out, 2, &format!("no {key} observed: none allowed"));
            line(&mut out, 2, &format!("{key}: []"));
            continue;
        }
        line(&mut out, 2, &format!("{key}:"));
        for r in rules {
            rule(&mut out, peers_key, r);
        }
    }
    out
}

fn rule(out: &mut String, peers_key: &str, r: &RulePlan) {
    for why in &r.why {
        comment(out, 4, why);
    }
    line(out, 4, &format!("- {peers_key}:"));
    for peer in &r.peers {
        match peer {
            PeerPlan::Block(cidr) => {
                line(out, 8, "- ipBlock:");
                line(out, 12, &format!("cidr: {}", scalar(&cidr.to_string())));
            }
            PeerPlan::Pods {
                namespace,
                selector,
            } => {
                let mut first = true;
                let mut item = |out: &mut String, text: &str| {
                    let (indent, prefix) = if first { (8, "- ") } else { (10, "") };
                    first = false;
                    line(out, indent, &format!("{prefix}{text}"));
                };
                if let Some(ns) = namespace {
                    item(out, "namespaceSelector:");
                    let (k, v) = namespace_selector(ns);
                    match_labels(out, 12, &Labels::from([(k.to_owned(), v.to_owned())]));
                }
                if selector.is_empty() {
                    item(out, "podSelector: {}");
                } else {
                    item(out, "podSelector:");
                    match_labels(out, 12, selector);
                }
            }
        }
    }
    if !r.ports.is_empty() {
        line(out, 6, "ports:");
        for (proto, port) in &r.ports {
            line(out, 8, &format!("- protocol: {proto}"));
            if let Some(port) = port {
                line(out, 10, &format!("port: {port}"));
            }
        }
    }
}

fn match_labels(out: &mut String, indent: usize, labels: &Labels) {
    line(out, indent, "matchLabels:");
    for (k, v) in labels {
        line(out, indent + 2, &format!("{}: {}", scalar(k), scalar(v)));
    }
}

fn line(out: &mut String, indent: usize, text: &str) {
    let _ = writeln!(out, "{:indent$}{text}", "");
}

fn comment(out: &mut String, indent: usize, text: &str) {
    for part in text.lines() {
        let _ = writeln!(out, "{:indent$}# {part}", "");
    }
}

/// `text` as a YAML scalar that reads back as this string: plain when safe, else
/// double-quoted (a JSON string is a valid YAML double-quoted scalar).
pub fn scalar(text: &str) -> String {
    const WORDS: [&str; 12] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "nan", "inf",
    ];
    let plain = text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
        && !WORDS.contains(&text.to_ascii_lowercase().as_str())
        && !text.starts_with(".");
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::scalar;

    #[test]
    fn scalars_that_yaml_would_retype_are_quoted() {
        assert_eq!(scalar("frontend"), "frontend");
        assert_eq!(scalar("app.kubernetes.io/name"), "app.kubernetes.io/name");
        for text in [
            "true",
            "No",
            "1",
            "1.5",
            "",
            "a b",
            "a: b",
            "-x",
            "198.18.0.1/32",
        ] {
            assert!(scalar(text).starts_with('"'), "{text}");
        }
    }
}
