//! Group `reload`: while several API-server clients (HTTP/2 and HTTP/1.1, each renewing its
//! connection every few requests) send a continuous stream of reviews, a user policy in
//! `--policies DIR` is rewritten, then the `--config` file, then the serving certificate is
//! rotated with `palisade certs generate` (same CA). Not one request may fail, every client must
//! come to see the new policy and configuration — and never go back — and new connections must
//! be served the new certificate (another serial, a later notBefore). Files are rewritten in
//! place, not renamed, so the webhook also meets half-written files.

use super::harness::apiserver::{ApiServer, Outcome, Transport};
use super::harness::client::{Alpn, serial_and_not_before};
use super::harness::process::write;
use super::harness::{Attempt, Harness, Webhook};
use super::objects::restricted_pod;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NS: &str = "default";
const CLIENTS: usize = 4;
/// Bounds of the stream: per client, and for the whole test.
const MAX_REQUESTS: usize = 20_000;
const MAX_TIME: Duration = Duration::from_secs(60);
/// Longest wait for one change to be seen.
const CHANGE_TIMEOUT: Duration = Duration::from_secs(20);

fn policy(forbidden: &str) -> String {
    format!(
        r#"package acme.images
metadata := {{"id": "ACME-FORBIDDEN-IMAGE", "title": "Forbidden image", "severity": "high", "kinds": ["Pod"]}}
deny contains {{"msg": sprintf("container %s uses %s", [c.name, c.image]), "path": sprintf("/spec/containers/%d/image", [i])}} if {{
    some i, c in input.review.object.spec.containers
    contains(c.image, "{forbidden}")
}}
"#
    )
}

/// What each client sends, in turn, and which phases each verdict is consistent with:
/// phase 0 = first policy and `restricted`; 1 = second policy; 2 = second policy and `baseline`.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Image `forbidden-one`: denied by the first policy only.
    One,
    /// Image `forbidden-two`: denied by the second policy only.
    Two,
    /// Runs as root: denied at `restricted`, admitted at `baseline`.
    Root,
}

const KINDS: [Kind; 3] = [Kind::One, Kind::Two, Kind::Root];

fn attempt(kind: Kind, n: usize) -> Attempt {
    let mut pod = restricted_pod(&format!("load-{n}"), NS);
    match kind {
        Kind::One => {
            pod["spec"]["containers"][0]["image"] = "registry.example/forbidden-one:1".into()
        }
        Kind::Two => {
            pod["spec"]["containers"][0]["image"] = "registry.example/forbidden-two:1".into()
        }
        Kind::Root => {
            pod["spec"]["securityContext"]["runAsNonRoot"] = false.into();
            pod["spec"]["securityContext"]["runAsUser"] = 0.into();
        }
    }
    Attempt::create(pod)
}

/// The phases a verdict is consistent with (empty: a wrong answer).
fn phases(kind: Kind, out: &Outcome) -> &'static [usize] {
    let allowed = out.allowed && out.code == 200;
    let denied = |prefix: &str| {
        !out.allowed && out.code == 403 && out.denied_rules().iter().any(|r| r.starts_with(prefix))
    };
    match kind {
        Kind::One if denied("ACME-FORBIDDEN-IMAGE") => &[0],
        Kind::One if allowed => &[1, 2],
        Kind::Two if allowed => &[0],
        Kind::Two if denied("ACME-FORBIDDEN-IMAGE") => &[1, 2],
        Kind::Root if denied("PSS-RUN-AS-") => &[0, 1],
        Kind::Root if allowed => &[2],
        _ => &[],
    }
}

/// What one client has seen.
#[derive(Debug, Default)]
struct Seen {
    answered: usize,
    /// The latest phase this client has certainly reached.
    floor: usize,
    failures: Vec<String>,
}

async fn client(api: ApiServer, id: usize, stop: Arc<AtomicBool>, seen: Arc<Mutex<Vec<Seen>>>) {
    let started = Instant::now();
    for n in 0..MAX_REQUESTS {
        if stop.load(Ordering::Relaxed) || started.elapsed() > MAX_TIME {
            break;
        }
        let kind = KINDS[n % KINDS.len()];
        let out = api.admit(attempt(kind, n)).await;
        let ok = phases(kind, &out);
        let mut all = seen.lock().unwrap_or_else(|e| e.into_inner());
        let me = &mut all[id];
        me.answered += 1;
        match (ok.first(), ok.last()) {
            (Some(&low), Some(&high)) if high >= me.floor => me.floor = me.floor.max(low),
            _ => me.failures.push(format!(
                "client {id} request {n} ({kind:?}) after phase {}: {} {}",
                me.floor, out.code, out.message
            )),
        }
    }
}

