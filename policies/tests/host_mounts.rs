//! POD-SENSITIVE-HOST-MOUNT on both backends: the Rego tests run on the interpreter, built-in rules
//! on the VM. Each case of the table — a host path, how it is mounted, the expected severity and a
//! part of the message (or no finding) — must come out the same from both.

use palisade_policies::{Backend, Engine, EngineBuilder, Finding, Severity, input};
use serde_json::{Value, json};

const RULE: &str = "POD-SENSITIVE-HOST-MOUNT";

/// How the container `a` mounts the volume: read-only, writable, or not at all.
#[derive(Clone, Copy)]
enum Mount {
    ReadOnly,
    Writable,
    None,
}

use Mount::{None as Unmounted, ReadOnly as Ro, Writable as Rw};
use Severity::{Critical, High, Medium};

type Case = (&'static str, Mount, Option<(Severity, &'static str)>);

const CASES: [Case; 23] = [
    (
        "/var/run/docker.sock",
        Ro,
        Some((Critical, "Docker container runtime socket")),
    ),
    (
        "//var//run//docker.sock/",
        Ro,
        Some((Critical, "(read as /run/docker.sock)")),
    ),
    (
        "/run/containerd",
        Ro,
        Some((Critical, "which contains /run/containerd/containerd.sock")),
    ),
    (
        "/run/crio/crio.sock",
        Rw,
        Some((Critical, "CRI-O container runtime socket")),
    ),
    ("/", Ro, Some((Critical, "the host's whole filesystem"))),
    ("/proc/1/root", Ro, Some((Critical, "(read as /)"))),
    (
        "/etc",
        Ro,
        Some((Critical, "which contains /etc/kubernetes")),
    ),
    ("/etc/cron.d", Rw, Some((Critical, "which is inside /etc"))),
    ("/etc/cron.d", Ro, None),
    ("/root", Ro, Some((High, "mounts \"/root\" read-only"))),
    ("/root", Rw, Some((Critical, "writable (container \"a\")"))),
    ("/root", Unmounted, Some((High, "no container mounts it"))),
    ("/boot", Ro, Some((Medium, "kernel and boot loader"))),
    (
        "/tmp/../etc/kubernetes/./manifests/",
        Ro,
        Some((Critical, "which is inside /etc/kubernetes")),
    ),
    (
        "etc/kubernetes",
        Ro,
        Some((Critical, "(read as /etc/kubernetes)")),
    ),
    ("/etc/kubernetes/pki/ca.crt", Ro, None),
    (
        "/etc/kubernetes/pki/ca.crt",
        Rw,
        Some((Critical, "which is inside /etc/kubernetes")),
    ),
    ("/etc/ssl/certs/ca-certificates.crt", Ro, None),
    ("/var/log", Rw, None),
    ("/run/xtables.lock", Rw, None),
    (
        "/var/lib",
        Ro,
        Some((Critical, "which contains /var/lib/etcd")),
    ),
    (
        "/var/lib/kubelet/pods",
        Ro,
        Some((High, "Secrets and service account tokens")),
    ),
    ("/dev", Ro, Some((High, "raw disks"))),
];

fn pod(path: &str, mount: Mount) -> Value {
    let mounts = match mount {
        Ro => json!([{"name": "h", "mountPath": "/h", "readOnly": true}]),
        Rw => json!([{"name": "h", "mountPath": "/h"}]),
        Unmounted => json!([]),
    };
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {
        "containers": [{"name": "a", "image": "x", "volumeMounts": mounts}],
        "volumes": [{"name": "h", "hostPath": {"path": path}}]}})
}

fn findings(engine: &Engine, object: &Value) -> Vec<Finding> {
    let review = input::from_object(object, &Default::default());
    let decision = engine.evaluator().evaluate(&review);
    let all = decision.unwrap_or_else(|e| panic!("{e}")).findings;
    all.into_iter().filter(|f| f.rule == RULE).collect()
}

#[test]
fn both_backends_grade_every_case_alike() {
    let vm = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(vm.backend_of(RULE), Some(Backend::Rvm));
    let interpreter = EngineBuilder::new().interpreter_only(true).build();
    let interpreter = interpreter.unwrap_or_else(|e| panic!("{e}"));
    let mut wrong = Vec::new();
    for (path, mount, expected) in CASES {
        let object = pod(path, mount);
        let got = findings(&vm, &object);
        if got != findings(&interpreter, &object) {
            wrong.push(format!("{path}: the backends disagree"));
        }
        let ok = match (expected, got.as_slice()) {
            (None, []) => true,
            (Some((severity, text)), [f]) => {
                f.severity == severity
                    && f.message.contains(text)
                    && f.path.as_deref() == Some("/spec/volumes/0/hostPath/path")
            }
            _ => false,
        };
        if !ok {
            wrong.push(format!("{path}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
