#!/usr/bin/env bash
# Brings up a real one-node Kubernetes cluster on this machine: etcd, kube-apiserver (TLS, RBAC,
# NodeRestriction), kube-controller-manager, kube-scheduler, kubelet, kube-proxy (iptables),
# containerd + runc, and the CNI bridge plugin. Pods are real containers with their own network
# namespaces and cgroups; their traffic never leaves the machine.
#
#   up.sh [IMAGE-ARCHIVE...]     archives to import besides the pause and example images
#
# Binaries come from build-binaries.sh (built on demand). Everything lives under
# $SYRUP_CLUSTER_DIR (/var/lib/syrup-cluster); the host settings it changes are recorded there
# and put back by down.sh, which also runs when this script fails or is interrupted. One
# cluster per machine: a second up.sh waits (up to $SYRUP_CLUSTER_WAIT seconds, 1800) for the
# first to be torn down. Prints the admin kubeconfig's path last.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
export T0

# ------------------------------------------------------------------ prerequisites
PKGS=(containerd runc containernetworking-plugins iptables conntrack openssl mmdebstrap gcc libc6-dev)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
        "${missing[@]}" >/dev/null
fi
if [[ ! -x $BIN/kubelet || ! -x $BIN/helm ]]; then
    say "building the Kubernetes binaries (once; see src/test/k8s/README.md)"
    "$here/../build-binaries.sh" "$K8S_VERSION" >/dev/null
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mapfile -t images < <("$here/images.sh")
images+=("$@")
for a in "${images[@]}"; do [[ -f $a ]] || die "no image archive $a"; done

# ------------------------------------------------------------------ one cluster at a time
mkdir -p "$(dirname "$CLUSTER_DIR")"
LOCK=$CLUSTER_DIR.lock
exec 9>"$LOCK"
if ! flock -n 9; then
    say "another cluster runs on this machine (make demo-k8s-down ends the demo's); waiting for its teardown"
    flock -w "${SYRUP_CLUSTER_WAIT:-1800}" 9 || die "the other cluster was not torn down in time"
fi
# A cluster whose holder died (a killed test run) is torn down first.
[[ -d $CLUSTER_DIR ]] && { say "tearing down what a previous run left"; "$here/down.sh"; }

# Whatever happens from here on, a failure or an interruption tears down what was started.
on_exit() {
    local rc=$?
    if ((rc != 0)); then
        say "bring-up failed (exit $rc); logs: $CLUSTER_DIR/logs"
        for f in "$CLUSTER_DIR"/logs/*.log; do
            [[ -s $f ]] && { echo "--- $(basename "$f") (tail)" >&2; tail -n 15 "$f" >&2; }
        done
        [[ -n ${SYRUP_CLUSTER_KEEP_FAILED:-} ]] || "$here/down.sh"
    fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

mkdir -p "$CLUSTER_DIR"/{pki,logs,run,etcd,containerd,kubelet,cni/net.d,cni/ipam,host,pod-logs}
D=$CLUSTER_DIR

# ------------------------------------------------------------------ record the host
for s in "${SYSCTLS[@]}"; do
    v=$(sysctl -n "$s" 2>/dev/null) && printf '%s=%s\n' "$s" "$v"
done > "$D/host/sysctl"
for p in "${OUTSIDE_DIRS[@]}"; do [[ -e $p ]] || echo "$p"; done > "$D/host/created-paths"
# What the agent's directories already held (a standalone syrupd shares the default pin root): down.sh
# removes only what appeared while the cluster lived, also when a failed run killed the agent mid-way.
for p in "${AGENT_DIRS[@]}"; do [[ -d $p ]] && find "$p" -mindepth 1; done > "$D/host/agent-entries" 2>/dev/null || true
ls -1 /run/containerd/s 2>/dev/null > "$D/host/shim-sockets" || true
grep -q ' /sys/fs/bpf .*shared:' /proc/self/mountinfo || echo /sys/fs/bpf > "$D/host/made-shared"
for t in filter nat mangle; do iptables-save -t "$t" 2>/dev/null; done | grep -v '^#' > "$D/host/iptables.before" || true

# start NAME COMMAND...: a daemon in its own session, its log in logs/NAME.log, its pid recorded.
start() {
    local name=$1
    shift
    setsid "$@" >"$D/logs/$name.log" 2>&1 9>&- < /dev/null &
    echo "$! $name" >> "$D/pids"
}
alive() { local pid; pid=$(awk -v n="$1" '$2 == n {print $1}' "$D/pids"); [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; }

# The lock is held by a process of its own for as long as the cluster lives; down.sh ends it.
setsid sleep infinity 9>&9 < /dev/null > /dev/null 2>&1 &
echo "$! lock-holder" >> "$D/pids"

# ------------------------------------------------------------------ network
t=$SECONDS
# A fixed (locally administered) address: a bridge without one takes the lowest of its ports', so a
# pod's veth joining or leaving (an agent pod restarting) changed the node's address on the pod network
# and pods' replies to the node went to the old one until their neighbour entry expired: datagrams lost.
ip link add "$BRIDGE" address 02:53:79:72:75:70 type bridge
ip addr add "$NODE_IP/${POD_CIDR#*/}" dev "$BRIDGE"
ip link set "$BRIDGE" up
# Pods reach the node and each other; nothing they send is forwarded anywhere else, nor
# anything from elsewhere to them.
iptables -N "$FW_CHAIN"
iptables -A "$FW_CHAIN" -s "$POD_RANGE" ! -o "$BRIDGE" -j DROP
iptables -A "$FW_CHAIN" -d "$POD_RANGE" ! -i "$BRIDGE" -j DROP
iptables -I FORWARD 1 -j "$FW_CHAIN"
[[ ! -s $D/host/made-shared ]] || mount --make-shared /sys/fs/bpf   # the agent's Bidirectional mount
cat > "$D/cni/net.d/10-syrup.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "syrup-cluster",
  "plugins": [{
    "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
    "ipam": {"type": "host-local", "dataDir": "$D/cni/ipam",
             "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]], "routes": [{"dst": "0.0.0.0/0"}]}
  }]
}
EOF
say "bridge $BRIDGE $NODE_IP, pod range $POD_CIDR confined to the node ($((SECONDS - t))s)"

