# Syrup for Kubernetes: top-level entry points.
#   make demo   the paper's GET/SCAN experiment: Linux's default vs policies, table and plot
#   make demo-k8s  the same on Kubernetes: a local one-node cluster, the chart, the example policies
#   make demo-afxdp  the xdp-socket hook: an AF_XDP server's packets per worker, kernel default vs policies
#   make test   install what is missing, build native + Java, run every test
#   make build  build without testing
#   make images the chart's container images as archives in build/images (helm/images/README.md)
# Everything is installed on demand; Maven's cache lives in ~/.m2 (outside the tree).

MVN       ?= mvn -B -ntp -Dstyle.color=never
APT_PKGS  := clang llvm libbpf-dev libxdp-dev bpftool iproute2 linux-libc-dev libelf-dev zlib1g-dev pkg-config make gcc ethtool libcjson-dev \
             bubblewrap util-linux \
             qemu-system-x86 busybox-static \
             mmdebstrap jq podman runc
BPFFS     := /sys/fs/bpf

.PHONY: all build native test deps bpffs clean k8s-binaries crds images
all: build

# Debian packages the native build and the tests need; installed only when missing.
deps:
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo ">> installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# Pinned programs and maps live in bpffs, which a fresh machine may not have mounted.
bpffs:
	@mountpoint -q $(BPFFS) || { echo ">> mounting bpffs at $(BPFFS)"; mount -t bpf bpf $(BPFFS); }

native: deps
	@$(MAKE) --no-print-directory -C native

build: native
	$(MVN) -q -DskipTests package

# The Kubernetes binaries (control plane, kubelet, kube-proxy, kubectl), etcd and helm for the
# Kubernetes tests and the local cluster, built once from the Go module proxy and cached outside
# the tree (~10 min cold).
k8s-binaries:
	@src/test/k8s/build-binaries.sh >/dev/null

# Debian's nginx and its stream module, unpacked (not installed) in ~/.cache/syrup/debian: the real
# multi-process UDP server node-agent's DebianNginxTest follows through reloads and restarts.
.PHONY: debian-servers
debian-servers:
	@src/test/debian/fetch-nginx.sh >/dev/null

# The chart's images, built without a container engine or registry: build/images/syrup-{agent,operator}-<appVersion>.tar.
# The Debian base layer is cached in ~/.cache/syrup/images (a few minutes cold); an archive is rewritten when its
# content changed.
images: native
	@echo ">> images: packaging the agent and the operator"
	@$(MVN) -q -DskipTests package -pl node-agent,operator -am
	@helm/images/build.sh

# The Kubernetes binaries (a CPU-bound go build) and the images (mostly Debian downloads when cold)
# are made side by side: on a fresh machine that saves the shorter of the two.
test: native bpffs
	@$(MAKE) --no-print-directory -j2 k8s-binaries images debian-servers
	@$(MAKE) --no-print-directory -C native check
	$(MVN) verify

