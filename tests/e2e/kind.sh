#!/usr/bin/env bash
# End to end on a real cluster: create a kind cluster with Calico as its CNI (kind's own kindnet
# does not enforce NetworkPolicy), build the image from Containerfile and load it,
# `kubectl apply -k manifests/`, wait for the rollout, then check what a user meets:
#   - the webhook issued its own certificates (--manage-certs): the Secret holds them, every
#     webhook's caBundle holds the CA, and a second `kubectl apply -k` leaves both alone;
#   - a privileged pod is rejected, the message naming PSS-PRIVILEGED;
#   - a restricted pod is admitted;
#   - the GitOps roles of examples/gitops-impersonation.yaml are admitted with a warning;
#   - mutation: a pod created in a namespace labelled palisade.dev/mutate=restricted-defaults
#     gets the RuntimeDefault seccomp profile and drops every capability;
#   - the live inventory (the webhook watches the cluster with its service account): a
#     ClusterRole impersonating a group is denied once a ClusterRoleBinding makes that group
#     cluster-admin, and admitted again once the binding is deleted;
#   - the probe (watching the cluster with its service account) records a flow from a pod to a
#     Service's pods, attributed to the pod and the Service;
#   - `netpol apply` from the probe's own flows (Calico enforcing): afterwards the observed flow
#     still works and a pod that was never observed cannot reach the Service;
#   - `netpol apply` of the shop example's suggested policies: a dry run stores nothing, the
#     apply creates four policies managed by `palisade`, a second apply finds them unchanged;
#   - `palisade audit` finds a privileged pod created before the webhook was installed, and with
#     --write-reports puts it into that namespace's PolicyReport.
#
# THIS MACHINE CANNOT RUN IT: the development and CI hosts of this repository have no Docker
# engine and no images. It runs where Docker can (.github/workflows/e2e.yml); here it is only
# checked with `bash -n` and shellcheck (.ci/run).
# The cluster is deleted at the end, also when a check fails (KEEP_CLUSTER=1 keeps it).
#
# Needs docker (with BuildKit) and kind, kubectl and either cargo or PALISADE=/path/to/palisade.
# Run from anywhere:
#   tests/e2e/kind.sh
#   cargo test --release --test integration e2e::kind -- --ignored     (same script)
# Settings: CLUSTER (default palisade-e2e), IMAGE (default the manifests' image),
# CALICO_VERSION (default v3.29.3), KYVERNO_REF (default main), KEEP_CLUSTER=1, PALISADE (a built palisade binary; default:
# cargo run --release).
set -euo pipefail

cd "$(dirname "$0")/../.."
CLUSTER=${CLUSTER:-palisade-e2e}
IMAGE=${IMAGE:-ghcr.io/palisade-dev/palisade:0.1.0}
NS=palisade-e2e
CONTEXT="kind-$CLUSTER"
CALICO_VERSION=${CALICO_VERSION:-v3.29.3}
# Where the wg-policy PolicyReport CRDs are taken from (Kyverno ships them).
KYVERNO_REF=${KYVERNO_REF:-main}

for tool in docker kind kubectl; do
  command -v "$tool" >/dev/null || { echo "kind.sh: $tool not found" >&2; exit 2; }
done
if [ -z "${PALISADE:-}" ]; then
  command -v cargo >/dev/null || { echo "kind.sh: set PALISADE or install cargo" >&2; exit 2; }
fi

work=$(mktemp -d)
created=0
cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] && [ "$created" = 1 ]; then
    echo "== failed; webhook state:" >&2
    kubectl --context "$CONTEXT" -n palisade-system get pods -o wide >&2 || true
    kubectl --context "$CONTEXT" -n palisade-system logs deploy/palisade-webhook --tail=50 >&2 || true
  fi
  if [ "$created" = 1 ] && [ "${KEEP_CLUSTER:-0}" != 1 ]; then
    kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

