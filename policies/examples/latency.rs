//! Latency distribution of the full built-in rule set on one Pod, in process: what one admission
//! review costs the webhook. Criterion reports means; this reports percentiles.
//!
//! `cargo run --release -p palisade-policies --features profiling --example latency [-- ITERATIONS]` (default 20,000).
//! Each object is evaluated ITERATIONS times on one evaluator holding an empty inventory (built by
//! the engine, as the webhook's is) after a warm-up; every call is timed
//! on its own. "evaluate" times `Evaluator::evaluate` on a prebuilt input; "input+evaluate" also
//! builds the input from the object, as a door does for each request; "patch_for" times the
//! normalised mutation patch (`mutation::patch_for`), what the webhook's `/mutate` adds.

use palisade_policies::{Engine, InventoryBuilder, input, mutation};
use serde_json::Value;
use std::time::{Duration, Instant};

#[path = "../benches/fixtures/objects.rs"]
mod objects;

const WARM_UP: usize = 1_000;

// The allocator the `palisade` binary uses, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let iterations: usize = match std::env::args().nth(1) {
        Some(n) => n
            .parse()
            .unwrap_or_else(|e| panic!("ITERATIONS `{n}`: {e}")),
        None => 20_000,
    };
    let start = Instant::now();
    let engine =
        Engine::builtin().unwrap_or_else(|e| panic!("built-in policies do not compile: {e}"));
    let compile = start.elapsed();
    println!(
        "built-in rules: {}; engine compiled in {:.1} ms; {iterations} timed evaluations per case after {WARM_UP} warm-up",
        engine.rules().count(),
        compile.as_secs_f64() * 1e3
    );
    println!(
        "{:<22} {:<15} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}",
        "object", "timed", "results", "mean µs", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs"
    );
    let cases: [(&str, Value); 2] = [
        ("pod_restricted_clean", objects::pod_restricted_clean()),
        ("pod_risky", objects::pod_risky()),
    ];
    // As the webhook evaluates: with an inventory built by the engine (here an empty one), whose
    // facts the inventory-reading rules look up.
    let inventory = engine.inventory(InventoryBuilder::default().build().0);
    for (name, object) in &cases {
        let mut ev = engine.evaluator();
        ev.set_inventory(&inventory);
        let review = input::from_object(object, &Default::default());
        let mut findings = 0;
        for _ in 0..WARM_UP {
            findings = ev
                .evaluate(&review)
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .findings
                .len();
        }
        let evaluate_only = time(iterations, || {
            ev.evaluate(&review)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        });
        report(name, "evaluate", findings, evaluate_only);
        let with_input = time(iterations, || {
            let review = input::from_object(object, &Default::default());
            ev.evaluate(&review)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        });
        report(name, "input+evaluate", findings, with_input);
        let ops = mutation::patch_for(&mut ev, &review, |_| true)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .patch
            .len();
        let patch = time(iterations, || {
            mutation::patch_for(&mut ev, &review, |_| true)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        });
        report(name, "patch_for", ops, patch);
    }
}

/// Times `iterations` calls of `f`, one by one.
fn time(iterations: usize, mut f: impl FnMut()) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        f();
        samples.push(t.elapsed());
    }
    samples.sort_unstable();
    samples
}

fn report(name: &str, what: &str, findings: usize, sorted: Vec<Duration>) {
    if sorted.is_empty() {
        return;
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let pct = |p: f64| {
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        us(sorted[rank.clamp(1, sorted.len()) - 1])
    };
    let mean = sorted.iter().map(|d| us(*d)).sum::<f64>() / sorted.len() as f64;
    let max = us(sorted[sorted.len() - 1]);
    println!(
        "{name:<22} {what:<15} {findings:>8} {mean:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {max:>9.1}",
        pct(50.0),
        pct(90.0),
        pct(99.0),
        pct(99.9)
    );
}