# Refresh the chart's CRDs from the Java model in crds/ (CrdsUpToDateTest fails while they differ).
crds:
	$(MVN) -q -pl crds -am -DskipTests package
	cp crds/target/crds/*.yml helm/syrup/crds/

# The chart's end-to-end test on a local one-node cluster (kubelet + containerd) alone; make test runs it too.
.PHONY: test-cluster
test-cluster: native bpffs k8s-binaries images
	$(MVN) verify -pl src/test -am -Dtest=HelmUserPathTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs

# The Kubernetes demo: a local one-node cluster (kubelet, containerd, CNI bridge; pods' traffic stays on
# this machine), the chart installed with helm, the example server and policies, datagrams per socket
# under Linux's default and the policies. The cluster stays up; demo-k8s-down (or Ctrl-C) tears it down.
CHART_APP_VERSION = $(shell sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$$/\1/p' helm/syrup/Chart.yaml)
.PHONY: demo-k8s demo-k8s-down
demo-k8s: bpffs k8s-binaries images
	@src/test/k8s/cluster/demo.sh build/images/syrup-agent-$(CHART_APP_VERSION).tar \
	  build/images/syrup-operator-$(CHART_APP_VERSION).tar

demo-k8s-down:
	@src/test/k8s/cluster/down.sh

clean:
	$(MAKE) -C native clean
	$(MVN) -q clean

# Benchmarks print their figures; results go in docs/benchmarks.md.
BENCH_PROPS := -Dsyrup.testapps=$(CURDIR)/native/build/testapps -Dsyrup.examples=$(CURDIR)/examples \
               -Dsyrup.bench.bpf=$(CURDIR)/bench/bpf

DEMO_OUT  ?= $(CURDIR)/build/demo

.PHONY: demo demo-steering bench-dataplane
# The paper's experiment: GET/SCAN on a 4-worker UDP key-value server, Linux's default vs policies,
# interleaved at each load and the sweep repeated; medians with their range, and how busy the machine was.
# Knobs: SCAN=0.1 (fraction) POINT_SECONDS=3 LOADS=0.3,0.45,0.6,0.75,0.85 (of measured capacity) REPS=3
# GENERATOR=native (the C load generator, native/testapps/getscan_load.c: about half the CPU per request) or java.
# The bench jar is self-contained: packaging it with the modules it needs is enough (no mvn install).
demo: native bpffs
	@echo ">> building (mvn package -pl bench -am)"
	@$(MVN) -q -DskipTests package -pl bench -am
	@java -cp $(CURDIR)/bench/target/syrup-bench.jar -Dsyrup.examples=$(CURDIR)/examples -Dsyrup.demo.out=$(DEMO_OUT) \
	  $(if $(SCAN),-Dsyrup.demo.scanFraction=$(SCAN)) $(if $(POINT_SECONDS),-Dsyrup.demo.pointSeconds=$(POINT_SECONDS)) \
	  $(if $(LOADS),-Dsyrup.demo.loads=$(LOADS)) $(if $(REPS),-Dsyrup.demo.reps=$(REPS)) \
	  -Dsyrup.demo.generator=$(or $(GENERATOR),native) -Dsyrup.testapps=$(CURDIR)/native/build/testapps \
	  dev.syrup.bench.demo.GetScanDemo

# Socket select at work on a 4-socket server: Linux's hash vs example policies, datagram counts.
demo-steering: native bpffs
	$(MVN) -q -DskipTests install
	@$(MVN) -q -pl bench exec:java -Dexec.mainClass=dev.syrup.bench.SteeringDemo $(BENCH_PROPS)

# Per-packet cost of socket select (kernel BPF statistics) and xdp-cpu (BPF_PROG_TEST_RUN) against bare programs.
bench-dataplane: native bpffs
	$(MVN) -q -pl bench -am package -DskipTests
	@java -cp $(CURDIR)/bench/target/syrup-bench.jar $(BENCH_PROPS) dev.syrup.bench.DataPlaneCostBench \
	  $(or $(ROUNDS),7) $(or $(PACKETS),20000) $(or $(REPEAT),1000000)

# Per-packet cost of xdp-socket (BPF_PROG_TEST_RUN, XSKMAP redirect to 4 AF_XDP sockets) against a bare program.
# The xdp-socket hook on an AF_XDP server of 4 workers (all sockets on queue 0): packets per worker under
# the kernel's default (XSKMAP by queue id), round robin and a first-byte policy. Under a minute; cleans up.
.PHONY: demo-afxdp
demo-afxdp: native bpffs
	$(MVN) -q -pl bench -am package -DskipTests
	@java -cp $(CURDIR)/bench/target/syrup-bench.jar $(BENCH_PROPS) dev.syrup.bench.AfXdpDemo

# Packets/s an AF_XDP server receives on 4 sockets of one queue (veth, copy mode): kernel default vs round robin.
.PHONY: bench-xdp-socket-rate
bench-xdp-socket-rate: native bpffs
	$(MVN) -q -pl bench -am package -DskipTests
	@java -cp $(CURDIR)/bench/target/syrup-bench.jar $(BENCH_PROPS) dev.syrup.bench.XdpSocketRateBench \
	  $(or $(ROUNDS),5) $(or $(PACKETS),200000) $(or $(SENDERS),2)

.PHONY: bench-xdp-socket
bench-xdp-socket: native bpffs
	$(MVN) -q -pl bench -am package -DskipTests
	@java -cp $(CURDIR)/bench/target/syrup-bench.jar $(BENCH_PROPS) dev.syrup.bench.XdpSocketCostBench \
	  $(or $(ROUNDS),7) $(or $(REPEAT),1000000)

# A socket-select deployment following a restarted server: bind -> steered (p50/p99) with the bind
# watcher, ready -> attached with it and with the 2 s rescan alone, and the watcher's cost to binds.
# Knobs: ROUNDS=50 RESCAN_ROUNDS=10.
.PHONY: bench-follow
bench-follow: native bpffs
	@$(MVN) -q -DskipTests package
	@java -cp $(CURDIR)/bench/target/syrup-bench.jar $(BENCH_PROPS) dev.syrup.bench.FollowBench \
	  $(or $(ROUNDS),50) $(or $(RESCAN_ROUNDS),10)

# Compile + object inspection time per example policy and hook (clang, then the inspector), medians.
.PHONY: bench-compile
bench-compile: native
	$(MVN) -q -pl bench -am package -DskipTests
	@java -cp $(CURDIR)/bench/target/syrup-bench.jar -Dsyrup.examples=$(CURDIR)/examples \
	  dev.syrup.bench.CompileInspectBench $(or $(ROUNDS),5)

# Policy applied (SchedulingPolicyNode written) -> attached on the node, warm and cold compile cache.
.PHONY: bench-agent
bench-agent: native bpffs k8s-binaries
	@$(MVN) -q -pl node-agent -am verify -Dtest=AttachLatencyBench -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dsyrup.bench.attachRuns=$(or $(RUNS),20) | grep -a 'ATTACH '

# What an idle syrupd costs: RSS and CPU over SECONDS (default 60) seconds, with its own socket, state and pins;
# DEPLOYED=1: with one socket-select deployment on a local UDP server (the follower at rest counted too).
.PHONY: bench-agent-idle
bench-agent-idle: native bpffs
	@$(MVN) -q -DskipTests package -pl node-agent -am
	@DEPLOYED=$(DEPLOYED) bench/agent-idle.sh $(or $(SECONDS),60)

# The demo's sweep with longer points and more repetitions, for docs/benchmarks.md (about 17 min).
.PHONY: bench-getscan
# (The loads are a variable: a literal list inside $(or ...) would be split at its commas.)
BENCH_GETSCAN_LOADS := 0.1,0.25,0.4,0.55,0.7,0.85
bench-getscan:
	@$(MAKE) --no-print-directory demo POINT_SECONDS=$(or $(POINT_SECONDS),8) REPS=$(or $(REPS),5) \
	  LOADS=$(or $(LOADS),$(BENCH_GETSCAN_LOADS)) DEMO_OUT=$(CURDIR)/build/bench-getscan

# The same experiment as a queueing model (no machine: no CPU, wake-up or network cost): the GET p99 that
# waiting behind other requests alone gives each policy, i.e. the best any implementation of it can do here.
# Knobs (rps, not fractions): MODEL_RPS=4800,7200,9600,12000,13600 REPS=5 SECONDS=20.
.PHONY: bench-getscan-model
bench-getscan-model:
	@$(MVN) -q -DskipTests package -pl bench -am
	@java -cp $(CURDIR)/bench/target/syrup-bench.jar $(if $(MODEL_RPS),-Dsyrup.model.rps=$(MODEL_RPS)) \
	  $(if $(REPS),-Dsyrup.model.reps=$(REPS)) $(if $(SECONDS),-Dsyrup.model.seconds=$(SECONDS)) \
	  dev.syrup.bench.model.GetScanModel

# The thread hook's affinity backend under CPU contention: GET p99 with and without a thread policy,
# with the server registering its worker threads only, and the backend's event-to-decision latency.
# Knobs: RATE=3000 SECONDS=8 ROUNDS=5.
.PHONY: bench-thread
bench-thread: native bpffs
	@$(MVN) -q -DskipTests package
	@java -cp $(CURDIR)/bench/target/syrup-bench.jar $(BENCH_PROPS) -Dsyrup.bench.out=$(CURDIR)/build/bench-thread \
	  $(if $(RATE),-Dsyrup.bench.rate=$(RATE)) $(if $(SECONDS),-Dsyrup.bench.seconds=$(SECONDS)) \
	  $(if $(ROUNDS),-Dsyrup.bench.rounds=$(ROUNDS)) dev.syrup.bench.demo.ThreadContentionBench

# Control plane scale: NODES Node objects and PODS annotated pods (default 1000 / 10000) in a real API server,
# the packaged operator as its chart service account; prints time to correct node objects, heap, API requests.
# OPERATOR_JAR=path/to/quarkus-run.jar runs another build of the operator instead (a baseline, same machine and hour).
.PHONY: bench-operator
bench-operator: native k8s-binaries
	$(MVN) -q -pl operator -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dit.test=ControlPlaneScaleBenchIT \
	  $(if $(NODES),-Dsyrup.bench.nodes=$(NODES)) $(if $(PODS),-Dsyrup.bench.pods=$(PODS)) \
	  $(if $(OPERATOR_JAR),-Dsyrup.operator.jar=$(abspath $(OPERATOR_JAR)))
	@cat operator/target/bench-control-plane.txt
