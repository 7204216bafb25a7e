//! Policy plans written as YAML by hand: a fixed key order, two-space indentation, plain
//! scalars where YAML reads them back as the same string and double-quoted ones elsewhere, and
//! the comments that name the flows behind each rule.

use super::build::{PeerPlan, PolicyPlan, RulePlan, namespace_selector};
use crate::labels::Labels;
use std::fmt::Write;

/// The comment that opens the file of namespace `ns`'s policies.
pub fn file_header(ns: &str) -> String {
    format!(
        "# NetworkPolicies for namespace {ns}, suggested from observed flows by\n# `palisade netpol suggest`. Each rule names the flows it allows.\n"
    )
}

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
    indent(out, 4);
    out.push_str("- ");
    out.push_str(peers_key);
    out.push_str(":\n");
    for peer in &r.peers {
        match peer {
            PeerPlan::Block(cidr) => {
                line(out, 8, "- ipBlock:");
                indent(out, 12);
                out.push_str("cidr: ");
                push_scalar(out, &cidr.to_string());
                out.push('\n');
            }
            PeerPlan::EveryPod => line(out, 8, "- namespaceSelector: {}"),
            PeerPlan::Pods {
                namespace,
                selector,
            } => {
                let mut first = true;
                let mut item = |out: &mut String, text: &str| {
                    let (at, prefix) = if first { (8, "- ") } else { (10, "") };
                    first = false;
                    indent(out, at);
                    out.push_str(prefix);
                    out.push_str(text);
                    out.push('\n');
                };
                if let Some(ns) = namespace {
                    item(out, "namespaceSelector:");
                    let (k, v) = namespace_selector(ns);
                    line(out, 12, "matchLabels:");
                    pair(out, 14, k, v);
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
            let _ = writeln!(out, "{:8}- protocol: {proto}", "");
            if let Some(port) = port {
                let _ = writeln!(out, "{:10}port: {port}", "");
            }
        }
    }
}

fn match_labels(out: &mut String, at: usize, labels: &Labels) {
    line(out, at, "matchLabels:");
    for (k, v) in labels {
        pair(out, at + 2, k, v);
    }
}

/// `key: value` at `at` spaces, both as scalars.
fn pair(out: &mut String, at: usize, key: &str, value: &str) {
    indent(out, at);
    push_scalar(out, key);
    out.push_str(": ");
    push_scalar(out, value);
    out.push('\n');
}

fn indent(out: &mut String, at: usize) {
    const SPACES: &str = "                                ";
    out.push_str(&SPACES[..at.min(SPACES.len())]);
}

fn line(out: &mut String, at: usize, text: &str) {
    indent(out, at);
    out.push_str(text);
    out.push('\n');
}

fn comment(out: &mut String, at: usize, text: &str) {
    for part in text.lines() {
        indent(out, at);
        out.push_str("# ");
        out.push_str(part);
        out.push('\n');
    }
}

fn push_scalar(out: &mut String, text: &str) {
    if is_plain(text) {
        out.push_str(text);
    } else {
        out.push_str(&scalar(text));
    }
}

/// Whether `text` reads back from YAML as this string when written plain.
fn is_plain(text: &str) -> bool {
    const WORDS: [&str; 12] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "nan", "inf",
    ];
    text.bytes().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'/' | b'-'))
        && !(text.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(text)))
}

/// `text` as a YAML scalar that reads back as this string: plain when safe, else
/// double-quoted (a JSON string is a valid YAML double-quoted scalar).
pub fn scalar(text: &str) -> String {
    if is_plain(text) {
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
