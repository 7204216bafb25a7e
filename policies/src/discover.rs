//! Finding the policies among the loaded modules: packages with entry rules, their metadata, rule-id
//! clashes between built-in and user policies, and which policies may read the inventory.

use crate::catalog::RuleMeta;
use crate::policy::{Backend, ENTRY_RULES, Entry, Policy};
use crate::{LoadError, PolicySource, deps};
use std::collections::BTreeMap;

/// Finds every package with entry rules, reads its metadata and resolves rule-id clashes.
pub(crate) fn discover(
    rego: &mut regorus::Engine,
    sources: &[PolicySource],
) -> Result<Vec<Policy>, LoadError> {
    let mut by_package: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    for package in rego.get_packages().map_err(|e| LoadError::Compile {
        file: "policies".into(),
        detail: e.to_string(),
    })? {
        let pkg = package.trim_start_matches("data.").to_string();
        by_package.entry(pkg).or_default();
    }
    // Which of the entry rules each package declares, found without evaluating anything.
    let mut file_of: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for src in sources {
        let Some(pkg) = package_of(&src.text) else {
            continue;
        };
        for rule in ENTRY_RULES {
            if rego
                .has_declared_rule_rooted_at(&src.path, rule)
                .unwrap_or(false)
            {
                let rules = by_package.entry(pkg.clone()).or_default();
                if !rules.contains(&rule) {
                    rules.push(rule);
                }
                file_of
                    .entry(pkg.clone())
                    .or_insert((src.path.clone(), src.builtin));
            }
        }
    }
    let mut policies: Vec<Policy> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (pkg, mut rules) in by_package {
        if rules.is_empty() {
            continue;
        }
        rules.sort_by_key(|r| ENTRY_RULES.iter().position(|e| e == r));
        let (file, builtin) = file_of.get(&pkg).cloned().unwrap_or_default();
        let metadata = metadata_of(rego, &pkg, &file)?;
        let meta = RuleMeta::parse(&pkg, &file, builtin, &metadata)?;
        let entries = rules
            .into_iter()
            .map(|rule| Entry {
                rule,
                path: format!("data.{pkg}.{rule}"),
                rvm_index: None,
            })
            .collect();
        let policy = Policy {
            meta,
            entries,
            backend: Backend::Rvm,
            reads_inventory: true,
        };
        match seen.get(&policy.meta.id).copied() {
            Some(i) if policies[i].meta.builtin && !policy.meta.builtin => {
                policies[i] = policy;
            }
            Some(i) if !policies[i].meta.builtin && policy.meta.builtin => {}
            Some(i) => {
                return Err(LoadError::DuplicateId {
                    id: policy.meta.id.clone(),
                    first: policies[i].meta.file.clone(),
                    second: policy.meta.file.clone(),
                });
            }
            None => {
                seen.insert(policy.meta.id.clone(), policies.len());
                policies.push(policy);
            }
        }
    }
    policies.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    Ok(policies)
}

fn metadata_of(
    rego: &mut regorus::Engine,
    pkg: &str,
    file: &str,
) -> Result<serde_json::Value, LoadError> {
    rego.set_input(regorus::Value::new_object());
    let value = match rego.eval_rule(format!("data.{pkg}.metadata")) {
        Ok(v) => v,
        // No `metadata` rule: a plain user policy.
        Err(_) => return Ok(serde_json::Value::Null),
    };
    if value == regorus::Value::Undefined {
        return Ok(serde_json::Value::Null);
    }
    serde_json::to_value(&value).map_err(|e| LoadError::Metadata {
        package: pkg.to_string(),
        file: file.to_string(),
        reason: e.to_string(),
    })
}

/// The `package` line of a module, without the `data.` prefix.
fn package_of(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("package ")?;
        Some(rest.split_whitespace().next()?.to_string())
    })
}

/// Sets `reads_inventory` of every policy from the `data` references of all modules.
pub(crate) fn mark_inventory_readers(sources: &[PolicySource], policies: &mut [Policy]) {
    let mut modules: BTreeMap<String, deps::DataRefs> = BTreeMap::new();
    for src in sources {
        if let Some(pkg) = package_of(&src.text) {
            let refs = deps::data_refs(&src.text);
            let entry = modules.entry(pkg).or_default();
            entry.paths.extend(refs.paths);
            entry.dynamic |= refs.dynamic;
        }
    }
    let packages: Vec<&str> = policies.iter().map(|p| p.meta.package.as_str()).collect();
    let reads = deps::reads_inventory(&modules, &packages);
    for (policy, reads) in policies.iter_mut().zip(reads) {
        policy.reads_inventory = reads;
    }
}
