#!/usr/bin/env bash
# Writes a one-layer image archive from a root filesystem tarball, with tar and sha256sum only:
# an OCI image layout and a docker-archive manifest.json in one tar, which both
# `ctr images import` and `podman load` accept. No registry, no container engine.
#
#   oci-archive.sh LAYER.tar REFERENCE OUT.tar [CONFIG-JSON-MEMBERS]
#
# REFERENCE is a full name, e.g. docker.io/syrup/pause:local. CONFIG-JSON-MEMBERS are the
# members of the image config's "config" object, e.g. '"Entrypoint":["/pause"]'.
# Same inputs, same bytes out.
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 LAYER.tar REFERENCE OUT.tar [CONFIG-JSON-MEMBERS]" >&2; exit 2; }
layer=$1 ref=$2 out=$3 members=${4:-}
tag=${ref##*:}
short=${ref#docker.io/}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blobs/sha256"

# blob FILE: moves FILE into blobs/ under its digest and prints "DIGEST SIZE".
blob() {
    local d s
    d=$(sha256sum "$1" | cut -d' ' -f1)
    s=$(stat -c %s "$1")
    mv "$1" "$work/blobs/sha256/$d"
    echo "$d $s"
}

cp "$layer" "$work/layer"
read -r layer_digest layer_size < <(blob "$work/layer")

printf '{"architecture":"amd64","os":"linux","config":{%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$members" "$layer_digest" > "$work/config"
read -r config_digest config_size < <(blob "$work/config")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config_digest" "$config_size" "$layer_digest" "$layer_size" > "$work/manifest"
read -r manifest_digest manifest_size < <(blob "$work/manifest")

printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest_digest" "$manifest_size" "$ref" "$tag" > "$work/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$work/oci-layout"
printf '[{"Config":"blobs/sha256/%s","RepoTags":["%s"],"Layers":["blobs/sha256/%s"]}]' \
    "$config_digest" "$short" "$layer_digest" > "$work/manifest.json"

tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work" -cf "$out.tmp" \
    oci-layout index.json manifest.json blobs
mv -f "$out.tmp" "$out"
