# The targets are the commands the README shows; the work is in Go and in
# scripts/.
GO ?= go
GOBIN := $(shell $(GO) env GOPATH)/bin
export PATH := $(PATH):$(GOBIN)

.PHONY: all build cross test test-short fuzz tools publish serve bench bench-align bench-mismatch clean

all: build

build:
	$(GO) build -o bin/podpipe ./cmd/podpipe

# Every test, with the race detector. Tools a test needs and cannot find
# make it skip locally and fail under CI=true. Then every reader of outside
# input is fuzzed for a few seconds (FUZZTIME each; FUZZTIME=0 skips it).
# testsum prints go test's usual lines (ok/FAIL per package, failures) and
# one line: how many tests were skipped and why, printed again last; its
# exit status is go test's.
FUZZTIME ?= 4s

test: tools cross
	$(GO) vet ./...
	@mkdir -p bin
	GO="$(GO)" TESTSUM_FILE=bin/skipped.txt $(GO) run ./internal/cmd/testsum -race -timeout 9m ./...
	@if [ "$(FUZZTIME)" != 0 ]; then GO="$(GO)" FUZZTIME="$(FUZZTIME)" scripts/fuzz.sh; fi
	@cat bin/skipped.txt

# podpipe builds for macOS and Windows too (mapping files, write-behind
# and locks have a Linux or Unix version and a plain one): check that it
# still does.
cross:
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null ./cmd/podpipe
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./cmd/podpipe

# Fuzz the readers for longer: make fuzz FUZZTIME=1m
fuzz:
	GO="$(GO)" FUZZTIME="$(FUZZTIME)" scripts/fuzz.sh

test-short:
	$(GO) test -short ./...

# The test tools installable with Go alone (versitygw), and the npm packages
# when npm is there.
tools:
	scripts/install-test-tools.sh

publish:
	$(GO) run ./cmd/podpipe publish show

serve:
	$(GO) run ./cmd/podpipe serve

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	scripts/bench-tag.sh
	scripts/bench-s3.sh
	scripts/bench-publish.sh
	scripts/bench-feed.sh
	scripts/bench-convert.sh
	scripts/bench-jobs.sh

bench-align:
	scripts/bench-align.sh

# Every transcript under every audio file of the sample show and the
# real-speech set: what the wrong-audio test decides (README, "Wrong audio").
bench-mismatch:
	scripts/bench-mismatch.sh

clean:
	rm -rf bin public
