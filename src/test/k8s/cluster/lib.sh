# Shared by up.sh, down.sh and images.sh: where the one-node cluster lives and small helpers.
# Sourced, not run.

# Everything of the cluster (PKI, etcd data, containerd's root and state, kubelet's root, logs,
# the record of host settings to put back) lives under this directory.
CLUSTER_DIR=${SYRUP_CLUSTER_DIR:-/var/lib/syrup-cluster}
K8S_VERSION=${SYRUP_K8S_VERSION:-1.34.4}
BIN=${SYRUP_K8S_BIN:-${SYRUP_K8S_CACHE:-$HOME/.cache/syrup/k8s}/$K8S_VERSION-linux-amd64}
IMAGE_CACHE=${SYRUP_IMAGE_CACHE:-$HOME/.cache/syrup/images}

NODE_NAME=syrup-node
# The pods' bridge and range; the node's address on the bridge is the API server's and the kubelet's.
BRIDGE=syrup0
POD_CIDR=10.244.0.0/24
POD_RANGE=10.244.0.0/16
NODE_IP=10.244.0.1
SERVICE_CIDR=10.96.0.0/12
API_SERVICE_IP=10.96.0.1
API_PORT=6443
# The pod sandbox's image (a static program that pauses), built by images.sh.
PAUSE_IMAGE=docker.io/syrup/pause:local
# Our own iptables chain: pods reach the node and each other, nothing else.
FW_CHAIN=SYRUP-CLUSTER-FWD
# What kubelet, kube-proxy and the CNI bridge may change on the host; recorded and put back.
SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys
         kernel.keys.root_maxbytes net.ipv4.ip_forward net.ipv4.conf.all.route_localnet)
# Paths outside CLUSTER_DIR that kubelet and the chart create; removed when we created them.
OUTSIDE_DIRS=(/var/lib/kubelet /var/log/containers /var/log/pods /run/syrup /run/syrup-agent /sys/fs/bpf/syrup)
# Where the chart's agent keeps pins and records on the node (hostPath volumes).
AGENT_DIRS=(/sys/fs/bpf/syrup /run/syrup-agent)

KUBECONFIG_ADMIN=$CLUSTER_DIR/pki/admin.kubeconfig
CTR=(ctr --address "$CLUSTER_DIR/containerd/containerd.sock" -n k8s.io)

T0=${T0:-$SECONDS}
say() { printf '%s [%3ds] %s\n' "${SAY_PREFIX:-cluster}" $((SECONDS - T0)) "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
    local limit=$1 what=$2 end=$((SECONDS + $1))
    shift 2
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < end)) || { say "no $what within ${limit}s"; return 1; }
        sleep 0.2
    done
}

kc() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
