//! Where one Pod's evaluation time goes inside the RVM, and what batching the policies into one
//! entry point saves (the engine batches; see `src/batch.rs`). A profiling aid, not a test.
//!
//! `cargo run --release -p palisade-policies --features profiling --example rvm_phases`
//!
//! Rebuilds the built-in PSS rules with regorus's public API (as the engine does) and times, per
//! evaluation of one Pod (mean and p99 of 20,000 calls):
//! 1. preparing the input value (clone, `parameters`, conversion to a regorus value);
//! 2. one entry point per policy — the VM clears its rule cache at every entry point, so library
//!    rules (`pods.containers`, …) are recomputed for every policy;
//! 3. one generated entry point that collects every policy's `deny` set in one object, as the
//!    engine's batches do, so library rules are computed once (checked equal to the sets of 2);
//! 4. an entry point that matches nothing (the fixed cost of one entry point), each policy alone,
//!    and a few library rules alone.
//!
//! `RVM_LISTING=1` prints the program's assembly and the path of every virtual-document lookup;
//! `RVM_PACKAGES=palisade.` takes every policy package instead of the PSS ones.

use palisade_policies::{builtin_sources, input};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::RegoVM;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../benches/fixtures/objects.rs"]
mod objects;

const ITERATIONS: usize = 5_000;

