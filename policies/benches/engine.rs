//! Criterion benchmarks of the policy engine: the full built-in rule set on one object of each
//! shape (restricted-clean Pod, risky Pod, Deployment, ClusterRole, and the ClusterRole again with
//! 500 bindings in `data.inventory`), building the Rego input, creating an evaluator, and
//! compiling the built-in library.
//!
//! `cargo bench -p palisade-policies --bench engine`. Criterion reports means; for the p99 of one
//! Pod run `cargo run --release -p palisade-policies --features profiling --example latency`.

use criterion::{BatchSize, Criterion, black_box, criterion_group, criterion_main};
use palisade_policies::{Engine, input};
use serde_json::Value;

#[path = "fixtures/objects.rs"]
mod objects;

fn engine() -> Engine {
    Engine::builtin().unwrap_or_else(|e| panic!("built-in policies do not compile: {e}"))
}

fn evaluate(c: &mut Criterion) {
    let engine = engine();
    let cases: [(&str, Value); 4] = [
        ("pod_restricted_clean", objects::pod_restricted_clean()),
        ("pod_risky", objects::pod_risky()),
        ("deployment", objects::deployment()),
        ("cluster_role", objects::cluster_role()),
    ];
    let mut group = c.benchmark_group("evaluate");
    for (name, object) in &cases {
        let review = input::from_object(object, &Default::default());
        let mut ev = engine.evaluator();
        // The first evaluation creates the VM; keep it out of the measurement.
        ev.evaluate(&review)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        group.bench_function(*name, |b| {
            b.iter(|| {
                ev.evaluate(black_box(&review))
                    .unwrap_or_else(|e| panic!("{name}: {e}"))
            })
        });
    }
    // RBAC rules that look beside the object: the same ClusterRole with 500 bindings and 500
    // roles in data.inventory (about what a 10,000-object repository holds), its facts computed
    // once as a lint run or the webhook does.
    let review = input::from_object(&objects::cluster_role(), &Default::default());
    let mut ev = engine.evaluator();
    ev.set_inventory(&engine.inventory(objects::rbac_inventory(500)));
    ev.evaluate(&review)
        .unwrap_or_else(|e| panic!("cluster_role_inventory_500: {e}"));
    group.bench_function("cluster_role_inventory_500", |b| {
        b.iter(|| {
            ev.evaluate(black_box(&review))
                .unwrap_or_else(|e| panic!("cluster_role_inventory_500: {e}"))
        })
    });
    group.finish();
}

fn build_input(c: &mut Criterion) {
    let mut group = c.benchmark_group("input");
    let pod = objects::pod_restricted_clean();
    let deployment = objects::deployment();
    group.bench_function("from_object_pod", |b| {
        b.iter(|| input::from_object(black_box(&pod), &Default::default()))
    });
    group.bench_function("from_object_deployment", |b| {
        b.iter(|| input::from_object(black_box(&deployment), &Default::default()))
    });
    let review = input::from_object(&deployment, &Default::default());
    group.bench_function("to_regorus_value_deployment", |b| {
        b.iter(|| regorus::Value::from(black_box(&review).clone()))
    });
    group.finish();
}

fn setup(c: &mut Criterion) {
    let mut group = c.benchmark_group("setup");
    group.sample_size(20);
    group.bench_function("compile_builtin", |b| b.iter(engine));
    let engine = engine();
    let review = input::from_object(&objects::pod_restricted_clean(), &Default::default());
    group.bench_function("new_evaluator_first_pod", |b| {
        b.iter_batched(
            || engine.evaluator(),
            |mut ev| ev.evaluate(&review).unwrap_or_else(|e| panic!("{e}")),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, evaluate, build_input, setup);
criterion_main!(benches);
