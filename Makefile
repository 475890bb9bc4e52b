# zonectl's build, test and demo entry points. Everything here works on a
# fresh machine with Go installed, plus git and gpg (GnuPG 2.2+), which the
# tests use to check that what zonectl writes interoperates with stock tools.

GO      ?= go
BIN     := bin/zonectl
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all build test vet fmt-check check-tools browser-deps demo bench bench-transfer fuzz clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/zonectl

# check-tools fails early, saying how to install what is missing, rather
# than letting a test fail obscurely half-way through.
check-tools:
	@command -v git >/dev/null 2>&1 || { echo "make: git is required; install it (Debian/Ubuntu: sudo apt-get install git)" >&2; exit 1; }
	@command -v gpg >/dev/null 2>&1 || { echo "make: gpg (GnuPG 2.2+) is required; install it (Debian/Ubuntu: sudo apt-get install gnupg)" >&2; exit 1; }

fmt-check:
	@out=$$(gofmt -l cmd hcl gitstore internal); if [ -n "$$out" ]; then echo "gofmt would change:" >&2; echo "$$out" >&2; exit 1; fi

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
test: check-tools fmt-check vet
	$(GO) test -count=1 ./...

browser-deps:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# demo runs the secure-environments example end to end in a temporary
# directory and prints the result. It never touches your own keys: the
# script points HOME and the key directory into the temporary directory.
demo: check-tools build
	@bash examples/secure-environments/demo.sh "$(CURDIR)/$(BIN)"

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# bench-transfer carries a generated package of TRANSFER_SIZE (4GiB by
# default) from one Space to another, whole and as a delta, and reports
# each command's time, peak memory and I/O beside sha256sum and cp, with
# PASS/FAIL against the targets in docs/store.md. It needs about six times
# TRANSFER_SIZE free under $$TMPDIR and takes minutes; it is not part of
# make test. TRANSFER_SIZE=256MiB is a quick run; TRANSFER_FLAGS=-strict
# makes a failed check fail the target.
TRANSFER_SIZE  ?= 4GiB
TRANSFER_FLAGS ?=
bench-transfer: check-tools
	$(GO) run ./bench/transfer -size $(TRANSFER_SIZE) $(TRANSFER_FLAGS)

# fuzz gives each fuzz target a short run beyond its seeds.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME) ./hcl/config
	$(GO) test -run '^$$' -fuzz FuzzSource -fuzztime $(FUZZTIME) ./hcl/format
	$(GO) test -run '^$$' -fuzz FuzzReadPublic -fuzztime $(FUZZTIME) ./internal/keys

clean:
	rm -rf bin