fn main() {
    let sources: Vec<_> = builtin_sources()
        .into_iter()
        .filter(|s| !s.is_test())
        .collect();
    // `RVM_PACKAGES=palisade.` takes every policy package, not only the PSS ones.
    let prefix = std::env::var("RVM_PACKAGES").unwrap_or_else(|_| "palisade.pss.".into());
    let mut packages: Vec<String> = Vec::new();
    for s in &sources {
        let pkg = s
            .text
            .lines()
            .find_map(|l| l.strip_prefix("package "))
            .map(|p| p.trim().to_string())
            .unwrap_or_default();
        if pkg.starts_with(prefix.as_str()) && s.text.contains("deny contains") {
            packages.push(pkg);
        }
    }
    packages.sort();
    let mut aggregate = String::from("package palisade.aggregate\n\nresults := {\n");
    for p in &packages {
        aggregate.push_str(&format!("\t{p:?}: data.{p}.deny,\n"));
    }
    aggregate.push_str("}\n\n");
    // The fixed cost of running one entry point: a rule that never matches.
    aggregate.push_str(
        "noop contains v if {\n\tinput.review.kind.kind == \"NoSuchKind\"\n\tv := 1\n}\n",
    );

    let mut rego = regorus::Engine::new();
    for s in &sources {
        rego.add_policy(s.path.clone(), s.text.clone())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    rego.add_policy("aggregate.rego".into(), aggregate)
        .unwrap_or_else(|e| panic!("{e}"));
    let first: Arc<str> = Arc::from(format!("data.{}.deny", packages[0]).as_str());
    let compiled = rego
        .compile_with_entrypoint(&first)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut entries: Vec<String> = packages.iter().map(|p| format!("data.{p}.deny")).collect();
    entries.push("data.palisade.aggregate.results".into());
    entries.push("data.palisade.aggregate.noop".into());
    let lib_rules = [
        "spec",
        "spec_path",
        "containers",
        "pod_security_context",
        "version",
    ];
    for rule in lib_rules {
        entries.push(format!("data.palisade.lib.pods.{rule}"));
    }
    let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
    let program = Compiler::compile_from_policy(&compiled, &refs).unwrap_or_else(|e| panic!("{e}"));
    if std::env::var_os("RVM_LISTING").is_some() {
        let config = regorus::rvm::program::AssemblyListingConfig::default();
        println!(
            "{}",
            regorus::rvm::program::generate_assembly_listing(&program, &config)
        );
        let lookups = &program.instruction_data.virtual_data_document_lookup_params;
        for (i, p) in lookups.iter().enumerate() {
            let path: Vec<String> = p
                .path_components
                .iter()
                .map(|c| match c {
                    regorus::rvm::instructions::LiteralOrRegister::Literal(l) => {
                        program.literals[usize::from(*l)].to_string()
                    }
                    regorus::rvm::instructions::LiteralOrRegister::Register(r) => format!("r{r}"),
                })
                .collect();
            println!("lookup {i}: data.{}", path.join("."));
        }
        return;
    }
    let mut vm = RegoVM::new_with_policy(compiled.clone());
    vm.load_program(program);
    vm.set_data(regorus::Value::new_object())
        .unwrap_or_else(|e| panic!("{e}"));
    let aggregate_index = packages.len();
    println!(
        "{} PSS policies; {ITERATIONS} iterations per phase; mean µs and p99 µs",
        packages.len()
    );

    for (name, object) in [
        ("pod_restricted_clean", objects::pod_restricted_clean()),
        ("pod_risky", objects::pod_risky()),
    ] {
        let review = input::from_object(&object, &Default::default());
        let prepare = || {
            let mut full = review.clone();
            if let serde_json::Value::Object(map) = &mut full {
                map.insert(
                    "parameters".into(),
                    serde_json::json!({"pss_level": "restricted", "pss_version": 37}),
                );
            }
            regorus::Value::from(full)
        };
        let value = prepare();
        vm.set_input(value.clone());
        // Same findings both ways.
        let mut per_policy = Vec::new();
        for i in 0..packages.len() {
            per_policy.push(
                vm.execute_entry_point_by_index(i)
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        let all = vm
            .execute_entry_point_by_index(aggregate_index)
            .unwrap_or_else(|e| panic!("{e}"));
        for (i, p) in packages.iter().enumerate() {
            let one = &all[&regorus::Value::from(p.as_str())];
            assert_eq!(one, &per_policy[i], "{p} differs");
        }
        let t_prepare = time(|| {
            std::hint::black_box(prepare());
        });
        let t_per_policy = time(|| {
            vm.set_input(value.clone());
            for i in 0..packages.len() {
                std::hint::black_box(
                    vm.execute_entry_point_by_index(i)
                        .unwrap_or_else(|e| panic!("{e}")),
                );
            }
        });
        let t_aggregate = time(|| {
            vm.set_input(value.clone());
            std::hint::black_box(
                vm.execute_entry_point_by_index(aggregate_index)
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        });
        vm.set_input(value.clone());
        let t_noop = time(|| {
            std::hint::black_box(
                vm.execute_entry_point_by_index(aggregate_index + 1)
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        });
        for (k, rule) in lib_rules.iter().enumerate() {
            let t = time(|| {
                std::hint::black_box(
                    vm.execute_entry_point_by_index(aggregate_index + 2 + k)
                        .unwrap_or_else(|e| panic!("{e}")),
                );
            });
            println!("{name:<22}   library rule pods.{rule:<26} {:>8.1}", t.0);
        }
        let t_to_json = time(|| {
            for r in &per_policy {
                std::hint::black_box(serde_json::to_value(r).unwrap_or_else(|e| panic!("{e}")));
            }
        });
        let mut each: Vec<(f64, &str)> = Vec::new();
        for (i, p) in packages.iter().enumerate() {
            vm.set_input(value.clone());
            let t = time(|| {
                std::hint::black_box(
                    vm.execute_entry_point_by_index(i)
                        .unwrap_or_else(|e| panic!("{e}")),
                );
            });
            each.push((t.0, p.as_str()));
        }
        each.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (t, p) in &each {
            println!("{name:<22}   {p:<42} {t:>8.1}");
        }
        let row = |what: &str, t: &(f64, f64)| {
            println!("{name:<22} {what:<44} {:>8.1} {:>8.1}", t.0, t.1)
        };
        row("input clone + parameters + Value::from", &t_prepare);
        row("RVM, one entry point per policy", &t_per_policy);
        row("RVM, one batched entry point", &t_aggregate);
        row("results to serde_json (collect)", &t_to_json);
        row("RVM, one entry point that matches nothing", &t_noop);
    }
}

/// Mean and p99 in µs of `ITERATIONS` timed calls after a warm-up.
fn time(mut f: impl FnMut()) -> (f64, f64) {
    for _ in 0..500 {
        f();
    }
    let mut samples: Vec<Duration> = (0..ITERATIONS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort_unstable();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mean = samples.iter().map(|d| us(*d)).sum::<f64>() / samples.len() as f64;
    (mean, us(samples[samples.len() * 99 / 100]))
}
