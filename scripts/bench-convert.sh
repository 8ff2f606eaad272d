#!/usr/bin/env bash
# Measures `podpipe transcript convert` WebVTT -> SRT on a generated file
# of $CUES cues (20,000 by default) beside `ffmpeg -i x.vtt x.srt` and
# webvtt-py, and SRT read and written again beside pysrt (which reads no
# WebVTT), the Python peers when /usr/bin/python3 has them. Each tool's
# row is its run of $RUNS (default 5) with the least CPU time under
# /usr/bin/time -v, with its wall time and peak memory; the last column is
# a peer's CPU time over podpipe's for the same job (above 1: podpipe is
# faster).
#
#   scripts/bench-convert.sh
#   CUES=100000 RUNS=3 scripts/bench-convert.sh
set -euo pipefail

CUES=${CUES:-20000}
RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-/tmp/podpipe-bench-convert}
cd "$(dirname "$0")/.."
rm -rf "$DIR" && mkdir -p "$DIR"
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"' EXIT

if [ ! -x /usr/bin/time ]; then
	echo "bench-convert: /usr/bin/time is missing (Debian package time)" >&2
	exit 1
fi
go build -o "$DIR/podpipe" ./cmd/podpipe
python3 - "$CUES" "$DIR/in.vtt" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
def ts(ms):
    return "%02d:%02d:%02d.%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)
with open(out, "w", encoding="utf-8") as f:
    f.write("WEBVTT\n\n")
    for i in range(n):
        s = i * 2500
        f.write("%d\n%s --> %s\n<v 講者%d>第 %d 句：平均延遲看起來很健康，使用者卻還是在抱怨。\n\n" % (i + 1, ts(s), ts(s + 2400), i % 3, i + 1))
PY
printf 'input: %s cues, %s bytes\n' "$CUES" "$(stat -c %s "$DIR/in.vtt")"

# The Python peers are Debian's python3-webvtt and python3-pysrt, for the
# system's python3.
PY=${PYTHON:-/usr/bin/python3}

# measure NAME JOB CMD...: the run of $RUNS with the least CPU time
# (user + sys: on a shared machine wall time says more about the others),
# its wall time and its peak memory; JOB is the conversion, for the ratio
# to the podpipe row of the same job.
printf '%-10s %-10s %7s %7s %8s %s\n' tool job "CPU s" "wall s" "peak MiB" "peer CPU / podpipe CPU"
measure() {
	local name=$1 job=$2 best="" bwall="" rss=""
	shift 2
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -v -o "$DIR/time.txt" "$@" >/dev/null 2>&1 || { echo "$name: failed"; return; }
		out=$(cat "$DIR/time.txt")
		wall=$(awk -F': ' '/Elapsed/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' <<<"$out")
		cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' <<<"$out")
		r=$(awk -F': ' '/Maximum resident/ {print int($2/1024)}' <<<"$out")
		if [ -z "$best" ] || awk "BEGIN{exit !($cpu < $best)}"; then best=$cpu bwall=$wall rss=$r; fi
	done
	local key="T_${job//[^a-z]/_}"
	if [ "$name" = podpipe ]; then
		eval "$key=$best"
		printf '%-10s %-10s %7.2f %7.2f %8d\n' "$name" "$job" "$best" "$bwall" "$rss"
	else
		awk -v n="$name" -v j="$job" -v t="$best" -v w="$bwall" -v r="$rss" -v p="${!key}" 'BEGIN{printf "%-10s %-10s %7.2f %7.2f %8d %.2f\n", n, j, t, w, r, (p > 0 ? t/p : 0)}'
	fi
}

measure podpipe vtt-to-srt "$DIR/podpipe" transcript convert --to srt "$DIR/in.vtt" -o "$DIR/podpipe.srt"
if command -v ffmpeg >/dev/null; then
	measure ffmpeg vtt-to-srt ffmpeg -y -loglevel error -i "$DIR/in.vtt" "$DIR/ffmpeg.srt"
else
	echo "ffmpeg: not installed"
fi
if "$PY" -c 'import webvtt' 2>/dev/null; then
	measure webvtt-py vtt-to-srt "$PY" -c 'import sys, webvtt; webvtt.read(sys.argv[1]).save_as_srt(sys.argv[2])' "$DIR/in.vtt" "$DIR/webvtt.srt"
else
	echo "webvtt-py: not installed (Debian: python3-webvtt)"
fi
# pysrt reads no WebVTT: its row and podpipe's are SRT read and written
# again. Debian's pysrt 1.0.1 opens files in a mode Python 3.11 refuses,
# so it is handed the text.
measure podpipe srt-to-srt "$DIR/podpipe" transcript convert --to srt "$DIR/podpipe.srt" -o "$DIR/podpipe2.srt"
if "$PY" -c 'import pysrt' 2>/dev/null; then
	measure pysrt srt-to-srt "$PY" -c 'import sys, pysrt; pysrt.from_string(open(sys.argv[1], encoding="utf-8").read()).save(sys.argv[2], encoding="utf-8")' "$DIR/podpipe.srt" "$DIR/pysrt.srt"
else
	echo "pysrt: not installed (Debian: python3-pysrt)"
fi
