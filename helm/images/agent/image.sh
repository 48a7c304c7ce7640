# The node agent image (sourced by ../build.sh): syrupd and the syrup CLI (the shaded syrup.jar with the JNI library,
# the policy SDK and the prebuilt dispatchers inside) on the shared base (Java 17, clang/llvm, libbpf, bubblewrap).
# It runs as root: the chart makes the container privileged, with host PID and the node's bpffs, cgroup, BTF and
# /run/syrup, and passes the command line (agent --node-name $(NODE_NAME) ...).
name=syrup-agent
description="Syrup node agent: compiles scheduling policies and attaches them to the pods of its node"
user=0:0
workdir=/
entrypoint='["/opt/syrup/bin/syrup"]'
cmd='["agent"]'
env='[]'
ports='[]'

# stage DIR ROOT: puts the image's own files under DIR, from the checkout at ROOT.
stage() {
	local jar="$2/node-agent/target/syrup.jar"
	[[ -f "$jar" ]] || { echo "$jar is missing: package the agent first (make images does)" >&2; return 1; }
	# bin/syrup runs ../node-agent/target/syrup.jar relative to itself: keep that layout.
	install -D -m 0755 "$2/bin/syrup" "$1/opt/syrup/bin/syrup"
	install -D -m 0644 "$jar" "$1/opt/syrup/node-agent/target/syrup.jar"
	mkdir -p "$1/usr/local/bin"
	ln -s /opt/syrup/bin/syrup "$1/usr/local/bin/syrup"
}
