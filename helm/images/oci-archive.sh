#!/usr/bin/env bash
# Writes an image archive that both `podman load` / `docker load` (manifest.json, the docker-archive layout) and
# `ctr images import` (index.json, the OCI image layout) accept: the same blobs, named by both.
# Usage: oci-archive.sh OUT.tar REFERENCE CONFIG.json LAYER.tar.gz...
# CONFIG.json is the image configuration (its rootfs.diff_ids name the layers' uncompressed digests). The archive's
# entries are sorted, owned by root and dated $SOURCE_DATE_EPOCH, so the same inputs give the same bytes.
set -euo pipefail

out="$1" ref="$2" config="$3"
shift 3
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/blobs/sha256"

# blob FILE: copies FILE into the blob store, prints its digest (hex).
blob() {
	local d
	d="$(sha256sum "$1" | cut -d' ' -f1)"
	cp "$1" "$dir/blobs/sha256/$d"
	echo "$d"
}

layers="[]"
layer_paths="[]"
for layer in "$@"; do
	d="$(blob "$layer")"
	layers="$(jq -c --arg d "sha256:$d" --argjson s "$(stat -c %s "$layer")" \
		'. + [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $d, size: $s}]' <<<"$layers")"
	layer_paths="$(jq -c --arg p "blobs/sha256/$d" '. + [$p]' <<<"$layer_paths")"
done
config_digest="$(blob "$config")"

jq -cn --arg cd "sha256:$config_digest" --argjson cs "$(stat -c %s "$config")" --argjson layers "$layers" \
	'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
	  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs}, layers: $layers}' \
	| tr -d '\n' > "$dir/manifest.oci.json"
manifest_digest="$(blob "$dir/manifest.oci.json")"

jq -cn --arg md "sha256:$manifest_digest" --argjson ms "$(stat -c %s "$dir/manifest.oci.json")" --arg ref "$ref" \
	'{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
	  manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
	               annotations: {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $ref}}]}' \
	> "$dir/index.json"
rm "$dir/manifest.oci.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
jq -cn --arg c "blobs/sha256/$config_digest" --arg ref "$ref" --argjson layers "$layer_paths" \
	'[{Config: $c, RepoTags: [$ref], Layers: $layers}]' > "$dir/manifest.json"

tar --create --file="$out.tmp" --directory="$dir" --format=ustar --sort=name --numeric-owner --owner=0 --group=0 \
	--mode='u=rwX,go=rX' --mtime="@${SOURCE_DATE_EPOCH:-0}" oci-layout index.json manifest.json blobs
mv "$out.tmp" "$out"
echo "sha256:$manifest_digest"
