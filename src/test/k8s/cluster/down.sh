#!/usr/bin/env bash
# Tears down the cluster up.sh started, whatever state it is in, and puts the host back: stops
# the pods' processes and every daemon, unmounts everything under the cluster's directory,
# deletes the bridge and the pods' links, the iptables chains of kube-proxy, kubelet and ours,
# the kubepods cgroups, and restores the sysctls and mount propagation up.sh recorded. Checks
# that nothing is left and says what is. Safe to run twice, or with nothing to tear down.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
D=$CLUSTER_DIR
[[ -d $D ]] || { say "no cluster in $D"; exit 0; }
say "tearing down the cluster in $D"

# stop NAME...: SIGTERM to the recorded daemons of these names, SIGKILL after 3 s (nothing of a
# throwaway cluster needs a graceful shutdown).
stop() {
    local name pid pids=()
    for name in "$@"; do
        pid=$(awk -v n="$name" '$2 == n {print $1}' "$D/pids" 2>/dev/null)
        [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && pids+=("$pid")
    done
    ((${#pids[@]})) || return 0
    kill -TERM "${pids[@]}" 2>/dev/null
    for _ in $(seq 15); do
        kill -0 "${pids[@]}" 2>/dev/null || return 0
        sleep 0.2
    done
    kill -KILL "${pids[@]}" 2>/dev/null
    sleep 0.2
}

# The node agents first, so that nothing restarts pods while they go.
stop kubelet kube-proxy
# Pods' processes: everything in the kubepods cgroups (they are the cluster's containers).
kubepods=()
for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
    [[ -d ${h}kubepods ]] && kubepods+=("${h}kubepods")
done
for _ in 1 2 3; do
    procs=$(find "${kubepods[@]}" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
    [[ -n $procs ]] || break
    kill -KILL $procs 2>/dev/null
    sleep 0.5
done
stop containerd
# containerd's shims outlive it; they are ours when they name our containerd's socket.
for pid in $(pgrep -f containerd-shim); do
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$D/containerd/containerd.sock" && kill -KILL "$pid"
done
stop kube-scheduler kube-controller-manager kube-apiserver
stop etcd

# kube-proxy's and kubelet's chains, then ours (iptables and ip6tables alike).
[[ -x $BIN/kube-proxy ]] && "$BIN/kube-proxy" --cleanup >/dev/null 2>&1
for ipt in iptables ip6tables; do
    command -v $ipt >/dev/null || continue
    for table in filter nat mangle; do
        chains=$($ipt-save -t $table 2>/dev/null | sed -n 's/^:\(\(KUBE-\|SYRUP-CLUSTER-\)[^ ]*\).*/\1/p')
        [[ -n $chains ]] || continue
        # Rules of other chains that jump to them go first, then the chains themselves.
        $ipt-save -t $table | grep -E -- '-j (KUBE-|SYRUP-CLUSTER-)' | grep -Ev '^-A (KUBE-|SYRUP-CLUSTER-)' |
            while read -r _ chain rule; do eval "$ipt -t $table -D $chain $rule" 2>/dev/null; done
        for c in $chains; do $ipt -t $table -F "$c" 2>/dev/null; done
        for c in $chains; do $ipt -t $table -X "$c" 2>/dev/null; done
    done
done

# Mounts under the cluster's directory (rootfs, netns, volumes, kubelet's own), deepest first.
for _ in 1 2 3; do
    mounts=$(awk -v d="$D/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
    [[ -n $mounts ]] || break
    for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
done

# The bridge (the pods' veths went with their network namespaces), then any veth left on it.
for l in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip link del "$l" 2>/dev/null
done
ip link del "$BRIDGE" 2>/dev/null

# cgroups of pods, deepest first.
for k in "${kubepods[@]}"; do
    find "$k" -depth -type d -exec rmdir {} \; 2>/dev/null
done

# Host settings as they were.
if [[ -f $D/host/sysctl ]]; then
    while IFS='=' read -r k v; do
        [[ $(sysctl -n "$k" 2>/dev/null) == "$v" ]] || sysctl -q -w "$k=$v" >/dev/null
    done < "$D/host/sysctl"
fi
[[ -s $D/host/made-shared ]] && mount --make-private /sys/fs/bpf
# Pins and records the cluster's agent left (a killed agent keeps them for its successor), deepest first.
if [[ -f $D/host/agent-entries ]]; then
    for p in "${AGENT_DIRS[@]}"; do
        [[ -d $p ]] && find "$p" -mindepth 1 -depth | grep -vxF -f "$D/host/agent-entries" |
            while read -r e; do if [[ -d $e ]]; then rmdir "$e"; else rm -f "$e"; fi; done
    done
fi
if [[ -f $D/host/created-paths ]]; then
    while read -r p; do
        [[ -n $p ]] || continue
        awk -v d="$p/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
        rm -rf "$p"
    done < "$D/host/created-paths"
fi
# containerd keeps shim sockets outside its state directory.
if [[ -f $D/host/shim-sockets ]]; then
    for s in /run/containerd/s/*; do
        [[ -e $s ]] && ! grep -qxF "$(basename "$s")" "$D/host/shim-sockets" && rm -f "$s"
    done
fi
rm -f /var/lib/cni/results/syrup-cluster-*

# Check: nothing of ours left on the host.
left=()
awk -v d="$D/" 'index($5, d) == 1' /proc/self/mountinfo | grep -q . && left+=("mounts under $D")
ip link show "$BRIDGE" >/dev/null 2>&1 && left+=("link $BRIDGE")
for k in "${kubepods[@]}"; do [[ -d $k ]] && left+=("cgroup $k"); done
iptables-save 2>/dev/null | grep -qE '(KUBE-|SYRUP-CLUSTER-)' && left+=("iptables chains")
if [[ -f $D/host/agent-entries ]]; then
    for p in "${AGENT_DIRS[@]}"; do
        [[ -d $p ]] && find "$p" -mindepth 1 | grep -qvxF -f "$D/host/agent-entries" && left+=("entries under $p")
    done
fi
for pid in $(awk '$2 != "lock-holder" {print $1}' "$D/pids" 2>/dev/null); do
    kill -0 "$pid" 2>/dev/null && left+=("process $pid ($(awk -v p="$pid" '$1 == p {print $2}' "$D/pids"))")
done
if [[ -f $D/host/sysctl ]]; then
    while IFS='=' read -r k v; do
        [[ $(sysctl -n "$k" 2>/dev/null) == "$v" ]] || left+=("sysctl $k")
    done < "$D/host/sysctl"
fi
# The lock holder goes last: the next cluster may start (and tears down again what is left).
stop lock-holder
if ((${#left[@]})); then
    say "LEFT ON THE HOST: ${left[*]} (kept $D for the next down.sh)"
    exit 1
fi
rm -rf "$D"
say "torn down in $((SECONDS - T0))s; nothing left"