# ------------------------------------------------------------------ PKI
t=$SECONDS
P=$D/pki
openssl_quiet() { openssl "$@" 2>/dev/null; }
openssl_quiet req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=syrup-cluster-ca" -keyout "$P/ca.key" -out "$P/ca.crt"
# cert NAME SUBJECT [SAN]: a key and a certificate signed by the cluster's CA.
cert() {
    local name=$1 subj=$2 san=${3:-}
    openssl_quiet req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "$subj" \
        -keyout "$P/$name.key" -out "$P/$name.csr"
    openssl_quiet x509 -req -in "$P/$name.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial -days 30 \
        -out "$P/$name.crt" -extfile <(
            echo "keyUsage=critical,digitalSignature,keyEncipherment"
            echo "extendedKeyUsage=serverAuth,clientAuth"
            [[ -z $san ]] || echo "subjectAltName=$san")
    rm -f "$P/$name.csr"
}
cert apiserver "/CN=kube-apiserver" \
    "IP:$NODE_IP,IP:$API_SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
cert admin "/O=system:masters/CN=syrup-cluster-admin"
cert controller-manager "/CN=system:kube-controller-manager"
cert scheduler "/CN=system:kube-scheduler"
cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "IP:$NODE_IP,DNS:$NODE_NAME"
cert kube-proxy "/CN=system:kube-proxy"
openssl_quiet genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$P/sa.key"
openssl_quiet pkey -in "$P/sa.key" -pubout -out "$P/sa.pub"
# kubeconfig NAME: a kubeconfig authenticating with NAME's certificate.
kubeconfig() {
    cat > "$P/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: syrup
  cluster: {server: "https://$NODE_IP:$API_PORT", certificate-authority: "$P/ca.crt"}
users:
- name: $1
  user: {client-certificate: "$P/$1.crt", client-key: "$P/$1.key"}
contexts:
- name: syrup
  context: {cluster: syrup, user: $1}
current-context: syrup
EOF
}
for c in admin controller-manager scheduler kubelet kube-proxy; do kubeconfig "$c"; done
say "PKI written ($((SECONDS - t))s)"

