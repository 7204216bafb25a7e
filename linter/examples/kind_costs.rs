//! Where a lint run's evaluation time goes, by kind: parses every file of a corpus on one thread,
//! evaluates each object with the built-in rules (no inventory) and prints the time per object of
//! each kind, with parse and input-building totals (`KIND_COSTS_INVENTORY=1`: with the corpus as
//! the inventory, as `lint` evaluates most kinds). A profiling aid, not a test.
//!
//! `cargo run --release -p palisade-linter --features profiling --example kind_costs -- bench/out/corpus-10000`
use palisade_linter::{discover, parse_file, read};
use palisade_policies::{Engine, input};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_default();
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let mut ev = engine.evaluator();
    // `KIND_COSTS_INVENTORY=1`: every object of the corpus in the inventory, as `lint` has it
    // in its second pass (without the derived NetworkPolicy facts).
    if std::env::var_os("KIND_COSTS_INVENTORY").is_some() {
        let mut builder = palisade_policies::InventoryBuilder::default();
        for path in discover(&[dir.clone().into()]).unwrap_or_else(|e| panic!("{e}")) {
            let src = read(&path).unwrap_or_else(|e| panic!("{e}"));
            let file = parse_file(&src).unwrap_or_else(|e| panic!("{e}"));
            for o in &file.objects {
                builder.add(file.value(o).unwrap_or_else(|| panic!()).clone());
            }
        }
        let t = Instant::now();
        let inventory = engine.inventory(builder.build().0);
        println!("inventory facts {:.3} s", t.elapsed().as_secs_f64());
        ev.set_inventory(&inventory);
    }
    let mut by_kind: BTreeMap<String, (usize, f64, usize)> = BTreeMap::new();
    let mut parse = 0.0;
    let mut build = 0.0;
    for path in discover(&[dir.into()]).unwrap_or_else(|e| panic!("{e}")) {
        let src = read(&path).unwrap_or_else(|e| panic!("{e}"));
        let t = Instant::now();
        let file = parse_file(&src).unwrap_or_else(|e| panic!("{e}"));
        parse += t.elapsed().as_secs_f64();
        for o in &file.objects {
            let v = file.value(o).unwrap_or_else(|| panic!());
            let kind = v["kind"].as_str().unwrap_or_default().to_string();
            let t = Instant::now();
            let i = input::from_object(v, &Default::default());
            build += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let d = ev.evaluate(&i).unwrap_or_else(|e| panic!("{e}"));
            let e = by_kind.entry(kind).or_default();
            e.0 += 1;
            e.1 += t.elapsed().as_secs_f64();
            e.2 += d.findings.len();
        }
    }
    println!("parse {parse:.3} s, input build {build:.3} s");
    let mut total = 0.0;
    for (k, (n, t, f)) in &by_kind {
        total += t;
        println!(
            "{k:<24} {n:>6} {:>8.1} us/obj {:>8.3} s  {:.1} findings/obj",
            t / *n as f64 * 1e6,
            t,
            *f as f64 / *n as f64
        );
    }
    println!("eval total {total:.3} s");
}
