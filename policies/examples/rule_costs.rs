//! What each built-in rule adds to one object's evaluation: the engine is rebuilt without one
//! rule's module at a time and the object timed (mean of ITERATIONS calls after a warm-up). A
//! profiling aid, not a test.
//!
//! `cargo run --release -p palisade-policies --features profiling --example rule_costs [-- OBJECT]`
//! (OBJECT: a case of `benches/fixtures/objects.rs`, default `pod_risky`; a second argument
//! times only the rules whose module path contains it).

use palisade_policies::{EngineBuilder, PolicySource, builtin_sources, input};
use std::time::Instant;

#[path = "../benches/fixtures/objects.rs"]
mod objects;

const WARM_UP: usize = 300;
const ITERATIONS: usize = 2_000;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn mean_us(sources: Vec<PolicySource>, review: &serde_json::Value) -> f64 {
    let engine = EngineBuilder::new()
        .builtin(false)
        .add_sources(sources)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut ev = engine.evaluator();
    for _ in 0..WARM_UP {
        let _ = ev.evaluate(review);
    }
    let start = Instant::now();
    for _ in 0..ITERATIONS {
        let _ = ev.evaluate(review);
    }
    start.elapsed().as_secs_f64() * 1e6 / ITERATIONS as f64
}

fn main() {
    let wanted = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "pod_risky".into());
    let only = std::env::args().nth(2).unwrap_or_default();
    let object = match wanted.as_str() {
        "pod_risky" => objects::pod_risky(),
        "pod_restricted_clean" => objects::pod_restricted_clean(),
        "deployment" => objects::deployment(),
        "cluster_role" => objects::cluster_role(),
        other => panic!("no case {other}"),
    };
    let review = input::from_object(&object, &Default::default());
    let all: Vec<PolicySource> = builtin_sources()
        .into_iter()
        .filter(|s| !s.path.ends_with("_test.rego"))
        .collect();
    let full = mean_us(all.clone(), &review);
    println!("{wanted}: {full:.1} µs with every rule");
    let mut costs = Vec::new();
    for (i, s) in all.iter().enumerate() {
        if s.path.starts_with("builtin:lib/") || !s.path.contains(&only) {
            continue;
        }
        let mut rest = all.clone();
        rest.remove(i);
        costs.push((full - mean_us(rest, &review), s.path.clone()));
    }
    costs.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (cost, path) in costs {
        println!("{cost:>8.1} µs  {path}");
    }
}
