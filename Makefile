# Syrup for Kubernetes: top-level entry points.
#   make demo   socket select at work: Linux's default vs example policies
#   make test   install what is missing, build native + Java, run every test
#   make build  build without testing
# Everything is installed on demand; Maven's cache lives in ~/.m2 (outside the tree).

MVN       ?= mvn -B -ntp -Dstyle.color=never
APT_PKGS  := clang llvm libbpf-dev bpftool iproute2 linux-libc-dev libelf-dev zlib1g-dev pkg-config make gcc ethtool libcjson-dev
BPFFS     := /sys/fs/bpf

.PHONY: all build native test deps bpffs clean
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

test: native bpffs
	@$(MAKE) --no-print-directory -C native check
	$(MVN) verify

clean:
	$(MAKE) -C native clean
	$(MVN) -q clean

# Benchmarks print their figures; results go in docs/benchmarks.md.
BENCH_PROPS := -Dsyrup.testapps=$(CURDIR)/native/build/testapps -Dsyrup.examples=$(CURDIR)/examples \
               -Dsyrup.bench.bpf=$(CURDIR)/bench/bpf

.PHONY: demo bench-dataplane
# Socket select at work on a 4-socket UDP server (the GET/SCAN experiment comes next).
demo: native bpffs
	$(MVN) -q -DskipTests install
	@$(MVN) -q -pl bench exec:java -Dexec.mainClass=dev.syrup.bench.SteeringDemo $(BENCH_PROPS)

bench-dataplane: native bpffs
	$(MVN) -q -DskipTests install
	$(MVN) -q -pl bench exec:java -Dexec.mainClass=dev.syrup.bench.DataPlaneCostBench $(BENCH_PROPS) \
	  -Dexec.args="$(or $(ROUNDS),7) $(or $(PACKETS),20000)"
