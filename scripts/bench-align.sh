#!/bin/sh
# Measures the aligner and prints the Markdown tables the README shows:
#  1. generated episodes with known truth (internal/cmd/alignbench; needs
#     espeak-ng, flite and lame); arguments go to alignbench
#     (e.g. -minutes 5 -long 0);
#  2. the real-speech episodes in ../shared/real-speech (or $REAL_SPEECH),
#     every episode × tier, with that set's measure.py; skipped when the set
#     is not there;
#  3. peak memory and time against the episode's length, and decode+features
#     CPU against ffmpeg's (scripts/bench-align-length.sh; $ALIGN_REPEATS).
set -eu
cd "$(dirname "$0")/.."
for tool in espeak-ng flite lame; do
	command -v "$tool" >/dev/null || { echo "bench-align: $tool is not installed" >&2; exit 1; }
done
go build -o bin/alignbench ./internal/cmd/alignbench
go build -o bin/podpipe ./cmd/podpipe
echo "## Generated episodes"
echo
bin/alignbench "$@"
real=${REAL_SPEECH:-../shared/real-speech}
echo
if [ -f "$real/measure.py" ] && command -v python3 >/dev/null; then
	echo "## Real speech ($real)"
	echo
	python3 "$real/measure.py" bin/podpipe --tiers none,pauses,tts
else
	echo "bench-align: no real-speech set at $real (measure.py); skipping it" >&2
fi
echo
echo "## Memory and time against length"
echo
scripts/bench-align-length.sh