# ------------------------------------------------------------------ etcd, control plane
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 10000))
        ss -Htan "( sport = :$p )" | grep -q . || { echo "$p"; return; }
    done
}
t=$SECONDS
etcd_port=$(free_port)
peer_port=$(free_port)
start etcd "$BIN/etcd" --name syrup --data-dir "$D/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "syrup=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level warn
wait_for 30 "etcd" curl -sf "http://127.0.0.1:$etcd_port/health" || die "etcd did not start"
say "etcd healthy ($((SECONDS - t))s)"

t=$SECONDS
start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port="$API_PORT" \
    --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" \
    --client-ca-file="$P/ca.crt" \
    --kubelet-client-certificate="$P/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$P/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$P/ca.crt" --kubelet-preferred-address-types=InternalIP \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --allow-privileged=true --profiling=false
wait_for 90 "kube-apiserver" curl -sf --cacert "$P/ca.crt" "https://$NODE_IP:$API_PORT/readyz" ||
    die "kube-apiserver did not become ready"
say "kube-apiserver ready on https://$NODE_IP:$API_PORT ($((SECONDS - t))s)"

start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$P/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$P/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$P/controller-manager.kubeconfig" \
    --root-ca-file="$P/ca.crt" --service-account-private-key-file="$P/sa.key" \
    --use-service-account-credentials=true --cluster-name=syrup \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port=0
start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$P/scheduler.kubeconfig" \
    --authentication-kubeconfig="$P/scheduler.kubeconfig" \
    --authorization-kubeconfig="$P/scheduler.kubeconfig" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port=0

# ------------------------------------------------------------------ containerd
t=$SECONDS
C=$D/containerd
cat > "$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
                    "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$C/containerd.sock"
[ttrpc]
  address = "$C/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$C/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # root here may not raise oom_score_adj (no CAP_SYS_RESOURCE): runc would fail every sandbox.
  restrict_oom_score_adj = true
  # Network namespaces are mounted in the state directory, not /var/run/netns.
  netns_mounts_under_state_dir = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$C/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$D/cni/net.d"
EOF
start containerd containerd --config "$C/config.toml"
wait_for 30 "containerd" "${CTR[@]}" version || die "containerd did not start"
say "containerd up ($((SECONDS - t))s)"

# ------------------------------------------------------------------ kubelet, kube-proxy
cat > "$D/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
readOnlyPort: 0
healthzPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$P/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "$P/kubelet.crt"
tlsPrivateKeyFile: "$P/kubelet.key"
containerRuntimeEndpoint: "unix://$C/containerd.sock"
# cgroups are hybrid (v1 controllers, v2 at /sys/fs/cgroup/unified) on the machines this runs on.
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
# root may not raise oom_score_adj here.
oomScoreAdj: 0
podLogsDir: "$D/pod-logs"
clusterDomain: cluster.local
registerNode: true
# Imported images cannot be pulled again: never collect them, never evict for a shared disk.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
EOF
t=$SECONDS
start kubelet "$BIN/kubelet" --config="$D/kubelet/config.yaml" --kubeconfig="$P/kubelet.kubeconfig" \
    --root-dir="$D/kubelet/root" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" --v=1

cat > "$D/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$P/kube-proxy.kubeconfig"}
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_RANGE
bindAddress: $NODE_IP
healthzBindAddress: "127.0.0.1:10256"
metricsBindAddress: "127.0.0.1:10249"
# It may not raise conntrack limits here; and no localhost node ports (route_localnet stays).
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {localhostNodePorts: false}
EOF
start kube-proxy "$BIN/kube-proxy" --config="$D/kube-proxy.yaml"

# ------------------------------------------------------------------ images
for a in "${images[@]}"; do
    ti=$SECONDS
    "${CTR[@]}" images import --snapshotter overlayfs "$a" >/dev/null 2>"$D/logs/import.log" ||
        { cat "$D/logs/import.log" >&2; die "importing $a"; }
    say "imported $(basename "$a") ($((SECONDS - ti))s)"
done

node_ready() { [[ $(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]]; }
wait_for 120 "Ready node" node_ready || die "node $NODE_NAME not Ready"
say "node $NODE_NAME Ready ($((SECONDS - t))s after kubelet started)"
wait_for 60 "default service account" kc -n default get serviceaccount default ||
    die "no default service account"
for n in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy containerd etcd; do
    alive "$n" || die "$n exited"
done
say "cluster up in $((SECONDS - T0))s; kubectl --kubeconfig $KUBECONFIG_ADMIN"
trap - EXIT
echo "$KUBECONFIG_ADMIN"
