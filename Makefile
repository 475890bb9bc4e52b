# zonectl's build, test and demo entry points. Everything here works on a
# fresh machine with Go installed, plus git, gpg (GnuPG 2.2+), zstd and gzip,
# which the tests use to check that what zonectl writes interoperates with
# stock tools, strace, jq, and OpenSSH (client and sshd), whose servers the
# tests start on loopback. check-tools says how to install what is missing;
# .ci/run installs it.

GO      ?= go
BIN     := bin/zonectl
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all build test vet fmt-check check-tools registry-deps browser-deps demo crash team bench bench-delta bench-transfer bench-scale fuzz clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/zonectl

# check-tools fails early, saying how to install what is missing, rather
# than letting a test fail obscurely half-way through.
check-tools:
	@command -v git >/dev/null 2>&1 || { echo "make: git is required; install it (Debian/Ubuntu: sudo apt-get install git)" >&2; exit 1; }
	@command -v gpg >/dev/null 2>&1 || { echo "make: gpg (GnuPG 2.2+) is required; install it (Debian/Ubuntu: sudo apt-get install gnupg)" >&2; exit 1; }
	@command -v zstd >/dev/null 2>&1 || { echo "make: zstd is required (the tests check compressed packages with it); install it (Debian/Ubuntu: sudo apt-get install zstd)" >&2; exit 1; }
	@command -v gzip >/dev/null 2>&1 || { echo "make: gzip is required (the tests tell its output from Go's); install it (Debian/Ubuntu: sudo apt-get install gzip)" >&2; exit 1; }
	@command -v strace >/dev/null 2>&1 || { echo "make: strace is required (the crash-point suite records each command's file-system steps with it); install it (Debian/Ubuntu: sudo apt-get install strace)" >&2; exit 1; }
	@command -v jq >/dev/null 2>&1 || { echo "make: jq is required (the CI example's check script turns diagnostics into annotations with it); install it (Debian/Ubuntu: sudo apt-get install jq)" >&2; exit 1; }
	@command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 || { echo "make: ssh and ssh-keygen are required (a Space's remote is reached over ssh in the tests); install them (Debian/Ubuntu: sudo apt-get install openssh-client)" >&2; exit 1; }
	@test -x /usr/sbin/sshd || { echo "make: /usr/sbin/sshd is required (the tests start their own sshd on loopback as a Git server); install it (Debian/Ubuntu: sudo apt-get install openssh-server)" >&2; exit 1; }
	@test -x "$$(git --exec-path)/git-daemon" || { echo "make: git daemon is required (the tests serve a central repository with it); install it (Debian/Ubuntu: it is part of git)" >&2; exit 1; }
	@command -v tmux >/dev/null 2>&1 || { echo "make: tmux is required (a test answers accept's prompts in a terminal it drives); install it (Debian/Ubuntu: sudo apt-get install tmux)" >&2; exit 1; }
	@command -v docker-registry >/dev/null 2>&1 || { echo "make: docker-registry is required (the tests start a real OCI registry on loopback); install it (Debian/Ubuntu: sudo apt-get install docker-registry), or run make registry-deps as root" >&2; exit 1; }

# registry-deps installs Debian's docker-registry (the CNCF distribution
# registry) when it is missing and this runs as root with apt-get; the
# tests start their own instances of it, on loopback, with a temporary
# configuration.
registry-deps:
	@command -v docker-registry >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry; }

fmt-check:
	@out=$$(gofmt -l *.go cmd hcl gitstore internal bench); if [ -n "$$out" ]; then echo "gofmt would change:" >&2; echo "$$out" >&2; exit 1; fi

vet:
	$(GO) vet ./...

# test runs the whole suite: unit tests, fixture tests, fuzz seeds, the
# end-to-end scripts in cmd/zonectl/testdata/script and the stock git/gpg
# interoperability tests.
#
# The browser test (cmd/zonectl/browser_test.go) opens the HTML dashboard
# in headless Chromium (chromium, chromium-browser or google-chrome on the
# PATH). When none is there and the test runs as root with apt-get, it
# installs Debian's chromium package itself; otherwise it fails, saying
# how to install it. browser-deps installs it up front.
test: registry-deps check-tools fmt-check vet
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race ./gitstore ./hcl/config ./internal/audit

browser-deps:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# demo runs the secure-environments example end to end in a temporary
# directory and prints the result. It never touches your own keys: the
# script points HOME and the key directory into the temporary directory.
demo: check-tools build
	@bash examples/secure-environments/demo.sh "$(CURDIR)/$(BIN)"

