#!/bin/sh
# Measures the aligner on generated episodes with known truth and prints
# the Markdown table the README shows. Needs espeak-ng, flite and lame.
# Arguments go to internal/cmd/alignbench (e.g. -minutes 5 -long 0).
set -eu
cd "$(dirname "$0")/.."
for tool in espeak-ng flite lame; do
	command -v "$tool" >/dev/null || { echo "bench-align: $tool is not installed" >&2; exit 1; }
done
go build -o bin/alignbench ./internal/cmd/alignbench
exec bin/alignbench "$@"