#[test]
fn reload() {
    let h = Harness::start(
        Webhook::builder()
            .policy("images.rego", &policy("forbidden-one"))
            .config("pss: {level: restricted}\n"),
    );
    let started = Instant::now();
    let initial = serial_and_not_before(&h.served_certificate());
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(
        (0..CLIENTS).map(|_| Seen::default()).collect::<Vec<_>>(),
    ));
    let transports: Vec<Arc<Transport>> = (0..CLIENTS)
        .map(|i| {
            let alpn = if i % 2 == 0 {
                Alpn::Both
            } else {
                Alpn::Http1Only
            };
            Arc::new(Transport::new(alpn, Some(25)))
        })
        .collect();
    let tasks: Vec<_> = transports
        .iter()
        .enumerate()
        .map(|(id, t)| {
            let api = ApiServer {
                transport: t.clone(),
                ..h.api.clone()
            };
            h.rt.spawn(client(api, id, stop.clone(), seen.clone()))
        })
        .collect();
    let wait_for = |what: &str, done: &dyn Fn(&[Seen]) -> bool| {
        let deadline = Instant::now() + CHANGE_TIMEOUT;
        loop {
            if done(&seen.lock().unwrap_or_else(|e| e.into_inner())) {
                return;
            }
            if Instant::now() > deadline {
                stop.store(true, Ordering::Relaxed);
                panic!("{what}: not seen within {CHANGE_TIMEOUT:?}: {seen:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let total = |s: &[Seen]| s.iter().map(|c| c.answered).sum::<usize>();
    wait_for("a first 200 answers", &|s| total(s) >= 200);

    write(
        &h.webhook.path("policies/images.rego"),
        &policy("forbidden-two"),
    );
    wait_for("the rewritten policy", &|s| s.iter().all(|c| c.floor >= 1));
    write(&h.webhook.path("palisade.yaml"), "pss: {level: baseline}\n");
    wait_for("the rewritten configuration", &|s| {
        s.iter().all(|c| c.floor >= 2)
    });

    // notBefore has whole seconds: let one pass, so the new certificate's is later.
    std::thread::sleep(Duration::from_millis(1100).saturating_sub(started.elapsed()));
    h.webhook
        .generate_certs(super::harness::process::SERVICE, &[]);
    let rotated = |t: &Transport| {
        let served = t.served.lock().unwrap_or_else(|e| e.into_inner());
        served
            .iter()
            .any(|c| serial_and_not_before(c).0 != initial.0)
    };
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    while !transports.iter().all(|t| rotated(t)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let before = total(&seen.lock().unwrap_or_else(|e| e.into_inner()));
    wait_for("200 more answers", &|s| total(s) >= before + 200);
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        h.rt.block_on(task)
            .unwrap_or_else(|e| panic!("client task: {e}"));
    }

    let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    let failures: Vec<&String> = seen.iter().flat_map(|c| &c.failures).collect();
    println!(
        "e2e::reload: {} requests from {CLIENTS} clients in {:.1?}, {} failed",
        total(&seen),
        started.elapsed(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failed requests, first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    let new = serial_and_not_before(&h.served_certificate());
    assert_ne!(
        new.0, initial.0,
        "the served certificate's serial did not change"
    );
    assert!(
        new.1 > initial.1,
        "notBefore {} is not after {}",
        new.1,
        initial.1
    );
    for (i, t) in transports.iter().enumerate() {
        let served = t.served.lock().unwrap_or_else(|e| e.into_inner());
        let serials: Vec<String> = served.iter().map(|c| serial_and_not_before(c).0).collect();
        let first_new = serials.iter().position(|s| *s == new.0);
        let first_new =
            first_new.unwrap_or_else(|| panic!("client {i} never saw the new certificate"));
        assert!(
            serials[first_new..].iter().all(|s| *s == new.0),
            "client {i} was served the old certificate after the new one: {serials:?}"
        );
    }
    broken_policy_keeps_the_last_good_set(&h);
}

/// A policy that does not compile is not loaded: the last good set is served, and said so.
fn broken_policy_keeps_the_last_good_set(h: &Harness) {
    let failed = || {
        let (_, metrics) = h.webhook.get("/metrics").unwrap_or_default();
        metrics.contains(r#"palisade_reloads_total{what="policies",result="failed"}"#)
    };
    assert!(!failed(), "a policy reload failed before the broken policy");
    write(
        &h.webhook.path("policies/images.rego"),
        "package acme.images\ndeny contains v if {",
    );
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    while !failed() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        failed(),
        "the broken policy was not reported as a failed reload"
    );
    assert_eq!(h.webhook.get("/readyz").map(|(code, _)| code), Some(200));
    for (n, kind) in KINDS.into_iter().enumerate() {
        let out = h.admit(attempt(kind, n));
        assert!(
            phases(kind, &out).contains(&2),
            "{kind:?} after a broken policy: {out:#?}"
        );
    }
}
