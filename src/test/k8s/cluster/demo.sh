#!/usr/bin/env bash
# The Kubernetes demo (make demo-k8s): a local one-node cluster, the chart installed with helm, the
# example server of examples/kubernetes, and the datagrams per socket under Linux's default and under
# the round-robin and choose-from-map policies. The cluster stays up to try more; make demo-k8s-down
# (or Ctrl-C while this runs) tears it down.
#
#   demo.sh AGENT-IMAGE.tar OPERATOR-IMAGE.tar
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
source "$here/lib.sh"
SAY_PREFIX=demo-k8s
NS=udp-demo
[[ $# -eq 2 ]] || { echo "usage: $0 AGENT-IMAGE.tar OPERATOR-IMAGE.tar (make demo-k8s builds them)" >&2; exit 2; }

trap 'echo; say "interrupted: tearing down"; "$here/down.sh"; exit 130' INT TERM
"$here/up.sh" "$@" >/dev/null
export KUBECONFIG=$KUBECONFIG_ADMIN
export PATH=$BIN:$PATH
cd "$root"

say "helm install syrup helm/syrup -n syrup-system --create-namespace"
helm install syrup helm/syrup -n syrup-system --create-namespace --wait --timeout 5m >/dev/null
kubectl -n syrup-system rollout status deployment/syrup-operator --timeout=5m >/dev/null
kubectl -n syrup-system rollout status daemonset/syrup-agent --timeout=5m >/dev/null
kubectl -n syrup-system get pods

say "the example server first, with no policy: Linux's default"
kubectl create namespace "$NS" >/dev/null
kubectl -n "$NS" apply -f examples/kubernetes/udp-server.yaml >/dev/null
kubectl -n "$NS" rollout status deployment/udp-workers --timeout=3m >/dev/null
pod=$(kubectl -n "$NS" get pods -l app=udp-workers -o jsonpath='{.items[0].metadata.name}')
ip=$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.status.podIP}')

# count PORT: 400 datagrams from 8 source ports of a client pod to the server pod; answers per worker.
# The client's output is read from its log once it has finished: `kubectl run -i` loses the output of a
# pod that ends before it attaches.
count() {
    local client="client-$RANDOM"
    kubectl -n "$NS" run "$client" --restart=Never --image=python:3.12-slim -- python3 -c "
import socket
counts = [0] * 4
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(8)]
for i in range(400):
    s = socks[i % 8]; s.settimeout(10)
    s.sendto(b'hi', ('$ip', $1)); counts[int(s.recv(64).split()[1])] += 1
print(counts)" >/dev/null
    kubectl -n "$NS" wait "pod/$client" --for=jsonpath='{.status.phase}'=Succeeded --timeout=3m >/dev/null ||
        { kubectl -n "$NS" logs "$client" >&2; die "the client pod $client did not finish"; }
    kubectl -n "$NS" logs "$client"
    kubectl -n "$NS" delete pod "$client" --wait=false >/dev/null
}
linux=$(count 9000)
say "port 9000, Linux's default (hash of the source port): datagrams per socket $linux"

say "kubectl apply -f examples/kubernetes/round-robin-policy.yaml -f examples/kubernetes/choose-from-map-policy.yaml"
kubectl -n "$NS" apply -f examples/kubernetes/round-robin-policy.yaml -f examples/kubernetes/choose-from-map-policy.yaml >/dev/null
ready() { [[ $(kubectl -n "$NS" get spol round-robin choose-from-map -o jsonpath='{.items[*].status.conditions[?(@.type=="Ready")].status}') == "True True" ]]; }
wait_for 180 "Ready policies" ready || { kubectl -n "$NS" get spol; die "the policies did not become Ready"; }
kubectl -n "$NS" get spol
say "port 9000, Linux's default:          $linux"
say "port 9000, round-robin policy:       $(count 9000)"
say "port 9001, choose-from-map (choice[0] = 2): $(count 9001)"
trap - INT TERM
cat <<EOF

The cluster stays up. Try more:
  export KUBECONFIG=$KUBECONFIG_ADMIN PATH=$BIN:\$PATH
  kubectl -n $NS get spol,spoln                     # policies, their per-node objects
  kubectl -n $NS describe spol round-robin
  kubectl -n $NS exec $pod -- python3 -c 'import socket,json; s=socket.socket(socket.AF_UNIX); s.connect("/run/syrup/syrupd.sock"); f=s.makefile("rw"); f.write(json.dumps({"op":"list"})+"\n"); f.flush(); print(f.readline())'
  kubectl -n syrup-system logs daemonset/syrup-agent
  edit examples/kubernetes/round-robin-policy.yaml and kubectl -n $NS apply -f it again
  docs/kubernetes.md walks through the rest.
  make demo-k8s-down                                  # tears the cluster down
EOF
