//! The live inventory's reflectors against the fake API server: what they publish after the
//! first lists, how changes arrive, and how they recover — a disconnected watch resumes from its
//! resourceVersion (no relist), a bookmark moves that version on, 410 Gone relists (and counts a
//! restart), lists are paged, and an unreachable API server is retried until it answers.

use crate::support::{
    Cluster, WAIT, cluster_role_binding, namespace, network_policy, options, role_binding, runtime,
};
use palisade_cluster::InventoryOptions;
use serde_json::json;
use std::time::Duration;

#[test]
fn first_lists_publish_every_watched_kind_shaped_for_the_rules() {
    runtime().block_on(async {
        let c = Cluster::start(
            vec![
                namespace("team-a", json!({"tier": "prod"})),
                cluster_role_binding("admins", "cluster-admin", "platform"),
                role_binding("viewers", "team-a"),
                network_policy("deny-all", "team-a"),
                // Not a watched kind: never listed, never published.
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "team-a"}}),
            ],
            options(),
        )
        .await;
        c.wait_for("ClusterRoleBinding//admins").await;
        assert_eq!(
            c.sink.names(),
            [
                "ClusterRoleBinding//admins",
                "Namespace//team-a",
                "NetworkPolicy/team-a/deny-all",
                "RoleBinding/team-a/viewers",
            ]
        );
        // Namespaces metadata-only: labels kept, spec and status never fetched.
        let ns = c.sink.object("Namespace", "team-a").unwrap_or_default();
        assert_eq!(ns["apiVersion"], "v1");
        assert_eq!(ns["metadata"]["labels"], json!({"tier": "prod"}));
        assert!(ns.get("spec").is_none() && ns.get("status").is_none(), "{ns}");
        // List items come without kind (as from a real API server): set from the watched kind.
        let crb = c.sink.object("ClusterRoleBinding", "admins").unwrap_or_default();
        assert_eq!(crb["apiVersion"], "rbac.authorization.k8s.io/v1");
        assert_eq!(crb["subjects"][0]["name"], "platform");
        assert!(crb["metadata"].get("managedFields").is_none(), "{crb}");
        assert_eq!(c.api.requests("pods", "list"), 0);
        assert!(c.sink.with(|r| r.restarts.is_empty()));
    });
}

#[test]
fn changes_are_published_and_bursts_rebuilt_once() {
    runtime().block_on(async {
        let mut slow = options();
        slow.debounce = Duration::from_millis(400);
        let c = Cluster::start(vec![namespace("team-a", json!({}))], slow).await;
        c.wait_for("Namespace//team-a").await;
        let before = c.sink.with(|r| r.publishes);
        for i in 0..20 {
            c.api.apply(role_binding(&format!("rb-{i}"), "team-a"));
        }
        c.wait_for("RoleBinding/team-a/rb-19").await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        let rebuilds = c.sink.with(|r| r.publishes) - before;
        assert!(
            (1..=2).contains(&rebuilds),
            "20 changes in a burst: {rebuilds} rebuilds"
        );
        assert!(c.api.delete("RoleBinding", "team-a", "rb-3"));
        c.wait_gone("RoleBinding/team-a/rb-3").await;
        c.api.apply(namespace("team-a", json!({"tier": "dev"})));
        c.sink
            .wait("label change", |s| {
                s.object("Namespace", "team-a")
                    .is_some_and(|n| n["metadata"]["labels"]["tier"] == "dev")
            })
            .await;
    });
}

#[test]
fn a_disconnected_watch_resumes_without_a_relist() {
    runtime().block_on(async {
        let c = Cluster::start(vec![cluster_role_binding("a", "view", "g")], options()).await;
        c.wait_for("ClusterRoleBinding//a").await;
        let lists = c.api.requests("clusterrolebindings", "list");
        let watches = c.api.requests("clusterrolebindings", "watch");
        c.api.disconnect_watches();
        let rv = c.api.apply(cluster_role_binding("b", "view", "g"));
        c.wait_for("ClusterRoleBinding//b").await;
        assert_eq!(
            c.api.requests("clusterrolebindings", "list"),
            lists,
            "relisted"
        );
        assert!(
            c.api.requests("clusterrolebindings", "watch") > watches,
            "no new watch"
        );
        let from = c
            .api
            .last_watch_from("clusterrolebindings")
            .unwrap_or(u64::MAX);
        assert!(
            from < rv,
            "the new watch started at {from}, after the change at {rv}"
        );
        assert!(
            c.sink.with(|r| r.restarts.is_empty()),
            "a resumed watch is no restart"
        );
    });
}

