//! What each built-in policy costs on its own: finds the first object of KIND in a corpus and
//! times an engine holding only the library and that one policy (mean of 2,000 evaluations after
//! a warm-up). With extra `.rego` files, times those instead (each with the library). A profiling
//! aid, not a test.
//!
//! `cargo run --release -p palisade-linter --features profiling --example policy_costs -- DIR KIND [FILE.rego…]`
use palisade_linter::{discover, parse_file, read};
use palisade_policies::{EngineBuilder, builtin_sources, input};
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_default();
    let want = std::env::args().nth(2).unwrap_or_default();
    let mut obj = None;
    'outer: for path in discover(&[dir.into()]).unwrap_or_else(|e| panic!("{e}")) {
        let src = read(&path).unwrap_or_else(|e| panic!("{e}"));
        let file = parse_file(&src).unwrap_or_else(|e| panic!("{e}"));
        for o in &file.objects {
            let v = file.value(o).unwrap_or_else(|| panic!());
            if v["kind"] == want.as_str() {
                obj = Some(v.clone());
                break 'outer;
            }
        }
    }
    let obj = obj.unwrap_or_else(|| panic!("no {want}"));
    let i = input::from_object(&obj, &Default::default());
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
    for p in list.iter() {
        let mut srcs = libs.clone();
        srcs.push(p.clone());
        let engine = EngineBuilder::new()
            .builtin(false)
            .add_sources(srcs)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut ev = engine.evaluator();
        for _ in 0..200 {
            ev.evaluate(&i).unwrap_or_else(|e| panic!("{e}"));
        }
        let t = Instant::now();
        let n = 2000;
        for _ in 0..n {
            std::hint::black_box(ev.evaluate(&i).unwrap_or_else(|e| panic!("{e}")));
        }
        rows.push((t.elapsed().as_secs_f64() / n as f64 * 1e6, p.path.clone()));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (t, p) in rows.iter().take(20) {
        println!("{t:>8.1} us  {p}");
    }
}