# crash runs the crash-point and concurrency suites (cmd/zonectl/crashtest)
# on their own, printing a summary line per command: each write command is
# killed before each of its file-system steps, and write commands race each
# other and stock git (docs/crash.md). make test runs them too, silently
# when they pass. Knobs, e.g. ZONECTL_CRASH_COMMANDS=import,accept or
# ZONECTL_CONC_RUNS=20, are in docs/crash.md.
crash: check-tools
	cd cmd/zonectl/crashtest && $(GO) test -count=1 -timeout 30m

# team runs a Space shared by four clones through a central repository on
# git daemon (cmd/zonectl/teamtest) for ZONECTL_TEAM_SECONDS (default 180
# here, 20 in make test), then checks that no event was lost, no sequence
# number or version used twice, and every clone shows the same dashboard.
ZONECTL_TEAM_SECONDS ?= 180
team: check-tools
	cd cmd/zonectl/teamtest && ZONECTL_TEAM_SECONDS=$(ZONECTL_TEAM_SECONDS) $(GO) test -count=1 -v -timeout 60m

# bench runs the Go benchmarks, which print a reference figure beside ours.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# bench-delta is the end-to-end comparison of internal/delta with zstd
# --patch-from, xdelta3 and an rsync batch on a generated ~200 MiB package
# (docs/bench.md). It is part of neither bench nor test: it needs those
# tools and takes a few minutes. When one is missing and make runs as root
# with apt-get, it installs Debian's package; otherwise it fails, saying how
# to install it. Pass flags with BENCH_DELTA_FLAGS, e.g.
# BENCH_DELTA_FLAGS='-size 1GiB -runs 3 -strict'.
BENCH_DELTA_FLAGS ?=
bench-delta:
	@missing=; for t in zstd xdelta3 rsync; do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "make: bench-delta needs$$missing; install (Debian/Ubuntu: sudo apt-get install$$missing)" >&2; exit 1; \
		fi; \
	fi
	$(GO) run ./bench/deltabench $(BENCH_DELTA_FLAGS)

# bench-transfer carries a generated package of TRANSFER_SIZE (4GiB by
# default) from one Space to another, whole and as a delta, and reports
# each command's time, peak memory and I/O beside sha256sum and cp, with
# PASS/FAIL against the targets in docs/store.md. It needs about six times
# TRANSFER_SIZE free under $$TMPDIR and takes minutes; it is not part of
# make test. TRANSFER_SIZE=256MiB is a quick run; TRANSFER_FLAGS=-strict
# makes a failed check fail the target.
#
# Its registry leg pushes a package of REGISTRY_SIZE (1GiB) to a store on
# a local docker-registry and pulls it into an empty cache, each beside
# sha256sum of the same bytes (target: at least half its speed, under
# 100 MiB); TRANSFER_FLAGS=-registry-only runs that leg alone.
TRANSFER_SIZE  ?= 4GiB
REGISTRY_SIZE  ?= 1GiB
TRANSFER_FLAGS ?=
bench-transfer: check-tools
	$(GO) run ./bench/transfer -size $(TRANSFER_SIZE) -registry-size $(REGISTRY_SIZE) $(TRANSFER_FLAGS)

# bench-scale grows a source and a target Space's ledgers to each of
# SCALE_EVENTS events and times deploy, release create, promote, import,
# dashboard and release list at each size (target: the largest within 1.3
# times the smallest), then audit beside git log of the same refs (target:
# within 5 times); then, in Spaces of SCALE_PROJECTS projects, release
# create, deploy and deploy --dry-run of one project beside a bare parse of
# the files it needs (target: 2 times, and flat in the number of
# projects), and validate, dashboard and fmt --check beside a bare parse of
# every file. It takes minutes;
# SCALE_FLAGS=-strict fails on a missed target, -leg history|config runs
# one leg.
SCALE_EVENTS   ?= 100,1000,10000
SCALE_PROJECTS ?= 100,1000,3000
SCALE_FLAGS    ?=
bench-scale:
	$(GO) run ./bench/scale -events $(SCALE_EVENTS) -projects $(SCALE_PROJECTS) $(SCALE_FLAGS)

# fuzz gives each fuzz target a short run beyond its seeds.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME) ./hcl/config
	$(GO) test -run '^$$' -fuzz FuzzSource -fuzztime $(FUZZTIME) ./hcl/format
	$(GO) test -run '^$$' -fuzz FuzzReadPublic -fuzztime $(FUZZTIME) ./internal/keys
	$(GO) test -run '^$$' -fuzz FuzzApply -fuzztime $(FUZZTIME) ./internal/delta
	$(GO) test -run '^$$' -fuzz FuzzRead -fuzztime $(FUZZTIME) ./internal/zbundle
	$(GO) test -run '^$$' -fuzz FuzzParseIndex -fuzztime $(FUZZTIME) ./internal/parts
	$(GO) test -run '^$$' -fuzz FuzzUnbundle -fuzztime $(FUZZTIME) ./gitstore/bundle

clean:
	rm -rf bin
