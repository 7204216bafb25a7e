//! A small "node" built from network namespaces for tests with real kernel traffic: a node
//! namespace routes between pod namespaces over veth pairs (198.18.0.0/15 only), with an
//! nftables DNAT rule standing in for a ClusterIP Service. Dropping the [`Topology`] deletes
//! every namespace it made, whether the test passed or not.

use nix::sched::{CloneFlags, setns};
use std::fs::File;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::JoinHandle;

/// Address of the node namespace on every veth.
pub const NODE_IP: &str = "198.18.0.1";
/// The emulated Service's ClusterIP.
pub const SERVICE_IP: &str = "198.18.100.1";

/// Why a test cannot run here, if it cannot.
pub fn skip_reason() -> Option<String> {
    if !nix::unistd::geteuid().is_root() {
        return Some("needs root (network namespaces and conntrack)".into());
    }
    for tool in ["ip", "nft"] {
        let found = Command::new(tool)
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return Some(format!(
                "needs `{tool}` (apt-get install iproute2 nftables)"
            ));
        }
    }
    None
}

/// Namespaces made for one test; deleted on drop.
#[derive(Debug)]
pub struct Topology {
    pub node: String,
    /// (namespace, address) of each pod.
    pub pods: Vec<(String, String)>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl Topology {
    /// Builds a node namespace and one pod namespace per address, then loads `nft_rules`
    /// (an nftables script) into the node namespace.
    pub fn build(pod_ips: &[&str], nft_rules: &str) -> Self {
        let run_id = format!(
            "{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut topology = Self {
            node: format!("pal-node-{run_id}"),
            pods: Vec::new(),
        };
        ip(&["netns", "add", &topology.node]);
        for (i, pod_ip) in pod_ips.iter().enumerate() {
            let pod = format!("pal-pod{i}-{run_id}");
            ip(&["netns", "add", &pod]);
            topology.pods.push((pod.clone(), (*pod_ip).to_owned()));
            let veth = format!("veth{i}");
            let node = topology.node.as_str();
            ip(&[
                "-n", node, "link", "add", &veth, "type", "veth", "peer", "name", "eth0", "netns",
                &pod,
            ]);
            ip(&[
                "-n",
                &pod,
                "addr",
                "add",
                &format!("{pod_ip}/32"),
                "dev",
                "eth0",
            ]);
            ip(&["-n", &pod, "link", "set", "eth0", "up"]);
            ip(&["-n", &pod, "link", "set", "lo", "up"]);
            ip(&["-n", &pod, "route", "add", NODE_IP, "dev", "eth0"]);
            ip(&["-n", &pod, "route", "add", "198.18.0.0/15", "via", NODE_IP]);
            ip(&["-n", node, "link", "set", &veth, "up"]);
            ip(&[
                "-n",
                node,
                "addr",
                "add",
                &format!("{NODE_IP}/32"),
                "dev",
                &veth,
            ]);
            ip(&[
                "-n",
                node,
                "route",
                "add",
                &format!("{pod_ip}/32"),
                "dev",
                &veth,
            ]);
        }
        ip(&["-n", &topology.node, "link", "set", "lo", "up"]);
        run(
            "ip",
            &[
                "netns",
                "exec",
                &topology.node,
                "sysctl",
                "-qw",
                "net.ipv4.ip_forward=1",
            ],
            None,
        );
        run(
            "ip",
            &["netns", "exec", &topology.node, "nft", "-f", "-"],
            Some(nft_rules),
        );
        topology
    }

    /// The namespace of pod `i`.
    pub fn pod(&self, i: usize) -> &str {
        &self.pods[i].0
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        for name in self
            .pods
            .iter()
            .map(|(n, _)| n.as_str())
            .chain([self.node.as_str()])
        {
            let _ = Command::new("ip").args(["netns", "del", name]).status();
        }
    }
}

/// Runs `f` on a new thread inside network namespace `name`. Sockets it creates stay in that
/// namespace wherever they are used later.
pub fn in_netns<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> JoinHandle<T> {
    let path = format!("/run/netns/{name}");
    std::thread::spawn(move || {
        let file = File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        setns(file, CloneFlags::CLONE_NEWNET).unwrap_or_else(|e| panic!("setns {path}: {e}"));
        f()
    })
}

/// Runs `f` inside namespace `name` and waits for its result.
pub fn within<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    in_netns(name, f)
        .join()
        .unwrap_or_else(|_| panic!("thread in {name} panicked"))
}

fn ip(args: &[&str]) {
    run("ip", args, None);
}

fn run(program: &str, args: &[&str], stdin: Option<&str>) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .spawn()
        .unwrap_or_else(|e| panic!("{program} {args:?}: {e}"));
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("{program} stdin: {e}"));
    }
    let status = child
        .wait()
        .unwrap_or_else(|e| panic!("{program} {args:?}: {e}"));
    assert!(status.success(), "{program} {args:?} failed: {status}");
}
