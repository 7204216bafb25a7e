//! Certificate reload: a pair that does not belong together is refused (the old certificate is
//! still served, the failure counted); a good pair is served from the next handshake on.

use crate::support::{pod, start};
use palisade_webhook::FailureMode;
use std::time::{Duration, SystemTime};

/// Waits until the metrics contain `needle`.
async fn metric(server: &crate::support::Server, needle: &str) -> bool {
    for _ in 0..100 {
        if server.metrics().contains(needle) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[test]
fn a_mismatched_pair_keeps_the_old_certificate_and_a_good_one_is_served() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let server = start(&[], FailureMode::Closed, Duration::from_secs(5)).await;
        let expiry = |m: &str| -> String {
            m.lines()
                .find(|l| l.starts_with("palisade_certificate_expiry_timestamp_seconds "))
                .unwrap_or_default()
                .to_string()
        };
        let before = expiry(&server.metrics());
        let service = palisade_certs::Service::new("palisade-webhook", "palisade-system")
            .unwrap_or_else(|e| panic!("{e}"));
        let now = SystemTime::now();
        let other_ca = palisade_certs::new_ca(&service, 30, now).unwrap_or_else(|e| panic!("{e}"));
        // The key of another certificate: the pair does not match.
        std::fs::write(server.certs.path().join("tls.key"), &other_ca.key_pem)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            metric(
                &server,
                r#"palisade_reloads_total{what="certificate",result="failed"} 1"#
            )
            .await,
            "{}",
            server.metrics()
        );
        // Still served with the old certificate (the client trusts only the original CA).
        let r = server.validate(pod("web")).await;
        assert_eq!(r["uid"], "u-1", "{r}");
        assert_eq!(expiry(&server.metrics()), before);
        // A new pair from the same CA (valid for 20 days, not 30) is served after the reload.
        let fresh = palisade_certs::issue_serving(&server.ca_pair, &service, 20, now)
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(server.certs.path().join("tls.crt"), &fresh.cert_pem)
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(server.certs.path().join("tls.key"), &fresh.key_pem)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            metric(
                &server,
                r#"palisade_reloads_total{what="certificate",result="ok"} 1"#
            )
            .await,
            "{}",
            server.metrics()
        );
        assert_ne!(
            expiry(&server.metrics()),
            before,
            "expiry metric not updated"
        );
        let r = server.validate(pod("web")).await;
        assert_eq!(r["uid"], "u-1", "{r}");
        server.stop().await;
    });
}
