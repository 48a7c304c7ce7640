#!/usr/bin/env bash
# Builds the Kubernetes binaries (kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet, kube-proxy, kubectl), etcd and the helm CLI from the
# Go module proxy, for tests that need a genuine API server (fabric8
# kube-api-test, smoke.sh) or a whole one-node cluster (cluster/up.sh). No
# container engine or release download is needed: only Go and the module proxy.
#
#   src/test/k8s/build-binaries.sh [VERSION]     e.g. 1.34.4 or v1.34.4
#
# Output: ${SYRUP_K8S_CACHE:-$HOME/.cache/syrup/k8s}/<X.Y.Z>-linux-amd64/
#           {kube-apiserver,kube-controller-manager,kube-scheduler,kubelet,
#            kube-proxy,kubectl,etcd,helm}
# which is the layout kube-api-test expects under $KUBE_API_TEST_DIR/k8s/, so
# KUBE_API_TEST_DIR=$(dirname "$SYRUP_K8S_CACHE") works with the default cache.
#
# Module and build caches live in ${SYRUP_GO_CACHE:-$HOME/.cache/syrup/go}, so
# a rerun (or another version sharing dependencies) is fast. Binaries already
# built are skipped; the marker file .complete is written last, so a build
# that was interrupted is resumed on the next run.
#
# Prints the output directory as its last line (handy for scripts).
set -euo pipefail

# Newest v1.34 patch the module proxy serves that builds with the machine's Go;
# see README.md for why 1.34.
DEFAULT_VERSION=1.34.4
# etcd release line recommended for Kubernetes 1.34 (3.6.x).
ETCD_VERSION=${SYRUP_ETCD_VERSION:-3.6.16}
# The helm CLI the chart's end-to-end test and make demo-k8s drive.
HELM_VERSION=${SYRUP_HELM_VERSION:-3.22.0}

VERSION=${1:-$DEFAULT_VERSION}
VERSION=${VERSION#v}
if ! [[ $VERSION =~ ^1\.([0-9]+)\.([0-9]+)$ ]]; then
    echo "build-binaries: version must look like 1.Y.Z, got '$VERSION'" >&2
    exit 2
fi
MINOR=${BASH_REMATCH[1]}
ARCH=linux-amd64
case "$(uname -m)" in
    x86_64) ;;
    *) echo "build-binaries: only $ARCH is supported (kube-api-test layout)" >&2; exit 2 ;;
esac

CACHE=${SYRUP_K8S_CACHE:-$HOME/.cache/syrup/k8s}
GO_CACHE_ROOT=${SYRUP_GO_CACHE:-$HOME/.cache/syrup/go}
OUT=$CACHE/$VERSION-$ARCH
MARKER=$OUT/.complete
STAMP="kubernetes=v$VERSION etcd=v$ETCD_VERSION helm=v$HELM_VERSION"

