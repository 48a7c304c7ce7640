#!/usr/bin/env bash
# Builds the chart's container images without a container engine or a registry (make images):
#   build/images/syrup-agent-<appVersion>.tar and build/images/syrup-operator-<appVersion>.tar,
# named docker.io/syrup/<name>:<appVersion>, loadable with `podman load` and `ctr -n k8s.io images import`.
# Each image is two layers: the shared Debian base (base/build-base.sh, cached outside the work tree) and the image's
# own files (<image>/image.sh). An archive is rewritten only when its content changed; the same inputs give the
# same digests (sorted entries, fixed owners and times: $SOURCE_DATE_EPOCH, default the build's fixed jar entry time).
# Usage: build.sh [agent|operator]...  (default both); the jars must be packaged (make images does).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${SYRUP_IMAGE_OUT:-$root/build/images}"
version="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$root/helm/syrup/Chart.yaml")"
[[ -n "$version" ]] || { echo "no appVersion in helm/syrup/Chart.yaml" >&2; exit 1; }
# File times and the images' creation time: the jars' fixed entry time (the build's project.build.outputTimestamp),
# so that the archives depend on the files' content only, not on when or at which commit they were built.
output_timestamp="$(sed -n 's:.*<project.build.outputTimestamp>\(.*\)</project.build.outputTimestamp>.*:\1:p' "$root/pom.xml")"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(date -u -d "$output_timestamp" +%s)}"
created="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
images=("${@:-agent operator}")
images=(${images[*]})

base="$("$here/base/build-base.sh")"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# layer_tar DIR FILE: the files under DIR as a layer: sorted, owned by root, dated SOURCE_DATE_EPOCH, no atime/ctime.
layer_tar() {
	tar --create --file="$2" --directory="$1" --format=posix --sort=name --numeric-owner --owner=0 --group=0 \
		--mode='u+rwX,go+rX,go-w' --mtime="@$SOURCE_DATE_EPOCH" \
		--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime .
}

for image in "${images[@]}"; do
	[[ -f "$here/$image/image.sh" ]] || { echo "unknown image $image (agent, operator)" >&2; exit 1; }
	(
		# shellcheck source=agent/image.sh
		source "$here/$image/image.sh"
		ref="docker.io/syrup/$name:$version"
		archive="$out/$name-$version.tar"
		dir="$work/$image"
		mkdir -p "$dir/files"
		chmod 0755 "$dir/files"
		stage "$dir/files" "$root"
		layer_tar "$dir/files" "$dir/layer.tar"
		app_diff_id="$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)"

		jq -n --arg created "$created" --arg user "$user" --arg workdir "$workdir" --arg version "$version" \
			--arg title "$name" --arg description "$description" \
			--argjson entrypoint "$entrypoint" --argjson cmd "$cmd" --argjson env "$env" --argjson ports "$ports" \
			--arg base "sha256:$(cat "$base/diff_id")" --arg app "sha256:$app_diff_id" \
			--arg base_by "mmdebstrap bookworm minbase + helm/images/base/packages" --arg app_by "helm/images/$image/image.sh" \
			'{created: $created, architecture: "amd64", os: "linux",
			  config: ({User: $user, WorkingDir: $workdir,
			            Env: (["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
			                   "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"] + $env),
			            Entrypoint: $entrypoint,
			            Labels: {"org.opencontainers.image.title": $title, "org.opencontainers.image.description": $description,
			                     "org.opencontainers.image.version": $version}}
			           + (if $cmd == [] then {} else {Cmd: $cmd} end)
			           + (if $ports == [] then {} else {ExposedPorts: ($ports | map({(.): {}}) | add)} end)),
			  rootfs: {type: "layers", diff_ids: [$base, $app]},
			  history: [{created: $created, created_by: $base_by}, {created: $created, created_by: $app_by}]}' \
			| tr -d '\n' > "$dir/config.json"
		config_digest="$(sha256sum "$dir/config.json" | cut -d' ' -f1)"

		# The config names every layer by content: the same config means the same image.
		if [[ -f "$archive" && "$(cat "$out/.$name.config" 2>/dev/null)" == "$config_digest" ]]; then
			echo ">> images: $ref up to date"
			exit 0
		fi
		echo ">> images: writing $ref"
		gzip -n -6 < "$dir/layer.tar" > "$dir/layer.tar.gz"
		"$here/oci-archive.sh" "$archive" "$ref" "$dir/config.json" "$base/layer.tar.gz" "$dir/layer.tar.gz" > "$dir/manifest"
		echo "$config_digest" > "$out/.$name.config"
		stat -c %s "$dir/layer.tar" > "$out/.$name.app-size"
	)
done

for image in "${images[@]}"; do
	source "$here/$image/image.sh"
	archive="$out/$name-$version.tar"
	base_mib=$(( $(cat "$base/size") / 1048576 ))
	app_mib=$(( $(cat "$out/.$name.app-size") / 1048576 ))
	printf '>> images: %-40s %4d MiB archive (%d MiB unpacked: base %d + own files %d) %s\n' \
		"docker.io/syrup/$name:$version" $(( $(stat -c %s "$archive") / 1048576 )) $((base_mib + app_mib)) \
		"$base_mib" "$app_mib" "${archive#"$root"/}"
done
