//! What each built-in policy costs on its own: finds the first object of KIND in a corpus and
//! times an engine holding only the library and that one policy (mean of 2,000 evaluations after
//! a warm-up; `POLICY_COSTS_ALL=1` cycles through up to 200 objects of KIND). With extra `.rego`
//! files, times those instead (each with the library). `POLICY_COSTS_WITHOUT=1` times the whole
//! set and prints what each policy adds to it instead. A profiling aid, not a test.
//!
//! `cargo run --release -p palisade-linter --features profiling --example policy_costs -- DIR KIND [FILE.rego…]`
use palisade_linter::{discover, parse_file, read};
use palisade_policies::{EngineBuilder, builtin_sources, input};
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_default();
    let want = std::env::args().nth(2).unwrap_or_default();
    // `POLICY_COSTS_ALL=1`: the mean over every object of KIND (up to 200), not the first one.
    let all_objects = std::env::var_os("POLICY_COSTS_ALL").is_some();
    let mut objs = Vec::new();
    'outer: for path in discover(&[dir.into()]).unwrap_or_else(|e| panic!("{e}")) {
        let src = read(&path).unwrap_or_else(|e| panic!("{e}"));
        let file = parse_file(&src).unwrap_or_else(|e| panic!("{e}"));
        for o in &file.objects {
            let v = file.value(o).unwrap_or_else(|| panic!());
            if v["kind"] == want.as_str() {
                objs.push(input::from_object(v, &Default::default()));
                if !all_objects || objs.len() == 200 {
                    break 'outer;
                }
            }
        }
    }
    assert!(!objs.is_empty(), "no {want}");
    let all: Vec<_> = builtin_sources()
        .into_iter()
        .filter(|s| !s.is_test())
        .collect();
    let libs: Vec<_> = all
        .iter()
        .filter(|s| s.path.contains("lib/"))
        .cloned()
        .collect();
    let mut rows = vec![];
    let extra: Vec<palisade_policies::PolicySource> = std::env::args()
        .skip(3)
        .map(|f| palisade_policies::PolicySource {
            text: std::fs::read_to_string(&f).unwrap_or_default(),
            path: f,
            builtin: false,
        })
        .collect();
    let list: Vec<_> = if extra.is_empty() {
        all.iter()
            .filter(|s| !s.path.contains("lib/"))
            .cloned()
            .collect()
    } else {
        extra
    };
    // `POLICY_COSTS_WITHOUT=1`: what each policy adds to the whole set (the set's time less the
    // time without it), which is what an evaluation pays, library rules shared.
    let without = std::env::var_os("POLICY_COSTS_WITHOUT").is_some();
    let whole: Vec<_> = all.clone();
    let mut base = None;
    let mut cases: Vec<Option<&palisade_policies::PolicySource>> = list.iter().map(Some).collect();
    if without {
        cases.insert(0, None);
    }
    for case in cases {
        let srcs: Vec<_> = match (without, case) {
            (true, None) => whole.clone(),
            (true, Some(p)) => whole.iter().filter(|s| s.path != p.path).cloned().collect(),
            (false, Some(p)) => libs.iter().cloned().chain([p.clone()]).collect(),
            (false, None) => unreachable!("the whole set is timed only with POLICY_COSTS_WITHOUT"),
        };
        let engine = EngineBuilder::new()
            .builtin(false)
            .add_sources(srcs)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut ev = engine.evaluator();
        for i in objs.iter().cycle().take(200) {
            ev.evaluate(i).unwrap_or_else(|e| panic!("{e}"));
        }
        let t = Instant::now();
        let n = 2000;
        for i in objs.iter().cycle().take(n) {
            std::hint::black_box(ev.evaluate(i).unwrap_or_else(|e| panic!("{e}")));
        }
        let us = t.elapsed().as_secs_f64() / n as f64 * 1e6;
        match (case, base) {
            (None, _) => {
                println!("{us:>8.1} us  every policy");
                base = Some(us);
            }
            (Some(p), Some(whole)) => rows.push((whole - us, p.path.clone())),
            (Some(p), None) => rows.push((us, p.path.clone())),
        }
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (t, p) in rows.iter().take(20) {
        println!("{t:>8.1} us  {p}");
    }
}
