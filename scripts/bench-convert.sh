#!/usr/bin/env bash
# Measures `podpipe transcript convert` WebVTT -> SRT on a generated file
# of $CUES cues (20,000 by default) beside `ffmpeg -i x.vtt x.srt` and
# webvtt-py, and SRT read and written again beside pysrt (which reads no
# WebVTT), the Python peers when /usr/bin/python3 has them. Each tool runs
# $RUNS times (default 5), the tools taking turns; its row is its run with
# the least CPU time under /usr/bin/time -v, with its wall time and peak
# memory; the last column is
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

# The rows: NAME JOB FUNCTION, where FUNCTION sets CMD to the command
# line that runs the tool once (run as it is, not through a shell, so
# that only the tool is timed). JOB is the conversion, for the ratio to
# the podpipe row of the same job.
ROWS=()
podpipe_vtt() { CMD=("$DIR/podpipe" transcript convert --to srt "$DIR/in.vtt" -o "$DIR/podpipe.srt"); }
ROWS+=("podpipe vtt-to-srt podpipe_vtt")
ffmpeg_vtt() { CMD=(ffmpeg -y -loglevel error -i "$DIR/in.vtt" "$DIR/ffmpeg.srt"); }
if command -v ffmpeg >/dev/null; then
	ROWS+=("ffmpeg vtt-to-srt ffmpeg_vtt")
else
	echo "ffmpeg: not installed"
fi
webvtt_vtt() { CMD=("$PY" -c 'import sys, webvtt; webvtt.read(sys.argv[1]).save_as_srt(sys.argv[2])' "$DIR/in.vtt" "$DIR/webvtt.srt"); }
if "$PY" -c 'import webvtt' 2>/dev/null; then
	ROWS+=("webvtt-py vtt-to-srt webvtt_vtt")
else
	echo "webvtt-py: not installed (Debian: python3-webvtt)"
fi
# pysrt reads no WebVTT: its row and podpipe's are SRT read and written
# again. Debian's pysrt 1.0.1 opens files in a mode Python 3.11 refuses,
# so it is handed the text.
podpipe_srt() { CMD=("$DIR/podpipe" transcript convert --to srt "$DIR/podpipe.srt" -o "$DIR/podpipe2.srt"); }
ROWS+=("podpipe srt-to-srt podpipe_srt")
pysrt_srt() { CMD=("$PY" -c 'import sys, pysrt; pysrt.from_string(open(sys.argv[1], encoding="utf-8").read()).save(sys.argv[2], encoding="utf-8")' "$DIR/podpipe.srt" "$DIR/pysrt.srt"); }
if "$PY" -c 'import pysrt' 2>/dev/null; then
	ROWS+=("pysrt srt-to-srt pysrt_srt")
else
	echo "pysrt: not installed (Debian: python3-pysrt)"
fi

# The runs are interleaved, every row once per round, so that the load
# of a shared machine falls on all of them alike. Each row keeps the run
# with the least CPU time (user + sys: on a shared machine wall time says
# more about the others), its wall time and its peak memory.
declare -A BEST WALL RSS
for _ in $(seq "$RUNS"); do
	for row in "${ROWS[@]}"; do
		read -r name job fn <<<"$row"
		key="$name/$job"
		[ "${BEST[$key]:-}" = failed ] && continue
		"$fn"
		if ! /usr/bin/time -v -o "$DIR/time.txt" "${CMD[@]}" >/dev/null 2>&1; then
			BEST[$key]=failed
			continue
		fi
		out=$(cat "$DIR/time.txt")
		wall=$(awk -F': ' '/Elapsed/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' <<<"$out")
		cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' <<<"$out")
		r=$(awk -F': ' '/Maximum resident/ {print int($2/1024)}' <<<"$out")
		if [ -z "${BEST[$key]:-}" ] || awk "BEGIN{exit !($cpu < ${BEST[$key]})}"; then
			BEST[$key]=$cpu WALL[$key]=$wall RSS[$key]=$r
		fi
	done
done

printf '%-10s %-10s %7s %7s %8s %s\n' tool job "CPU s" "wall s" "peak MiB" "peer CPU / podpipe CPU"
for row in "${ROWS[@]}"; do
	read -r name job _ <<<"$row"
	key="$name/$job"
	if [ "${BEST[$key]}" = failed ]; then
		echo "$name $job: failed"
		continue
	fi
	p=${BEST[podpipe/$job]:-0}
	[ "$p" = failed ] && p=0
	awk -v n="$name" -v j="$job" -v t="${BEST[$key]}" -v w="${WALL[$key]}" -v r="${RSS[$key]}" -v p="$p" 'BEGIN{
		printf "%-10s %-10s %7.2f %7.2f %8d", n, j, t, w, r
		if (n != "podpipe") printf " %.2f", (p > 0 ? t/p : 0)
		printf "\n"}'
done