palisade() {
  if [ -n "${PALISADE:-}" ]; then "$PALISADE" "$@"; else cargo run --release --quiet --bin palisade -- "$@"; fi
}
k() { kubectl --context "$CONTEXT" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== kind cluster $CLUSTER, with Calico $CALICO_VERSION (enforces NetworkPolicy)"
cat >"$work/kind.yaml" <<'YAML'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  disableDefaultCNI: true
  podSubnet: 192.168.0.0/16
YAML
kind create cluster --name "$CLUSTER" --config "$work/kind.yaml"
created=1
k apply -f "https://raw.githubusercontent.com/projectcalico/calico/$CALICO_VERSION/manifests/calico.yaml" >/dev/null
k -n kube-system rollout status ds/calico-node --timeout=300s
k wait --for=condition=Ready nodes --all --timeout=300s

echo "== image $IMAGE"
DOCKER_BUILDKIT=1 docker build -f Containerfile -t "$IMAGE" .
kind load docker-image "$IMAGE" --name "$CLUSTER"

# Before the webhook exists: it would deny a binding to cluster-admin (RBAC-CLUSTER-ADMIN-BINDING)
# and this privileged pod, which `palisade audit` must then find.
k create clusterrolebinding e2e-admins --clusterrole=cluster-admin --group=e2e-admins >/dev/null
k create namespace e2e-before >/dev/null
cat <<YAML | k apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: privileged-before, namespace: e2e-before}
spec:
  containers:
    - {name: pause, image: registry.k8s.io/pause:3.10, securityContext: {privileged: true}}
YAML

echo "== apply"
k apply -k manifests
k -n palisade-system rollout status deploy/palisade-webhook --timeout=180s
k create namespace "$NS"

echo "== certificates: issued by the webhook, the CA in every caBundle, kept by a re-apply"
check_certs() {
  local bundle kind
  bundle=$(k -n palisade-system get secret palisade-webhook-certs -o jsonpath='{.data.ca-bundle\.crt}')
  [ -n "$bundle" ] || fail "the webhook did not fill its Secret"
  k -n palisade-system get secret palisade-webhook-certs -o jsonpath='{.data.tls\.crt}' | grep -q . \
    || fail "no serving certificate in the Secret"
  for kind in validatingwebhookconfiguration mutatingwebhookconfiguration; do
    for got in $(k get "$kind" palisade-webhook -o jsonpath='{.webhooks[*].clientConfig.caBundle}'); do
      [ "$got" = "$bundle" ] || fail "$kind: a caBundle is not the Secret's trusted CAs"
    done
  done
}
check_certs
k apply -k manifests >/dev/null
check_certs

restricted_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1, namespace: $NS}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: pause
      image: registry.k8s.io/pause:3.10
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}$2}
YAML
}

# The Service's endpoints can lag the rollout by a moment: retry the first admission (bounded).
echo "== a restricted pod is admitted"
admitted=0
for _ in $(seq 1 30); do
  if restricted_pod web "" | k apply -f - >"$work/out" 2>&1; then admitted=1; break; fi
  sleep 2
done
[ "$admitted" = 1 ] || fail "restricted pod not admitted: $(cat "$work/out")"
if grep -q "Warning:" "$work/out"; then fail "restricted pod admitted with warnings: $(cat "$work/out")"; fi

echo "== a privileged pod is rejected with PSS-PRIVILEGED"
if restricted_pod privileged ", privileged: true" | sed 's/allowPrivilegeEscalation: false, //' \
  | k apply -f - >"$work/out" 2>&1; then
  fail "privileged pod admitted: $(cat "$work/out")"
fi
grep -q 'denied the request' "$work/out" || fail "not denied by the webhook: $(cat "$work/out")"
grep -q 'PSS-PRIVILEGED' "$work/out" || fail "denial does not name PSS-PRIVILEGED: $(cat "$work/out")"

echo "== the GitOps roles are admitted with a warning"
k apply -f examples/gitops-impersonation.yaml >"$work/out" 2>&1 \
  || fail "GitOps roles rejected: $(cat "$work/out")"
grep -q 'Warning: .*RBAC-IMPERSONATE' "$work/out" || fail "no RBAC-IMPERSONATE warning: $(cat "$work/out")"

k delete -f examples/gitops-impersonation.yaml --wait=false >/dev/null

