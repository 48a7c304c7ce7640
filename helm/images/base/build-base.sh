#!/usr/bin/env bash
# Builds the images' shared base layer, a Debian root filesystem (mmdebstrap, minbase, no Recommends, without docs,
# man pages, locales, apt lists and device nodes) with the packages listed in ./packages, as a gzip'd layer tar.
# It is cached outside the work tree, keyed by the Debian suite, the mirror, the package list and this script, because
# it takes minutes and changes rarely. Prints the cache directory: layer.tar.gz, diff_id (sha256 of the uncompressed
# tar), packages.lock (the installed versions).
# Env: SYRUP_IMAGE_CACHE (default ~/.cache/syrup/images), DEBIAN_MIRROR, SOURCE_DATE_EPOCH (file times, default:
# the commit time of HEAD).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org}"
cache_root="${SYRUP_IMAGE_CACHE:-$HOME/.cache/syrup/images}"
packages="$(grep -v '^\s*#' "$here/packages" | xargs)"

key="$( { echo "$suite $mirror"; echo "$packages"; cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-16)"
out="$cache_root/base-$suite-$key"
if [[ -f "$out/diff_id" ]]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.base.lock"
flock 9
if [[ -f "$out/diff_id" ]]; then # built by a concurrent run meanwhile
	echo "$out"
	exit 0
fi

export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || echo 0)}"
tmp="$(mktemp -d "$cache_root/.base-$key.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo ">> images: building the Debian $suite base layer (mmdebstrap; a few minutes, cached in $out)" >&2
start=$SECONDS
mmdebstrap --variant=minbase --mode=root --format=tar \
	--include="${packages// /,}" \
	--aptopt='APT::Install-Recommends "false"' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-include=/usr/share/locale/locale.alias' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/lintian/*' \
	--essential-hook='mkdir -p "$1/usr/share/man/man1"' \
	--customize-hook='rm -rf "$1/usr/share/man"' \
	--customize-hook='chroot "$1" useradd --system --uid 185 --user-group --home-dir /deployments --no-create-home --shell /usr/sbin/nologin syrup' \
	--customize-hook='rm -f "$1/etc/resolv.conf" "$1/var/cache/ldconfig/aux-cache"; : > "$1/etc/resolv.conf"; echo localhost > "$1/etc/hostname"' \
	--customize-hook='rm -rf "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old "$1"/var/log/*' \
	--customize-hook="chroot \"\$1\" dpkg-query -W -f='\${Package} \${Version}\n' > '$tmp/packages.lock'" \
	"$suite" - \
	"deb $mirror/debian $suite main" \
	"deb $mirror/debian $suite-updates main" \
	"deb $mirror/debian-security $suite-security main" \
	| mmtarfilter --path-exclude='/dev/*' > "$tmp/layer.tar"

sha256sum "$tmp/layer.tar" | cut -d' ' -f1 > "$tmp/diff_id"
stat -c %s "$tmp/layer.tar" > "$tmp/size"
gzip -n -6 < "$tmp/layer.tar" > "$tmp/layer.tar.gz"
rm "$tmp/layer.tar"
chmod 755 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo ">> images: base layer built in $((SECONDS - start)) s ($(($(cat "$out/size") / 1048576)) MiB)" >&2
echo "$out"
