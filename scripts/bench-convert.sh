#!/usr/bin/env bash
# Measures `podpipe transcript convert` WebVTT -> SRT on a generated file
# of $CUES cues (20,000 by default) beside `ffmpeg -i x.vtt x.srt`, and
# pysrt / webvtt-py when python3 has them. Each tool's time is the fastest
# of $RUNS runs (default 5) under /usr/bin/time -v, with its peak memory.
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

# measure NAME CMD...: the fastest of $RUNS runs, and its peak memory.
measure() {
	local name=$1 best="" rss=""
	shift
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -v -o "$DIR/time.txt" "$@" >/dev/null 2>&1 || { echo "$name: failed"; return; }
		out=$(cat "$DIR/time.txt")
		wall=$(awk -F': ' '/Elapsed/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' <<<"$out")
		r=$(awk -F': ' '/Maximum resident/ {print int($2/1024)}' <<<"$out")
		if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall rss=$r; fi
	done
	printf '%-12s %6.3f s  %4d MiB\n' "$name" "$best" "$rss"
	eval "T_${name//-/_}=$best"
}

measure podpipe "$DIR/podpipe" transcript convert --to srt "$DIR/in.vtt" -o "$DIR/podpipe.srt"
if command -v ffmpeg >/dev/null; then
	measure ffmpeg ffmpeg -y -loglevel error -i "$DIR/in.vtt" "$DIR/ffmpeg.srt"
fi
if python3 -c 'import webvtt' 2>/dev/null; then
	measure webvtt-py python3 -c 'import sys, webvtt; webvtt.read(sys.argv[1]).save_as_srt(sys.argv[2])' "$DIR/in.vtt" "$DIR/webvtt.srt"
fi
for peer in ffmpeg webvtt_py; do
	v="T_$peer"
	if [ -n "${!v:-}" ]; then
		awk -v p="${!v}" -v q="$T_podpipe" -v n="$peer" 'BEGIN{printf "podpipe is %.2fx as fast as %s\n", p/q, n}'
	fi
done