impersonator() {
  cat <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: e2e-impersonate-admins}
rules:
  - apiGroups: [""]
    resources: [groups]
    verbs: [impersonate]
    resourceNames: [e2e-admins]
YAML
}

# Server-side dry run: the webhook judges it, nothing is stored.
echo "== live inventory: a group bound to cluster-admin cannot be impersonated"
denied=0
for _ in $(seq 1 30); do
  if ! impersonator | k apply --dry-run=server -f - >"$work/out" 2>&1; then
    grep -q 'RBAC-IMPERSONATE' "$work/out" && { denied=1; break; }
  fi
  sleep 2
done
[ "$denied" = 1 ] || fail "impersonating a cluster-admin group not denied: $(cat "$work/out")"

echo "== live inventory: admitted again once the binding is gone"
k delete clusterrolebinding e2e-admins >/dev/null
admitted=0
for _ in $(seq 1 30); do
  if impersonator | k apply --dry-run=server -f - >"$work/out" 2>&1; then admitted=1; break; fi
  sleep 2
done
[ "$admitted" = 1 ] || fail "still denied after the binding was deleted: $(cat "$work/out")"
echo "== mutation: restricted defaults on a pod created in a namespace that opted in"
k create namespace e2e-mutate >/dev/null
k label namespace e2e-mutate palisade.dev/mutate=restricted-defaults >/dev/null
cat <<YAML | k apply -f - >"$work/out" 2>&1 || fail "defaulted pod refused: $(cat "$work/out")"
apiVersion: v1
kind: Pod
metadata: {name: defaulted, namespace: e2e-mutate}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 65532}
  containers:
    - {name: pause, image: registry.k8s.io/pause:3.10}
YAML
[ "$(k -n e2e-mutate get pod defaulted -o jsonpath='{.spec.securityContext.seccompProfile.type}')" = RuntimeDefault ] \
  || fail "no RuntimeDefault seccomp profile added: $(k -n e2e-mutate get pod defaulted -o yaml)"
k -n e2e-mutate get pod defaulted -o jsonpath='{.spec.containers[0].securityContext.capabilities.drop}' \
  | grep -q ALL || fail "capabilities not dropped: $(k -n e2e-mutate get pod defaulted -o yaml)"

