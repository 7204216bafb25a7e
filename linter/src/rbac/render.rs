//! Human output of the RBAC questions (JSON is the answers' own serialisation).

use super::model::Rule;
use super::query::{Answer, Grant, Request};
use std::fmt::Write;

fn subject(g: &Grant) -> String {
    match &g.subject.namespace {
        Some(ns) => format!("{} {ns}/{}", g.subject.kind, g.subject.name),
        None => format!("{} {}", g.subject.kind, g.subject.name),
    }
}

fn chain(g: &Grant) -> String {
    let role = match (&g.role_at, g.rule) {
        (Some(at), Some(i)) => format!("{} ({}:{}) rule {i}", g.role, at.file, at.line),
        _ => format!("{} (built in: every verb on every resource)", g.role),
    };
    format!(
        "← {} ({}:{}) → {role}",
        g.binding, g.binding_at.file, g.binding_at.line
    )
}

fn rule_text(r: &Rule) -> String {
    let groups: Vec<String> = r
        .api_groups
        .iter()
        .map(|g| {
            if g.is_empty() {
                "\"\"".into()
            } else {
                g.clone()
            }
        })
        .collect();
    let mut t = format!(
        "{} {} [apiGroups: {}]",
        r.verbs.join(","),
        r.resources.join(","),
        groups.join(",")
    );
    if !r.resource_names.is_empty() {
        let _ = write!(t, " only named {}", r.resource_names.join(", "));
    }
    t
}

/// `who-can` answers, one subject per paragraph, or "nobody".
pub fn render_answers(req: &Request, answers: &[Answer]) -> String {
    let mut resource = req.resource.clone();
    if !req.group.is_empty() {
        resource = format!("{resource}.{}", req.group);
    }
    if let Some(sub) = &req.subresource {
        resource = format!("{resource}/{sub}");
    }
    let mut out = format!("who can {} {resource}", req.verb);
    if let Some(name) = &req.name {
        let _ = write!(out, " named {name}");
    }
    if let Some(ns) = &req.namespace {
        let _ = write!(out, " in namespace {ns}");
    }
    out.push_str(":\n");
    if answers.is_empty() {
        out.push_str("  nobody (no binding in these files grants it)\n");
    }
    for a in answers {
        let g = &a.grant;
        let _ = write!(out, "  {}  {}", subject(g), g.scope);
        if !a.only_names.is_empty() {
            let _ = write!(
                out,
                ", only for the objects named {}",
                a.only_names.join(", ")
            );
        }
        let _ = writeln!(out, "\n    {}", chain(g));
    }
    out
}

/// `show` grants, one chain per rule, or "nothing".
pub fn render_grants(subject_text: &str, grants: &[Grant]) -> String {
    let mut out = format!("{subject_text} may:\n");
    if grants.is_empty() {
        out.push_str("  nothing (no binding in these files names it or a group it is in)\n");
    }
    for g in grants {
        let what = match &g.rule_detail {
            Some(r) => rule_text(r),
            None => "everything (cluster-admin)".to_string(),
        };
        let _ = writeln!(
            out,
            "  {what}  {}  as {}\n    {}",
            g.scope,
            subject(g),
            chain(g)
        );
    }
    out
}
