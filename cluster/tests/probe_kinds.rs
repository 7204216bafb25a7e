//! What `palisade probe` watches, against the fake API server: Pods, Services and Nodes cut down
//! to what attribution reads, ReplicaSets and Jobs as metadata with their owners; a pod that
//! starts later arrives with its address.

use crate::support::{Cluster, options, runtime};
use palisade_cluster::kinds::probe_watched;
use serde_json::json;

fn running_pod(name: &str, ip: &str) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": "shop", "labels": {"app": "web"},
                        "annotations": {"big": "x".repeat(4096)},
                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                             "name": "web-5d9", "uid": "u1", "controller": true}]},
           "spec": {"nodeName": "n1", "containers": [{"name": "web", "image": "web:1"}]},
           "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
                      "conditions": [{"type": "Ready", "status": "True"}]}})
}

#[test]
fn the_probe_watch_publishes_attribution_fields_only() {
    runtime().block_on(async {
        let c = Cluster::start_kinds(
            vec![
                running_pod("web-5d9-a", "198.18.0.5"),
                json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                       "metadata": {"name": "web-5d9", "namespace": "shop",
                                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                                         "name": "web", "uid": "u2", "controller": true}]},
                       "spec": {"replicas": 1, "template": {"spec": {"containers": []}}}}),
                json!({"apiVersion": "v1", "kind": "Service",
                       "metadata": {"name": "web", "namespace": "shop"},
                       "spec": {"clusterIP": "198.19.0.10", "ports": [{"port": 80}], "selector": {"app": "web"}}}),
                // Not watched by the probe: never listed.
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
            ],
            probe_watched(),
            options(),
        )
        .await;
        c.wait_for("Pod/shop/web-5d9-a").await;
        let pod = c.sink.object("Pod", "web-5d9-a").unwrap_or_default();
        assert_eq!(pod["spec"], json!({"nodeName": "n1"}), "{pod}");
        assert_eq!(pod["status"]["podIP"], "198.18.0.5");
        assert!(pod["status"].get("conditions").is_none(), "{pod}");
        assert!(pod["metadata"].get("annotations").is_none(), "{pod}");
        assert_eq!(pod["metadata"]["ownerReferences"][0]["name"], "web-5d9");
        let rs = c.sink.object("ReplicaSet", "web-5d9").unwrap_or_default();
        assert_eq!(rs["metadata"]["ownerReferences"][0]["kind"], "Deployment");
        assert!(rs.get("spec").is_none(), "{rs}");
        let svc = c.sink.object("Service", "web").unwrap_or_default();
        assert_eq!(svc["spec"], json!({"clusterIP": "198.19.0.10"}), "{svc}");
        assert_eq!(c.api.requests("namespaces", "list"), 0);

        c.api.apply(running_pod("web-5d9-b", "198.18.0.6"));
        c.wait_for("Pod/shop/web-5d9-b").await;
        let later = c.sink.object("Pod", "web-5d9-b").unwrap_or_default();
        assert_eq!(later["status"]["podIP"], "198.18.0.6");
    });
}
