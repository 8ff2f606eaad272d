#!/bin/sh
# Aligns every transcript of the sample show and of the real-speech set
# (../shared/real-speech, or $REAL_SPEECH) to every audio file, and prints
# the wrong-audio test's matrix: the content test's t for every pair, what
# the aligner decides (on the speech rate, the content test, or a doubtful
# content test with a music cue off music), the distributions for correct
# and wrong pairs and how much music lies under the cues (the README's
# "Wrong audio"). Needs espeak-ng. The first run aligns 81
# pairs (some minutes of CPU; the 30-minute episode most of it); results
# are cached in $PODPIPE_MISMATCH_CACHE (default: the user cache dir), so
# a second run prints at once.
set -eu
cd "$(dirname "$0")/.."
command -v espeak-ng >/dev/null || { echo "bench-mismatch: espeak-ng is not installed" >&2; exit 1; }
real=${REAL_SPEECH:-../shared/real-speech}
[ -d "$real" ] || echo "bench-mismatch: no real-speech set at $real; the sample show only" >&2
REAL_SPEECH=$(cd "$real" 2>/dev/null && pwd || echo "$real") PODPIPE_MISMATCH_BENCH=1 \
	nice go test ./align -run '^TestMismatchMatrix$' -count=1 -v -timeout 2h |
	sed -n '/content test t/,/^--- /{/^--- /d;s/^        //;p}'
