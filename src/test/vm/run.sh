#!/usr/bin/env bash
# Runs a shell command inside a qemu VM booting Debian unstable's 7.2 kernel
# (sched_ext built in), with the host's root shared read-only over 9p: the
# command sees the host's files, JDK, clang and bpftool, as root of the guest.
#
#   src/test/vm/run.sh [-t SECONDS] [-m MiB] [-c CPUS] [-o DIR] [-s DIR] -- 'COMMAND'
#
# -o shares the host directory DIR writable at /run/out in the guest.
# -s shares the host directory DIR read-only at the same path in the guest,
#    mounted over the guest's tmpfs: a checkout under /tmp stays visible.
# The guest console (the command's output) goes to stdout. Exit status: the
# command's, 124 if the VM did not finish within SECONDS (default 300), 125 if
# it ended without reporting a status. A boot that has not reached init after
# $SYRUP_VM_BOOT_TIMEOUT seconds (120) is abandoned, its kernel log's tail
# printed, and retried once within SECONDS. Works without KVM (TCG emulation).
# /tmp, /run and /dev/shm are empty tmpfs in the guest: the command must not
# rely on host files there.
#
# Kernel and initramfs are cached in ${SYRUP_VM_CACHE:-$HOME/.cache/syrup/vm}
# (see fetch-kernel.sh). Installs qemu-system-x86 and busybox-static if missing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=300 MEM=3072 CPUS=2 OUTDIR= SHARE=
while getopts "t:m:c:o:s:" o; do
    case $o in
        t) TIMEOUT=$OPTARG ;;
        m) MEM=$OPTARG ;;
        c) CPUS=$OPTARG ;;
        o) OUTDIR=$(cd "$OPTARG" && pwd) ;;
        s) SHARE=$(cd "$OPTARG" && pwd) ;;
        *) echo "usage: $0 [-t SECONDS] [-m MiB] [-c CPUS] [-o DIR] [-s DIR] -- 'COMMAND'" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[[ $# -ge 1 ]] || { echo "usage: $0 [-t SECONDS] [-m MiB] [-c CPUS] [-o DIR] [-s DIR] -- 'COMMAND'" >&2; exit 2; }
[[ $SHARE != *[[:space:]]* ]] || { echo "$0: -s $SHARE: the path must not contain spaces (it goes on the kernel command line)" >&2; exit 2; }
COMMAND=$*
say() { echo "vm: $*" >&2; }

missing=()
command -v qemu-system-x86_64 > /dev/null || missing+=(qemu-system-x86)
# The initramfs needs a static busybox (Debian's plain busybox is dynamic).
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "ok installed" || missing+=(busybox-static)
if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

KDIR=$("$HERE/fetch-kernel.sh")
RELEASE=$(cat "$KDIR/.complete")

# The base initramfs: static busybox, the 9p modules and init; rebuilt when init changes.
stamp=$(cat "$HERE/init" /bin/busybox "$KDIR/modules/"* | sha256sum | cut -c1-16)
BASE=$KDIR/initramfs-$stamp.cpio.gz
if [[ ! -f $BASE ]]; then
    say "building the initramfs"
    d=$(mktemp -d)
    mkdir -p "$d"/{bin,proc,sys,dev,mnt,modules}
    cp /bin/busybox "$d/bin/busybox"
    cp "$KDIR/modules/"* "$d/modules/"
    install -m 755 "$HERE/init" "$d/init"
    (cd "$d" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$BASE.tmp"
    mv "$BASE.tmp" "$BASE"
    rm -rf "$d"
    find "$KDIR" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -name "$(basename "$BASE")" -delete
fi

# This run's command, appended to the initramfs as a second archive.
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
mkdir "$run/root"
printf '%s\n' "$COMMAND" > "$run/root/cmd.sh"
(cd "$run/root" && echo cmd.sh | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$run/cmd.cpio.gz"
cat "$BASE" "$run/cmd.cpio.gz" > "$run/initrd"

# TCG by default: /dev/kvm may exist where nested virtualization does not work.
# Single-threaded TCG: with one host thread per vCPU, the kernel's live code
# patching (static keys flipped when a sched_ext scheduler is enabled) hit a
# stray int3 oops once in a few boots; one thread running the vCPUs in turn
# makes cross-CPU code modification exact.
accel=tcg,thread=single
if [[ ${SYRUP_VM_KVM:-0} == 1 ]]; then accel=kvm; fi
out=() append=
if [[ -n $OUTDIR ]]; then
    out=(-virtfs "local,path=$OUTDIR,mount_tag=hostout,security_model=none")
    append=" syrup.out=1"
fi
if [[ -n $SHARE ]]; then
    out+=(-virtfs "local,path=$SHARE,mount_tag=hostshare,security_model=none,readonly=on,multidevs=remap")
    append+=" syrup.share=$SHARE"
fi
# A boot that never reaches init (seen once in CI under TCG: no console line in 840 s) is cut
# short and retried: the kernel logs everything until init, those lines go to the console file
# only, and their tail is printed when a boot is abandoned.
BOOT_TIMEOUT=${SYRUP_VM_BOOT_TIMEOUT:-120}
deadline=$((SECONDS + TIMEOUT)) qrc=124
start=$SECONDS
for attempt in 1 2; do
    left=$((deadline - SECONDS))
    ((left > 0)) || break
    say "booting $RELEASE ($CPUS vCPUs, $MEM MiB, accel $accel, timeout ${left}s, attempt $attempt)"
    rm -f "$run/noboot" "$run/qemu.pid"
    : > "$run/console"
    (
        waited=0
        while ((waited < BOOT_TIMEOUT)); do
            sleep 2
            waited=$((waited + 2))
            grep -q '^SYRUP-VM-BOOTED' "$run/console" 2>/dev/null && exit 0
        done
        [[ -s $run/qemu.pid ]] && touch "$run/noboot" && kill "$(cat "$run/qemu.pid")" 2>/dev/null
    ) &
    watchdog=$!
    set +e
    timeout --kill-after=10 "$left" qemu-system-x86_64 \
        -machine q35 -accel $accel -cpu max -smp "$CPUS" -m "$MEM" \
        -kernel "$KDIR/vmlinuz" -initrd "$run/initrd" -pidfile "$run/qemu.pid" \
        -append "console=ttyS0 loglevel=7 printk.time=1 panic=-1 rdinit=/init$append" "${out[@]}" \
        -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
        -display none -serial stdio -monitor none -no-reboot -nodefaults \
        < /dev/null | tee "$run/console" | tr -d '\r' \
        | awk '/^SYRUP-VM-BOOTED/ { booted = 1 } booted || !/^\[ *[0-9]+\.[0-9]+\] / { print; fflush() }'
    qrc=${PIPESTATUS[0]}
    set -e
    kill "$watchdog" 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
    if [[ -e $run/noboot ]]; then
        say "no boot within ${BOOT_TIMEOUT}s (attempt $attempt); the console's last lines:"
        tr -d '\r' < "$run/console" | tail -n 25 >&2
        continue
    fi
    break
done
say "VM finished after $((SECONDS - start)) s"
if [[ -e $run/noboot ]]; then
    say "the guest never booted"
    exit 124
fi
if [[ $qrc == 124 || $qrc == 137 ]]; then
    say "timed out after ${TIMEOUT}s"
    exit 124
fi
rc=$(tr -d '\r' < "$run/console" | sed -n 's/^SYRUP-VM-EXIT \([0-9]*\)$/\1/p' | tail -1)
[[ -n $rc ]] || { say "the VM ended without reporting the command's status (qemu exit $qrc)"; exit 125; }
exit "$rc"