#[test]
fn a_bookmark_moves_the_resumed_watch_on() {
    runtime().block_on(async {
        let c = Cluster::start(vec![network_policy("np", "team-a")], options()).await;
        c.wait_for("NetworkPolicy/team-a/np").await;
        // Changes to other kinds move the version on; the services watch hears only the bookmark.
        for i in 0..5 {
            c.api.apply(role_binding(&format!("rb-{i}"), "team-a"));
        }
        c.wait_for("RoleBinding/team-a/rb-4").await;
        let rv = c.api.bookmark();
        tokio::time::sleep(Duration::from_millis(300)).await;
        c.api.disconnect_watches();
        let deadline = tokio::time::Instant::now() + WAIT;
        while c.api.last_watch_from("services") != Some(rv) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "services watch not resumed at the bookmark {rv}: {:?}",
                c.api.last_watch_from("services")
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
}

#[test]
fn gone_relists_and_counts_a_restart() {
    runtime().block_on(async {
        let c = Cluster::start(vec![cluster_role_binding("a", "view", "g")], options()).await;
        c.wait_for("ClusterRoleBinding//a").await;
        let lists = c.api.requests("clusterrolebindings", "list");
        // Deleted while the history is compacted away: only a relist can notice.
        c.api.delete("ClusterRoleBinding", "", "a");
        c.api.compact();
        c.wait_gone("ClusterRoleBinding//a").await;
        assert!(
            c.api.requests("clusterrolebindings", "list") > lists,
            "no relist"
        );
        c.sink
            .wait("expired restart counted", |s| {
                s.with(|r| {
                    r.restarts
                        .iter()
                        .any(|(k, why)| k == "ClusterRoleBinding" && *why == "expired")
                })
            })
            .await;
        // Still watching after the relist.
        c.api.apply(cluster_role_binding("b", "view", "g"));
        c.wait_for("ClusterRoleBinding//b").await;
    });
}

#[test]
fn lists_are_paged() {
    runtime().block_on(async {
        let bindings = (0..7)
            .map(|i| role_binding(&format!("rb-{i}"), "team-a"))
            .collect();
        let c = Cluster::start(
            bindings,
            InventoryOptions {
                page_size: 3,
                ..options()
            },
        )
        .await;
        c.wait_for("RoleBinding/team-a/rb-6").await;
        assert_eq!(c.sink.names().len(), 7);
        assert_eq!(
            c.api.requests("rolebindings", "list"),
            3,
            "7 objects in pages of 3"
        );
    });
}

#[test]
fn an_unreachable_api_server_is_retried_until_it_answers() {
    runtime().block_on(async {
        // A port nobody listens on, yet.
        let port = palisade_fake_api::unused_port();
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let kubeconfig =
            palisade_fake_api::kubeconfig_for(&format!("http://127.0.0.1:{port}"), dir.path());
        let settings = palisade_cluster::ClientSettings {
            kubeconfig: Some(kubeconfig),
            context: None,
        };
        let (config, _) = palisade_cluster::resolve(&settings)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let client = palisade_cluster::client(config).unwrap_or_else(|e| panic!("{e}"));
        let sink = std::sync::Arc::new(crate::support::Sink::default());
        let _inventory = palisade_cluster::LiveInventory::spawn(client, sink.clone(), options());
        let kinds = palisade_cluster::kinds::watched().len();
        sink.wait("list failures counted", |s| {
            s.with(|r| {
                r.restarts
                    .iter()
                    .filter(|(_, why)| *why == "list_failed")
                    .count()
                    >= kinds
            })
        })
        .await;
        assert_eq!(sink.with(|r| r.waiting.len()), kinds, "nothing has synced");
        assert!(sink.with(|r| r.objects.is_none()), "nothing published");
        let api = palisade_fake_api::FakeApi::start_on(port).await;
        api.apply(cluster_role_binding("admins", "cluster-admin", "platform"));
        sink.wait("synced once the API server answers", |s| {
            s.with(|r| r.waiting.is_empty()) && s.names() == ["ClusterRoleBinding//admins"]
        })
        .await;
    });
}
