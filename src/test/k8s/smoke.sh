#!/usr/bin/env bash
# Smoke test of the binaries from build-binaries.sh: starts a real etcd and
# kube-apiserver on 127.0.0.1, drives them with the built kubectl, then tears
# everything down and removes its temporary files.
#
#   src/test/k8s/smoke.sh [VERSION]
#
# Builds the binaries first if they are not cached yet (that can take a long
# time cold; see README.md). Set SYRUP_K8S_BIN to a directory holding
# etcd, kube-apiserver, kubectl and kube-controller-manager to skip that step.
# Every wait is bounded; any failed check makes the exit status non-zero.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSION=${1:-}
if [[ -n ${SYRUP_K8S_BIN:-} ]]; then
    BIN=$SYRUP_K8S_BIN
else
    BIN=$("$here/build-binaries.sh" ${VERSION:+"$VERSION"} | tail -1)
fi
for b in etcd kube-apiserver kubectl kube-controller-manager; do
    [[ -x $BIN/$b ]] || { echo "smoke: missing $BIN/$b" >&2; exit 1; }
done
VERSION=$("$BIN/kube-apiserver" --version | sed 's/^Kubernetes v//')

passed=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/syrup-k8s-smoke.XXXXXX")
pids=()

cleanup() {
    local rc=$? pid i
    # Stop in reverse start order: controller-manager, API server, etcd.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        pid=${pids[i]}
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if ((rc != 0)) && [[ -d $tmp ]]; then
        for log in "$tmp"/*.log; do
            [[ -f $log ]] || continue
            echo "---- last lines of $(basename "$log")" >&2
            tail -n 25 "$log" >&2
        done
    fi
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "smoke: $*"; }
pass() { passed=$((passed + 1)); say "ok   - $*"; }
fail() { failed=$((failed + 1)); say "FAIL - $*"; }

# wait_for SECONDS DESCRIPTION COMMAND...: retries COMMAND twice a second;
# gives up early if a process started here has exited.
wait_for() {
    local limit=$1 what=$2 deadline=$((SECONDS + $1)) pid
    shift 2
    until "$@" >/dev/null 2>&1; do
        for pid in "${pids[@]}"; do
            if ! kill -0 "$pid" 2>/dev/null; then
                say "a server exited while waiting for $what"
                return 1
            fi
        done
        if ((SECONDS >= deadline)); then
            say "gave up after ${limit}s waiting for $what"
            return 1
        fi
        sleep 0.5
    done
}

# A port nobody listens on at the moment (a race is possible but unlikely).
free_port() {
    local p
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    return 1
}

# ---------------------------------------------------------------- etcd
etcd_port=$(free_port)
peer_port=$(free_port)
while [[ $peer_port == "$etcd_port" ]]; do peer_port=$(free_port); done
etcd_url=http://127.0.0.1:$etcd_port
"$BIN/etcd" --name smoke --data-dir "$tmp/etcd" \
    --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "smoke=http://127.0.0.1:$peer_port" \
    --unsafe-no-fsync --log-level warn >"$tmp/etcd.log" 2>&1 &
pids+=($!)
t0=$SECONDS
etcd_healthy() { curl -fsS --max-time 2 "$etcd_url/health" | grep -q '"health":"true"'; }
wait_for 30 "etcd /health" etcd_healthy
pass "etcd $("$BIN/etcd" --version | sed -n 's/^etcd Version: //p') healthy on $etcd_url after $((SECONDS - t0))s"

# ----------------------------------------------------------- API server
api_port=$(free_port)
while [[ $api_port == "$etcd_port" || $api_port == "$peer_port" ]]; do api_port=$(free_port); done
openssl genrsa -out "$tmp/sa.key" 2048 2>/dev/null
admin_token=$(openssl rand -hex 16)
viewer_token=$(openssl rand -hex 16)
# token,user,uid,"group1,group2"
cat >"$tmp/tokens.csv" <<EOF
$admin_token,smoke-admin,smoke-admin,"system:masters"
$viewer_token,smoke-nobody,smoke-nobody
EOF
"$BIN/kube-apiserver" \
    --etcd-servers="$etcd_url" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --cert-dir="$tmp/certs" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$tmp/sa.key" \
    --service-account-signing-key-file="$tmp/sa.key" \
    --service-cluster-ip-range=10.96.0.0/24 \
    --authorization-mode=RBAC \
    --token-auth-file="$tmp/tokens.csv" \
    >"$tmp/kube-apiserver.log" 2>&1 &
pids+=($!)
api_url=https://127.0.0.1:$api_port
t0=$SECONDS
api_ready() {
    [[ -s $tmp/certs/apiserver.crt ]] &&
        [[ $(curl -sS --max-time 5 --cacert "$tmp/certs/apiserver.crt" \
            -H "Authorization: Bearer $admin_token" "$api_url/readyz") == ok ]]
}
wait_for 90 "kube-apiserver /readyz" api_ready
pass "kube-apiserver ready on $api_url after $((SECONDS - t0))s (serving cert verified)"

export KUBECONFIG=$tmp/kubeconfig
kc() { "$BIN/kubectl" --request-timeout=30s "$@"; }
kc config set-cluster smoke --server="$api_url" \
    --certificate-authority="$tmp/certs/apiserver.crt" --embed-certs >/dev/null
kc config set-credentials smoke-admin --token="$admin_token" >/dev/null
kc config set-context smoke --cluster=smoke --user=smoke-admin >/dev/null
kc config use-context smoke >/dev/null

# ------------------------------------------------------------------ checks
kc version | sed 's/^/    /'
server_version=$(kc version -o json | tr -d ' \n' | sed -n 's/.*"serverVersion":{[^}]*"gitVersion":"\([^"]*\)".*/\1/p')
client_version=$(kc version --client -o json | tr -d ' \n' | sed -n 's/.*"gitVersion":"\([^"]*\)".*/\1/p')
[[ $server_version == "v$VERSION" ]] && pass "server reports $server_version" ||
    fail "server reports '$server_version', expected v$VERSION"
[[ $client_version == "v$VERSION" ]] && pass "kubectl reports $client_version" ||
    fail "kubectl reports '$client_version', expected v$VERSION"
version_json=$(curl -sS --max-time 5 --cacert "$tmp/certs/apiserver.crt" "$api_url/version")
minor=${VERSION#1.}
minor=${minor%%.*}
if grep -q '"gitTreeState": "clean"' <<<"$version_json" &&
    grep -q "\"major\": \"1\"" <<<"$version_json" &&
    grep -q "\"minor\": \"$minor\"" <<<"$version_json" &&
    grep -q '"buildDate": "20' <<<"$version_json"; then
    pass "/version is stamped: $(tr -d '\n' <<<"$version_json" | tr -s ' ')"
else
    fail "/version not stamped as a release: $version_json"
fi

ns=syrup-smoke
kc create namespace "$ns" >/dev/null && pass "namespace $ns created" || fail "create namespace $ns"

if kc --token="$viewer_token" get namespaces >"$tmp/rbac.out" 2>&1; then
    fail "RBAC: a user without bindings could list namespaces"
elif grep -q Forbidden "$tmp/rbac.out"; then
    pass "RBAC: a user without bindings is Forbidden"
else
    fail "RBAC: unexpected error: $(cat "$tmp/rbac.out")"
fi

kc apply -f - >/dev/null <<'EOF' && pass "CRD widgets.smoke.syrup.test applied" || fail "apply CRD"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.smoke.syrup.test
spec:
  group: smoke.syrup.test
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          required: [spec]
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1, maximum: 10}
                color: {type: string, enum: [red, green, blue]}
EOF
kc wait --for=condition=Established --timeout=30s crd/widgets.smoke.syrup.test >/dev/null &&
    pass "CRD established" || fail "CRD not established within 30s"

# Discovery of a new CRD can lag its Established condition by a moment.
widget_served() { kc get widgets -n "$ns"; }
wait_for 30 "widgets to be served" widget_served || true

kc apply -n "$ns" -f - >/dev/null <<'EOF' && pass "valid Widget created" || fail "create valid Widget"
apiVersion: smoke.syrup.test/v1
kind: Widget
metadata: {name: good}
spec: {size: 3, color: green}
EOF
got=$(kc get widget good -n "$ns" -o jsonpath='{.spec.size}/{.spec.color}' 2>&1 || true)
[[ $got == 3/green ]] && pass "Widget read back: $got" || fail "Widget read back: $got"

# reject NAME EXPECTED-MESSAGE MANIFEST-SPEC: the API server must refuse it.
reject() {
    local name=$1 expect=$2 spec=$3
    if printf 'apiVersion: smoke.syrup.test/v1\nkind: Widget\nmetadata: {name: %s}\nspec: %s\n' \
        "$name" "$spec" | kc apply -n "$ns" -f - >"$tmp/reject.out" 2>&1; then
        fail "Widget $name with spec $spec was accepted"
    elif grep -q "$expect" "$tmp/reject.out"; then
        pass "Widget $name rejected: $(grep -o "$expect.*" "$tmp/reject.out" | head -1 | cut -c1-110)"
    else
        fail "Widget $name rejected for another reason: $(cat "$tmp/reject.out")"
    fi
}
reject too-big 'spec.size: Invalid value' '{size: 99}'
reject wrong-type 'spec.size: Invalid value' '{size: "big"}'
reject bad-enum 'spec.color: Unsupported value' '{size: 2, color: purple}'
reject no-size 'spec.size: Required value' '{color: red}'
if kc get widget too-big -n "$ns" >/dev/null 2>&1; then
    fail "rejected Widget too-big exists anyway"
else
    pass "rejected Widgets were not stored"
fi

# ------------------------------------------------- controller-manager (GC)
# Without kube-controller-manager nothing collects garbage and namespaces never
# finish deleting; tests that need either start it like this.
"$BIN/kube-controller-manager" \
    --kubeconfig="$KUBECONFIG" \
    --controllers=garbage-collector-controller,namespace-controller \
    --root-ca-file="$tmp/certs/apiserver.crt" \
    --leader-elect=false --secure-port=0 \
    >"$tmp/kube-controller-manager.log" 2>&1 &
pids+=($!)
kc create configmap owner -n "$ns" --from-literal=k=v >/dev/null
owner_uid=$(kc get configmap owner -n "$ns" -o jsonpath='{.metadata.uid}')
kc apply -n "$ns" -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: dependent
  ownerReferences:
    - {apiVersion: v1, kind: ConfigMap, name: owner, uid: "$owner_uid"}
data: {k: v}
EOF
kc delete configmap owner -n "$ns" >/dev/null
dependent_gone() { ! kc get configmap dependent -n "$ns" >/dev/null 2>&1; }
t0=$SECONDS
wait_for 60 "garbage collection of the dependent ConfigMap" dependent_gone &&
    pass "kube-controller-manager collected the dependent ConfigMap after $((SECONDS - t0))s" ||
    fail "dependent ConfigMap not garbage-collected within 60s"
kc delete namespace "$ns" --wait=false >/dev/null
ns_gone() { ! kc get namespace "$ns" >/dev/null 2>&1; }
t0=$SECONDS
wait_for 60 "namespace $ns to finish deleting" ns_gone &&
    pass "namespace $ns deleted after $((SECONDS - t0))s" ||
    fail "namespace $ns still there after 60s"

echo "smoke: $passed passed, $failed failed"
((failed == 0))
