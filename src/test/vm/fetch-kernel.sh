#!/usr/bin/env bash
# Fetches Debian unstable's current 7.2 kernel (which has CONFIG_SCHED_CLASS_EXT=y)
# for the sched_ext VM tests, without touching the host's apt configuration:
# apt-get runs with a private source list, index, cache and preferences, so
# nothing on the host ever sees (or upgrades to) unstable.
#
#   src/test/vm/fetch-kernel.sh
#
# Output: ${SYRUP_VM_CACHE:-$HOME/.cache/syrup/vm}/<kernel-release>/
#           vmlinuz            the kernel image
#           modules/*.ko       the 9p modules, decompressed, in load order (modules.order)
#           .complete          written last: an interrupted fetch is redone
# Prints that directory as its last line.
#
# The package index is refreshed when it is older than SYRUP_VM_INDEX_DAYS days
# (default 7) or when SYRUP_VM_REFRESH=1; otherwise the last resolved kernel is
# reused without any network access.
set -euo pipefail

CACHE=${SYRUP_VM_CACHE:-$HOME/.cache/syrup/vm}
SERIES=${SYRUP_VM_SERIES:-7.2}
MIRROR=${SYRUP_VM_MIRROR:-http://deb.debian.org/debian}
INDEX_DAYS=${SYRUP_VM_INDEX_DAYS:-7}
# 9p over virtio and what it needs, in load order (fs/9p depends on netfs and 9pnet).
MODULES=(netfs 9pnet 9pnet_virtio 9p)

say() { echo "fetch-kernel: $*" >&2; }
APT=$CACHE/apt
CURRENT=$CACHE/current

if [[ ${SYRUP_VM_REFRESH:-0} != 1 && -L $CURRENT && -f $CURRENT/.complete ]] \
   && [[ -n $(find "$APT/lists" -maxdepth 1 -name '*Packages*' -mtime -"$INDEX_DAYS" 2>/dev/null | head -1) ]]; then
    say "using cached kernel $(basename "$(readlink -f "$CURRENT")")"
    readlink -f "$CURRENT"
    exit 0
fi

mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/etc"
echo "deb $MIRROR sid main" > "$APT/etc/sources.list"
APT_OPTS=(
    -o Dir::Etc::SourceList="$APT/etc/sources.list"
    -o Dir::Etc::SourceParts=/dev/null
    -o Dir::Etc::Preferences=/dev/null
    -o Dir::Etc::PreferencesParts=/dev/null
    -o Dir::State::Lists="$APT/lists"
    -o Dir::State::status=/dev/null
    -o Dir::Cache="$APT/cache"
    -o APT::Architectures=amd64
    -o Acquire::Languages=none
    -o Debug::NoLocking=1
    -o APT::Sandbox::User=root
)

say "refreshing the package index of Debian unstable (private apt state in $APT)"
start=$SECONDS
apt-get "${APT_OPTS[@]}" -qq update >&2
say "index: $(du -sh "$APT/lists" | cut -f1) in $((SECONDS - start)) s"

# The newest linux-image-<SERIES>.N+debA-amd64 package (the unsigned image is enough for qemu).
versions() {
    apt-cache "${APT_OPTS[@]}" pkgnames "$1" 2>/dev/null | grep -E "^$1[0-9]" | sort -V
}
# The generic flavour only: not -rt, -cloud, -dbg.
image=$(versions "linux-image-$SERIES." | grep -E -- "^linux-image-$SERIES\.[0-9]+[^-]*-amd64(-unsigned)?\$" | tail -1 || true)
if [[ -z $image ]]; then
    say "no linux-image-$SERIES.* package for amd64 in Debian unstable (set SYRUP_VM_SERIES?)"
    exit 1
fi
release=${image#linux-image-}
release=${release%-unsigned}
say "current kernel in unstable: $release ($image)"
OUT=$CACHE/$release
if [[ -f $OUT/.complete ]]; then
    ln -sfn "$release" "$CURRENT"
    say "already fetched"
    echo "$OUT"
    exit 0
fi

# Which packages hold the image and the modules: the image package itself or the
# packages it depends on (linux-binary-*, linux-modules-*), whichever has the files.
deps=$(apt-cache "${APT_OPTS[@]}" depends "$image" 2>/dev/null | sed -n 's/^ *Depends: //p' | tr -d '<>' \
       | grep -E "^linux-(binary|modules|image)-$SERIES" || true)
pkgs=$(printf '%s\n' "$image" $deps | sort -u)

# Downloads are kept (per release) until the kernel is ready, so a retry does not download again.
debs=$CACHE/.debs-$release
mkdir -p "$debs"
work=$(mktemp -d "$CACHE/.fetch-XXXXXX")
trap 'rm -rf "$work"' EXIT
(
    cd "$debs"
    for p in $pkgs; do
        if compgen -G "${p}_*.deb" > /dev/null; then continue; fi
        size=$(apt-cache "${APT_OPTS[@]}" show "$p" 2>/dev/null | sed -n 's/^Size: //p' | head -1)
        say "downloading $p ($(( ${size:-0} / 1024 / 1024 )) MiB)"
        apt-get "${APT_OPTS[@]}" -qq download "$p" >&2
    done
)
mkdir -p "$work/root"
for deb in "$debs"/*.deb; do
    say "extracting $(basename "$deb")"
    dpkg-deb -x "$deb" "$work/root"
done

moddir=$(find "$work/root" -type d -path "*/lib/modules/$release" | head -1)
# Newer packages keep the image next to the modules, older ones in /boot.
vmlinuz=$(find "$work/root" \( -path "*/lib/modules/$release/vmlinuz" -o -name "vmlinuz-$release" \) | head -1)
if [[ -z $vmlinuz || -z $moddir ]]; then
    say "the packages ($pkgs) hold no vmlinuz-$release or lib/modules/$release"
    exit 1
fi
mkdir -p "$work/out/modules"
cp "$vmlinuz" "$work/out/vmlinuz"
for m in "${MODULES[@]}"; do
    f=$(find "$moddir" -name "$m.ko*" | head -1)
    [[ -n $f ]] || { say "module $m not found under $moddir"; exit 1; }
    case $f in
        *.xz) xz -dc "$f" ;;
        *.zst) zstd -dc "$f" ;;
        *.gz) gzip -dc "$f" ;;
        *) cat "$f" ;;
    esac > "$work/out/modules/$m.ko"
done
printf '%s\n' "${MODULES[@]}" > "$work/out/modules/modules.order"
echo "$release" > "$work/out/.complete"
rm -rf "$OUT"
mv "$work/out" "$OUT"
ln -sfn "$release" "$CURRENT"
rm -rf "$debs"
say "kernel $release ready in $OUT ($((SECONDS - start)) s)"
echo "$OUT"