start=$SECONDS
elapsed() { local s=$((SECONDS - ${1:-$start})); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
say() { echo "build-binaries: $*" >&2; }

# Built together by one `go build` (they share most packages).
K8S_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
BINARIES=("${K8S_COMMANDS[@]}" etcd helm)
all_present() {
    local b
    for b in "${BINARIES[@]}"; do [[ -x $OUT/$b ]] || return 1; done
}
if [[ -f $MARKER && "$(cat "$MARKER")" == "$STAMP" ]] && all_present; then
    say "v$VERSION already built in $OUT"
    echo "$OUT"
    exit 0
fi

command -v go >/dev/null || { say "go is not on PATH"; exit 1; }

export GOMODCACHE=$GO_CACHE_ROOT/mod
export GOCACHE=$GO_CACHE_ROOT/build
# Never switch to another toolchain (that would be a download); never let a
# surrounding GOFLAGS/GOWORK change what is built.
export GOTOOLCHAIN=local GOWORK=off GOFLAGS=-buildvcs=false
export CGO_ENABLED=0 GOOS=linux GOARCH=amd64
mkdir -p "$OUT" "$GOMODCACHE" "$GOCACHE"
rm -f "$MARKER"

# quietly LOG COMMAND...: runs COMMAND with its output in LOG, shown on failure.
quietly() {
    local log=$1
    shift
    if ! "$@" >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        say "failed: $* (full log: $log)"
        exit 1
    fi
}

# Builds one binary into a temporary name, then renames it: a binary present
# under its final name is always complete.
#   build NAME MODULE_DIR PACKAGE LDFLAGS TAGS
build() {
    local name=$1 dir=$2 pkg=$3 ldflags=$4 tags=$5 t0=$SECONDS
    if [[ -x $OUT/$name ]]; then
        say "$name already built"
        return
    fi
    say "building $name${6:+ $6}..."
    (cd "$dir" && go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$OUT/.$name.tmp" "$pkg")
    mv -f "$OUT/.$name.tmp" "$OUT/$name"
    say "built $name in $(elapsed "$t0")"
}

# ---------------------------------------------------------------- Kubernetes
# k8s.io/kubernetes refers to its staging modules (k8s.io/api, client-go, ...)
# as v0.0.0 replaced by ./staging/...; those replaces do not apply to a module
# that depends on it, so a throwaway main module pins each staging module to
# its published v0.Y.Z twin.
K8S_MOD=$GO_CACHE_ROOT/modules/kubernetes-$VERSION
K8S_PACKAGES=("${K8S_COMMANDS[@]/#/k8s.io/kubernetes/cmd/}")
# .resolved names the commands resolved, so adding one resolves again.
if [[ "$(cat "$K8S_MOD/.resolved" 2>/dev/null)" != "${K8S_COMMANDS[*]}" ]]; then
    t0=$SECONDS
    say "resolving modules for Kubernetes v$VERSION..."
    mkdir -p "$K8S_MOD"
    kgomod=$(cd "$K8S_MOD" && go mod download -json "k8s.io/kubernetes@v$VERSION" |
        sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
    [[ -f $kgomod ]] || { say "could not download k8s.io/kubernetes@v$VERSION"; exit 1; }
    goline=$(grep -m1 -E '^go [0-9.]+$' "$kgomod" || echo "go 1.24.0")
    staging=$(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$kgomod")
    [[ -n $staging ]] || { say "no staging modules found in k8s.io/kubernetes go.mod"; exit 1; }
    {
        echo "module syrup.test/kubernetes-binaries"
        echo
        echo "$goline"
        echo
        echo "require k8s.io/kubernetes v$VERSION"
        echo
        echo "replace ("
        for m in $staging; do echo "	$m => $m v0.$MINOR.${VERSION##*.}"; done
        echo ")"
    } > "$K8S_MOD/go.mod"
    quietly "$K8S_MOD/resolve.log" go -C "$K8S_MOD" get "${K8S_PACKAGES[@]/%/@v$VERSION}"
    echo "${K8S_COMMANDS[*]}" > "$K8S_MOD/.resolved"
    say "resolved in $(elapsed "$t0")"
fi

# What hack/lib/version.sh stamps into a release build, so that /version and
# `kubectl version` report the real version instead of v0.0.0-master. The build
# date is the release's publication time, which keeps the link reproducible.
# The module proxy does not tell the release's commit, so gitCommit is left
# empty rather than the unexpanded "$Format:%H$" placeholder of the sources.
release_time=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' \
    "$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/v$VERSION.info" 2>/dev/null || true)
release_time=${release_time:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
release_time=${release_time%%.*}
release_time=${release_time%Z}Z
k8s_ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    k8s_ldflags+=" -X $p.gitVersion=v$VERSION -X $p.gitMajor=1 -X $p.gitMinor=$MINOR"
    k8s_ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=$release_time -X $p.gitCommit="
done
K8S_TAGS=selinux,notest

# One `go build` for every Kubernetes command still missing: they share most of
# their packages, so building them together compiles each package once.
missing=()
for c in "${K8S_COMMANDS[@]}"; do
    [[ -x $OUT/$c ]] || missing+=("$c")
done
if ((${#missing[@]})); then
    t0=$SECONDS
    say "building ${missing[*]} (one go build; several minutes cold)..."
    tmp=$OUT/.k8s-build.tmp
    rm -rf "$tmp" && mkdir -p "$tmp"
    (cd "$K8S_MOD" && go build -trimpath -tags "$K8S_TAGS" -ldflags "$k8s_ldflags" -o "$tmp/" \
        "${missing[@]/#/k8s.io/kubernetes/cmd/}")
    for c in "${missing[@]}"; do mv -f "$tmp/$c" "$OUT/$c"; done
    rmdir "$tmp"
    say "built ${missing[*]} in $(elapsed "$t0")"
else
    say "Kubernetes commands already built"
fi

# ---------------------------------------------------------------------- etcd
# A module of its own: etcd and Kubernetes pin different versions of grpc and
# OpenTelemetry, which cannot share one build list.
ETCD_MOD=$GO_CACHE_ROOT/modules/etcd-$ETCD_VERSION
if [[ ! -f $ETCD_MOD/.resolved ]]; then
    t0=$SECONDS
    say "resolving modules for etcd v$ETCD_VERSION..."
    mkdir -p "$ETCD_MOD"
    printf 'module syrup.test/etcd-binary\n\ngo 1.24.0\n' > "$ETCD_MOD/go.mod"
    quietly "$ETCD_MOD/resolve.log" go -C "$ETCD_MOD" get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
    touch "$ETCD_MOD/.resolved"
    say "resolved in $(elapsed "$t0")"
fi
build etcd "$ETCD_MOD" go.etcd.io/etcd/server/v3 "-s -w" "" "(about a minute cold)"

# ---------------------------------------------------------------------- helm
# A module of its own too (Helm pins its own client-go). The -X flags are those
# of Helm's Makefile: without them `helm version` prints only "v3.22" and the
# Kubernetes version `helm template` assumes is not client-go's.
HELM_MOD=$GO_CACHE_ROOT/modules/helm-$HELM_VERSION
if [[ ! -f $HELM_MOD/.resolved ]]; then
    t0=$SECONDS
    say "resolving modules for helm v$HELM_VERSION..."
    mkdir -p "$HELM_MOD"
    printf 'module syrup.test/helm-binary\n\ngo 1.24.0\n' > "$HELM_MOD/go.mod"
    quietly "$HELM_MOD/resolve.log" go -C "$HELM_MOD" get "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"
    touch "$HELM_MOD/.resolved"
    say "resolved in $(elapsed "$t0")"
fi
if [[ ! -x $OUT/helm ]]; then
    client_go=$(go -C "$HELM_MOD" list -m -f '{{.Version}}' k8s.io/client-go)   # v0.MINOR.PATCH
    client_minor=$(cut -d. -f2 <<<"$client_go")
    helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
    helm_ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean -X helm.sh/helm/v3/internal/version.gitCommit="
    for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
        helm_ldflags+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$client_minor"
    done
fi
build helm "$HELM_MOD" helm.sh/helm/v3/cmd/helm "${helm_ldflags:-}" "" "(a few minutes cold)"

# --------------------------------------------------------------------- check
got=$("$OUT/kube-apiserver" --version)
[[ $got == "Kubernetes v$VERSION" ]] || { say "kube-apiserver reports '$got', expected v$VERSION"; exit 1; }
got=$("$OUT/etcd" --version | head -1)
[[ $got == "etcd Version: $ETCD_VERSION" ]] || { say "etcd reports '$got', expected $ETCD_VERSION"; exit 1; }
got=$("$OUT/kubelet" --version)
[[ $got == "Kubernetes v$VERSION" ]] || { say "kubelet reports '$got', expected v$VERSION"; exit 1; }
got=$("$OUT/helm" version --template '{{.Version}}')
[[ $got == "v$HELM_VERSION" ]] || { say "helm reports '$got', expected v$HELM_VERSION"; exit 1; }

all_present || { say "a binary is missing from $OUT"; exit 1; }
echo "$STAMP" > "$MARKER"
say "done in $(elapsed): $(du -sh "$OUT" | cut -f1) in $OUT"
echo "$OUT"