echo "== the probe records a flow between two pods, attributed through its own watch"
k -n palisade-probe rollout status ds/palisade-probe --timeout=180s
cat >"$work/app.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo, namespace: $NS}
spec:
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: echo
          image: registry.k8s.io/e2e-test-images/agnhost:2.47
          args: [netexec, --http-port=8080]
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: $NS}
spec: {selector: {app: echo}, ports: [{port: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: caller, namespace: $NS, labels: {app: caller}}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: caller
      image: busybox:1.36
      command: [sh, -c, "while true; do wget -q -T 2 -O /dev/null http://echo:8080/hostname; sleep 1; done"]
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
YAML
k apply -f "$work/app.yaml" >/dev/null
k -n "$NS" rollout status deploy/echo --timeout=180s
k -n "$NS" wait --for=condition=Ready pod/caller --timeout=180s
seen=0
for _ in $(seq 1 60); do
  if k -n palisade-probe logs ds/palisade-probe 2>/dev/null \
    | grep '"pod":"caller"' | grep -q "\"service\":\"$NS/echo\""; then seen=1; break; fi
  sleep 2
done
[ "$seen" = 1 ] || fail "no flow caller → $NS/echo recorded: $(k -n palisade-probe logs ds/palisade-probe --tail=20 2>&1)"

echo "== netpol apply from the probe's flows: observed traffic flows, unobserved is blocked (Calico)"
# Flow records are the probe's stdout lines (its logs are JSON without a "tuple").
k -n palisade-probe logs -l app.kubernetes.io/name=palisade-probe --tail=-1 --prefix=false \
  | grep '"tuple"' >"$work/flows.jsonl" || true
[ -s "$work/flows.jsonl" ] || fail "no flow records in the probe's output"
palisade netpol apply --default-deny --flows "$work/flows.jsonl" "$work/app.yaml" \
  --context "$CONTEXT" >"$work/out" 2>&1 || fail "apply from observed flows: $(cat "$work/out")"
grep -q ' created$' "$work/out" || fail "no policy created: $(cat "$work/out")"
reached=0
for _ in $(seq 1 15); do
  if k -n "$NS" exec caller -- wget -q -T 5 -O /dev/null http://echo:8080/hostname 2>/dev/null; then
    reached=1; break
  fi
  sleep 2
done
[ "$reached" = 1 ] || fail "the observed flow caller → echo is blocked by the applied policies"
cat <<YAML | k apply -f - >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: intruder, namespace: $NS, labels: {app: intruder}}
spec:
  restartPolicy: Never
  securityContext: {runAsNonRoot: true, runAsUser: 65532, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: intruder
      image: busybox:1.36
      command: [sh, -c, "sleep 5; if wget -q -T 5 -O /dev/null http://echo:8080/hostname; then echo reached; else echo blocked; fi"]
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
YAML
k -n "$NS" wait --for=jsonpath='{.status.phase}'=Succeeded pod/intruder --timeout=120s >/dev/null \
  || fail "intruder did not finish: $(k -n "$NS" get pod intruder -o wide 2>&1)"
[ "$(k -n "$NS" logs intruder)" = blocked ] || fail "an unobserved pod reached echo: $(k -n "$NS" logs intruder)"

echo "== netpol apply (the shop example's suggested policies)"
k create namespace shop >/dev/null
suggest_args=(netpol apply --default-deny --flows examples/netpol/microshield-flows.jsonl
  examples/netpol/shop.yaml --context "$CONTEXT")
palisade "${suggest_args[@]}" --dry-run >"$work/out" 2>&1 || fail "dry run: $(cat "$work/out")"
grep -q 'palisade-db created (server dry run)' "$work/out" || fail "dry run: $(cat "$work/out")"
[ -z "$(k -n shop get networkpolicies -o name)" ] || fail "a dry run stored policies"
palisade "${suggest_args[@]}" >"$work/out" 2>&1 || fail "apply: $(cat "$work/out")"
[ "$(grep -c ' created$' "$work/out")" = 4 ] || fail "apply: $(cat "$work/out")"
k -n shop get networkpolicy palisade-db -o jsonpath='{.metadata.managedFields[*].manager}' \
  | grep -qw palisade || fail "palisade-db not managed by palisade"
# Applied again: the API server stores them defaulted, and they still compare equal.
palisade "${suggest_args[@]}" >"$work/out" 2>&1 || fail "second apply: $(cat "$work/out")"
[ "$(grep -c ' unchanged$' "$work/out")" = 4 ] || fail "second apply changed: $(cat "$work/out")"

echo "== audit finds the privileged pod created before the webhook"
if palisade audit --context "$CONTEXT" --quiet --color never >"$work/audit" 2>"$work/out"; then
  fail "audit found nothing to fail on: $(cat "$work/out")"
fi
grep 'pod/e2e-before/privileged-before' "$work/audit" | grep -q PSS-PRIVILEGED \
  || fail "audit missed the privileged pod: $(head -c 2000 "$work/audit") $(cat "$work/out")"

echo "== audit --write-reports: the privileged pod in a PolicyReport (wg-policy CRDs from Kyverno)"
crds="https://raw.githubusercontent.com/kyverno/kyverno/$KYVERNO_REF/config/crds/policyreport"
k apply -f "$crds/wgpolicyk8s.io_policyreports.yaml" -f "$crds/wgpolicyk8s.io_clusterpolicyreports.yaml" >/dev/null
k wait --for=condition=Established crd/policyreports.wgpolicyk8s.io crd/clusterpolicyreports.wgpolicyk8s.io \
  --timeout=60s >/dev/null
palisade audit --context "$CONTEXT" --write-reports --quiet >/dev/null 2>"$work/out" || true
k -n e2e-before get policyreport palisade-audit -o jsonpath='{.results[*].policy}' 2>&1 \
  | grep -q PSS-PRIVILEGED || fail "no PSS-PRIVILEGED in e2e-before's PolicyReport: $(cat "$work/out")"

echo "== all checks passed"
