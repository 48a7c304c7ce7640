#!/usr/bin/env bash
# Builds the small images the local cluster needs besides the chart's, as archives cached in
# $SYRUP_IMAGE_CACHE (~/.cache/syrup/images), keyed by this script's content:
#   pause-KEY.tar    docker.io/syrup/pause:local, the pod sandbox (a static C program that pauses)
#   python-KEY.tar   docker.io/library/python:3.12-slim, standing in for the image of that name
#                    examples/kubernetes runs (nothing can be pulled here): Debian 12's python3
#                    from mmdebstrap; the example's server and client need only the standard library
# Prints the archives' paths, one a line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
SAY_PREFIX=images

key=$(cat "$here/images.sh" "$here/oci-archive.sh" | sha256sum | cut -c1-12)
mkdir -p "$IMAGE_CACHE"
pause=$IMAGE_CACHE/pause-$key.tar
python=$IMAGE_CACHE/python-$key.tar
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ ! -f $pause ]]; then
    cat > "$work/pause.c" <<'C'
#include <signal.h>
#include <unistd.h>

static void done(int sig) { (void)sig; _exit(0); }

int main(void)
{
	signal(SIGINT, done);
	signal(SIGTERM, done);
	for (;;)
		pause();
}
C
    mkdir -p "$work/pause-root"
    gcc -static -Os -s -o "$work/pause-root/pause" "$work/pause.c"
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/pause-root" -cf "$work/pause-layer.tar" .
    "$here/oci-archive.sh" "$work/pause-layer.tar" "$PAUSE_IMAGE" "$pause" '"Entrypoint":["/pause"]'
    say "built $(basename "$pause") ($(du -h "$pause" | cut -f1))"
fi

if [[ ! -f $python ]]; then
    command -v mmdebstrap >/dev/null || die "mmdebstrap is not installed (make deps installs it)"
    t0=$SECONDS
    say "building the python image with mmdebstrap (a few minutes, once)..."
    SOURCE_DATE_EPOCH=0 mmdebstrap --quiet --variant=essential --include=python3 \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' bookworm "$work/python-layer.tar"
    "$here/oci-archive.sh" "$work/python-layer.tar" docker.io/library/python:3.12-slim "$python" \
        '"Cmd":["python3"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
    say "built $(basename "$python") ($(du -h "$python" | cut -f1)) in $((SECONDS - t0))s"
fi
echo "$pause"
echo "$python"
