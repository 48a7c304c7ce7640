#!/usr/bin/env bash
# Fetches Debian's nginx and its stream module (UDP) and unpacks them without
# installing anything: no service, no configuration under /etc. The tests run
# this nginx as a real multi-process SO_REUSEPORT UDP server nobody on the team
# wrote (node-agent's DebianNginxTest).
#
#   src/test/debian/fetch-nginx.sh
#
# Output: ${SYRUP_DEBIAN_CACHE:-$HOME/.cache/syrup/debian}/nginx-<version>/
#           (usr/sbin/nginx, usr/lib/nginx/modules/ngx_stream_module.so)
# and the symlink nginx -> nginx-<version> beside it, which the tests use.
# A version already unpacked is kept; the marker .complete is written last.
#
# Prints the output directory as its last line.
set -euo pipefail

cache=${SYRUP_DEBIAN_CACHE:-$HOME/.cache/syrup/debian}
version=$(apt-cache policy nginx | sed -n 's/^ *Candidate: *//p')
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
	echo "fetch-nginx: apt knows no nginx package (run apt-get update)" >&2
	exit 1
fi
out="$cache/nginx-$version"
if [ ! -f "$out/.complete" ]; then
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# apt's sandbox user cannot write to a directory only root can; download as root there.
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "nginx=$version" "libnginx-mod-stream=$version" >/dev/null)
	rm -rf "$out" && mkdir -p "$out"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$out"
	done
	touch "$out/.complete"
fi
ln -sfn "nginx-$version" "$cache/nginx"
echo "$out"
