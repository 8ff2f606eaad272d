#!/usr/bin/env bash
# Measures podpipe's MP3 duration probe and chapter tagging on a generated
# MP3 (500 MiB by default) beside cp, ffmpeg and mutagen doing the same job,
# with /usr/bin/time -v for wall time and peak memory, and prints ratios.
#
#   scripts/bench-tag.sh            # 500 MiB, 20 chapters
#   MB=100 CHAPTERS=50 RUNS=5 scripts/bench-tag.sh
#
# Each measurement is the fastest of $RUNS runs (default 3).
#
# The files go to $BENCH_DIR (default /tmp/podpipe-bench) and are removed at
# the end unless KEEP=1. Tools that are missing (ffmpeg, ffprobe, a python3
# with mutagen) are left out of the table. Every run reads a file already
# in the page cache (it is read once first), so that the disk does not
# decide: the numbers compare the work each tool does.
set -euo pipefail

MB=${MB:-500}
CHAPTERS=${CHAPTERS:-20}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/podpipe-bench}
cd "$(dirname "$0")/.."
mkdir -p "$DIR"
trap '[ "${KEEP:-0}" = 1 ] || rm -f "$DIR"/*.mp3 "$DIR"/*.ffmeta "$DIR"/*.py' EXIT

if [ ! -x /usr/bin/time ]; then
	echo "bench-tag: /usr/bin/time is missing (Debian package time)" >&2
	exit 1
fi
go build -o "$DIR/tagbench" ./internal/cmd/tagbench
TB="$DIR/tagbench"

echo "generating $MB MiB MP3s (with and without an Info header)..."
"$TB" gen -mb "$MB" -header Info "$DIR/in.mp3" 2>/dev/null
"$TB" gen -mb "$MB" -header none "$DIR/in-noinfo.mp3" 2>/dev/null
cat "$DIR/in.mp3" "$DIR/in-noinfo.mp3" >/dev/null

declare -A SECS RSS INNER
ORDER=()
# measure NAME CMD...: runs CMD $RUNS times under /usr/bin/time -v and
# keeps the fastest wall time and the largest peak RSS (MiB): the machine
# may be busy with other work, and the fastest run is the one it disturbed
# least. $PREP, when set, is run (untimed) before each run.
measure() {
	local name=$1 run best="" rss=0 inner=""
	shift
	for ((run = 0; run < RUNS; run++)); do
		if [ -n "${PREP:-}" ]; then eval "$PREP"; fi
		if ! /usr/bin/time -v -o "$DIR/time.txt" "$@" >"$DIR/out.txt" 2>"$DIR/err.txt"; then
			echo "bench-tag: $name failed:" >&2
			cat "$DIR/err.txt" "$DIR/time.txt" >&2
			exit 1
		fi
		local secs mib
		secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
			n = split($2, p, ":"); s = 0
			for (i = 1; i <= n; i++) s = s * 60 + p[i]
			printf "%.3f", s }' "$DIR/time.txt")
		mib=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$DIR/time.txt")
		if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$secs
			# tagbench reports its own time: /usr/bin/time counts centiseconds.
			inner=$(sed -n 's/^\(probe\|tag\|retag\): //p' "$DIR/err.txt")
		fi
		if awk -v a="$mib" -v b="$rss" 'BEGIN { exit !(a > b) }'; then rss=$mib; fi
	done
	SECS[$name]=$best
	RSS[$name]=$rss
	INNER[$name]=$inner
	ORDER+=("$name")
}

rm -f "$DIR"/out-*.mp3
# Each copy is written to a new file (its old one removed untimed): the
# time is the copy's, not that of freeing the previous run's blocks.
PREP='rm -f "$DIR/out-cp.mp3"' measure "cp (the floor)" cp "$DIR/in.mp3" "$DIR/out-cp.mp3"
# podpipe fsyncs the published copy before the rename: the fair floor is a
# copy that is synced too.
PREP='rm -f "$DIR/out-cpsync.mp3"' measure "cp + fsync (a durable copy)" sh -c 'cp "$1" "$2" && sync "$2"' sh "$DIR/in.mp3" "$DIR/out-cpsync.mp3"
measure "podpipe probe, Info header" "$TB" probe "$DIR/in.mp3"
measure "podpipe probe, frame scan" "$TB" probe "$DIR/in-noinfo.mp3"
PREP='rm -f "$DIR/out-podpipe.mp3"' measure "podpipe tagged copy" "$TB" tag -chapters "$CHAPTERS" "$DIR/in.mp3" "$DIR/out-podpipe.mp3"
measure "podpipe retag in place" "$TB" retag -chapters "$((CHAPTERS + 1))" "$DIR/out-podpipe.mp3"

if command -v ffprobe >/dev/null; then
	measure "ffprobe -count_packets, no header" ffprobe -v error -count_packets -select_streams a:0 \
		-show_entries stream=nb_read_packets -of csv=p=0 "$DIR/in-noinfo.mp3"
fi
if command -v ffmpeg >/dev/null; then
	"$TB" ffmeta -chapters "$CHAPTERS" "$DIR/in.mp3" >"$DIR/chapters.ffmeta" 2>/dev/null
	PREP='rm -f "$DIR/out-ffmpeg.mp3"' measure "ffmpeg -codec copy" ffmpeg -y -v error -i "$DIR/in.mp3" -i "$DIR/chapters.ffmeta" \
		-map_metadata 1 -map_chapters 1 -id3v2_version 3 -codec copy "$DIR/out-ffmpeg.mp3"
fi
PY=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import mutagen.id3' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -n "$PY" ]; then
	"$TB" mutagen -chapters "$CHAPTERS" "$DIR/in.mp3" >"$DIR/chapters.py" 2>/dev/null
	PREP='cp "$DIR/in.mp3" "$DIR/out-mutagen.mp3"' \
		measure "mutagen insert in place (after a cp)" "$PY" "$DIR/chapters.py" "$DIR/out-mutagen.mp3"
fi

echo
echo "$MB MiB MP3, $CHAPTERS chapters ($(nproc) cores)"
printf '%-40s %8s %7s %14s %9s  %s\n' "what" "seconds" "× cp" "× cp+fsync" "peak MiB" "time inside tagbench"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
cp_secs=${SECS["cp (the floor)"]}
sync_secs=${SECS["cp + fsync (a durable copy)"]}
for name in "${ORDER[@]}"; do
	printf '%-40s %8s %7s %14s %9s  %s\n' "$name" "${SECS[$name]}" "$(ratio "${SECS[$name]}" "$cp_secs")" \
		"$(ratio "${SECS[$name]}" "$sync_secs")" "${RSS[$name]}" "${INNER[$name]:-}"
done
echo "(/usr/bin/time counts centiseconds: 0.00 means under 10 ms)"
