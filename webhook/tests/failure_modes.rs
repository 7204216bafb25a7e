//! What a request gets when evaluation fails or runs out of time, per failure mode; metrics
//! counting it; and a policy reload picked up without a restart.

use crate::support::{pod, start};
use palisade_webhook::FailureMode;
use std::time::Duration;

/// Runs past the VM's instruction budget for a Pod named `loop`: an evaluation error.
const RUNAWAY: &str = r#"package acme.runaway
metadata := {"id": "ACME-RUNAWAY", "title": "runaway", "severity": "high", "kinds": ["Pod"]}
deny contains {"msg": "never"} if {
    input.review.object.metadata.name == "loop"
    count([x | some i in numbers.range(1, 5000); some j in numbers.range(1, 5000); x := i + j]) < 0
}
"#;

/// Takes several milliseconds for a Pod named `slow`.
const SLOW: &str = r#"package acme.slow
metadata := {"id": "ACME-SLOW", "title": "slow", "severity": "high", "kinds": ["Pod"]}
deny contains {"msg": "never"} if {
    input.review.object.metadata.name == "slow"
    count([x | some x in numbers.range(1, 300000)]) < 0
}
"#;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn an_evaluation_error_follows_the_failure_mode() {
    rt().block_on(async {
        let open = start(
            &[("runaway.rego", RUNAWAY)],
            FailureMode::Open,
            Duration::from_secs(30),
        )
        .await;
        let r = open.validate(pod("loop")).await;
        assert_eq!(r["allowed"], true, "{r}");
        let warning = r["warnings"][0].as_str().unwrap_or_default();
        assert!(
            warning.contains("fail-open") && warning.contains("ACME-RUNAWAY"),
            "{r}"
        );
        // Other requests are unaffected.
        let r = open.validate(pod("web")).await;
        assert!(
            r["warnings"].is_null() || !r["warnings"].to_string().contains("fail-open"),
            "{r}"
        );
        let m = open.metrics();
        assert!(
            m.contains(r#"palisade_evaluation_failures_total{reason="error",mode="fail-open"} 1"#),
            "{m}"
        );
        open.stop().await;

        let closed = start(
            &[("runaway.rego", RUNAWAY)],
            FailureMode::Closed,
            Duration::from_secs(30),
        )
        .await;
        let r = closed.validate(pod("loop")).await;
        assert_eq!(r["allowed"], false, "{r}");
        assert_eq!(r["status"]["code"], 500, "{r}");
        assert!(
            r["status"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("fail-closed"),
            "{r}"
        );
        closed.stop().await;
    });
}

#[test]
fn a_timeout_follows_the_failure_mode() {
    rt().block_on(async {
        let server = start(
            &[("slow.rego", SLOW)],
            FailureMode::Closed,
            Duration::from_micros(200),
        )
        .await;
        let r = server.validate(pod("slow")).await;
        assert_eq!(r["allowed"], false, "{r}");
        let message = r["status"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("timed out") && message.contains("fail-closed"),
            "{r}"
        );
        let m = server.metrics();
        assert!(
            m.contains(
                r#"palisade_evaluation_failures_total{reason="timeout",mode="fail-closed"} 1"#
            ),
            "{m}"
        );
        assert!(m.contains(r#"verdict="failed-closed""#), "{m}");
        server.stop().await;
    });
}

#[test]
fn a_policy_change_is_served_without_restart_and_a_broken_one_is_not() {
    const DENY_LATEST: &str = r#"package acme.latest
metadata := {"id": "ACME-LATEST", "title": "latest", "severity": "high", "kinds": ["Pod"]}
deny contains {"msg": "no :latest"} if {
    some c in input.review.object.spec.containers
    endswith(c.image, ":latest")
}
"#;
    rt().block_on(async {
        let server = start(&[], FailureMode::Closed, Duration::from_secs(5)).await;
        let mut latest = pod("web");
        latest["spec"]["containers"][0]["image"] = "nginx:latest".into();
        let r = server.validate(latest.clone()).await;
        assert!(
            !r["status"]["message"].to_string().contains("ACME-LATEST"),
            "{r}"
        );
        std::fs::write(server.policies.path().join("latest.rego"), DENY_LATEST)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut seen = false;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let r = server.validate(latest.clone()).await;
            if r["status"]["message"].to_string().contains("ACME-LATEST") {
                seen = true;
                break;
            }
        }
        assert!(seen, "the new policy was never served");
        // A policy that does not compile keeps the last good set, and is counted.
        std::fs::write(
            server.policies.path().join("broken.rego"),
            "package acme.broken\ndeny contains x if {",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut counted = false;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if server
                .metrics()
                .contains(r#"palisade_reloads_total{what="policies",result="failed"}"#)
            {
                counted = true;
                break;
            }
        }
        assert!(counted, "{}", server.metrics());
        let r = server.validate(latest).await;
        assert!(
            r["status"]["message"].to_string().contains("ACME-LATEST"),
            "{r}"
        );
        server.stop().await;
    });
}
