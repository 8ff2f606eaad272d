#!/usr/bin/env bash
# Measures what publishing a large episode costs against the copies and
# uploads it cannot beat, as ratios of interleaved runs (each round runs
# every row of its loop once, so a busy spell of the machine hits them all;
# the ratio quoted is the median of the rounds' own ratios, which a drift
# of the machine's speed between rounds does not move):
#
#   local publish   `podpipe publish episode --align none` of a 500 MiB MP3
#                   to a local store, against `cp` + `sync` of the MP3
#   tagged copy     podpipe's durable tagged copy (tagbench tag: tag,
#                   audio, fsync, rename), against `cp` + `sync` and
#                   against `cp` + mutagen's CHAP/CTOC insert + `sync`
#   S3 publish      the same publish to versitygw on loopback, against the
#                   raw upload of the MP3 by the aws CLI (when installed)
#                   and by podpipe's own store (internal/cmd/s3bench, a
#                   plain Put from the file)
#   S3 republish    the same publish again into an emptied bucket, the
#                   audio's sum remembered by the publish before (as
#                   for a republish after a chapter fix)
#
# Every publish but the republish starts from an empty cache folder
# (XDG_CACHE_HOME): a first publish, which reads the audio to hash it.
#
#	scripts/bench-publish.sh             # 500 MiB, 9 rounds
#	MB=100 RUNS=3 scripts/bench-publish.sh
#	BEFORE=/tmp/old/podpipe RUNS=3 scripts/bench-publish.sh
#
# BEFORE names another podpipe binary (an older build): both publishes
# are then run with it too, in the same rounds, and compared with this
# one's.
#
# Each row's time is its median; the CPU time (user and system, of the
# command and its children; for S3, the client's only) is shown beside it. Files go to $BENCH_DIR (default
# /tmp/podpipe-bench-publish), removed at the end. Every run starts with the
# MP3 in the page cache and its output removed (untimed), so a run does
# not pay for freeing the blocks of the previous one.
set -euo pipefail

MB=${MB:-500}
RUNS=${RUNS:-9}
CHAPTERS=${CHAPTERS:-20}
DIR=${BENCH_DIR:-/tmp/podpipe-bench-publish}
cd "$(dirname "$0")/.."
root=$(pwd)
mkdir -p "$DIR"
export XDG_CACHE_HOME=$DIR/cache
vgw_pid=
shm_dir= # the server's folder in memory, when the script made one
cleanup() {
	if [ -n "$vgw_pid" ]; then kill "$vgw_pid" 2>/dev/null && wait "$vgw_pid" 2>/dev/null || true; fi
	rm -rf "$DIR"
	if [ -n "$shm_dir" ]; then rm -rf "$shm_dir"; fi
}
trap cleanup EXIT

go build -o "$DIR/podpipe" ./cmd/podpipe
go build -o "$DIR/tagbench" ./internal/cmd/tagbench
go build -o "$DIR/s3bench" ./internal/cmd/s3bench

# The show: the sample's first transcript and cover, the generated MP3.
show=$DIR/show
mkdir -p "$show/episodes"
cp cover.jpg "$show/"
sed 's#^url = .*#url = "public"#' config.toml >"$show/config.toml"
cp episodes/01-p99-observability.md "$show/episodes/01-big.md"
echo "generating a $MB MiB MP3..."
"$DIR/tagbench" gen -mb "$MB" -header Info "$show/episodes/01-big.mp3" 2>/dev/null
MP3=$show/episodes/01-big.mp3
cat "$MP3" >/dev/null

PY=""
if /usr/bin/python3 -c 'import mutagen.id3' 2>/dev/null; then
	PY=/usr/bin/python3
	"$DIR/tagbench" mutagen -chapters "$CHAPTERS" "$MP3" >"$DIR/chapters.py" 2>/dev/null
fi
AWS_CLI=${AWS_CLI:-$(command -v aws || true)}
if [ -n "$AWS_CLI" ] && ! "$AWS_CLI" --version >/dev/null 2>&1; then AWS_CLI=""; fi

# An S3 server on loopback, when versitygw is there. Its objects are kept
# in memory (/dev/shm) when there is room for three copies of the MP3:
# on a file system mounted with discard (the project's machines), what a
# write costs depends on which blocks the run before freed, and the S3
# rows took 1 to 2 s more or less by their place in the round, whatever
# the tool (the row after a given one was slow in 8 of 8 rounds, and the
# same command fast in another place). S3_DIR chooses the folder.
. scripts/lib-versitygw.sh
HAVE_S3=0
VGW=$(command -v versitygw || echo "$(go env GOPATH)/bin/versitygw")
S3_DIR=${S3_DIR:-}
if [ -z "$S3_DIR" ]; then
	S3_DIR=$DIR/s3
	shm_free=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
	if [ -n "$shm_free" ] && [ "$shm_free" -gt $((3 * MB * 1024)) ]; then
		shm_dir=/dev/shm/podpipe-bench-publish-s3
		S3_DIR=$shm_dir
	fi
fi
if [ -x "$VGW" ]; then
	HAVE_S3=1
	mkdir -p "$S3_DIR/bench"
	start_versitygw "$S3_DIR"
else
	echo "bench-publish: versitygw is missing (scripts/install-versitygw.sh): no S3 rows" >&2
fi

# measure NAME PREP CMD...: runs PREP (untimed), then CMD, and appends
# "NAME seconds cpu-seconds" to the results (the CPU time of CMD and its
# children, user and system: on a busy machine, the wall time of work
# that needs the CPU grows with the load, that of work waiting on the disk
# less so).
measure() {
	local name=$1 prep=$2
	shift 2
	eval "$prep"
	sync
	if ! /usr/bin/time -f "%e %U %S" -o "$DIR/time.txt" "$@" >"$DIR/out.txt" 2>&1; then
		echo "bench-publish: $name failed:" >&2
		cat "$DIR/out.txt" >&2
		exit 1
	fi
	[ "$run" = 0 ] && return 0 # the warm-up round
	echo "$name $(awk '{ printf "%.2f %.2f", $1, $2 + $3 }' "$DIR/time.txt")" >>"$DIR/results"
}

out=$DIR/out.mp3
: >"$DIR/results"
# The local rows' rounds, then the S3 rows': each row's preparation frees
# what the same row wrote the round before, so every run writes into
# memory just freed. Mixed in one round, the S3 rows took up to twice as
# long in some rounds (versitygw at full CPU for seconds after the parts
# were sent; why, not found), and a local publish after them 2 s of extra CPU
# (user and system); round 0 of each loop is a warm-up and is not counted.
for run in $(seq 0 "$RUNS"); do
	echo "local round $run of $RUNS..."
	measure cpsync "rm -f '$out'" sh -c 'cp "$1" "$2" && sync "$2"' sh "$MP3" "$out"
	measure tagged "rm -f '$out'" "$DIR/tagbench" tag -chapters "$CHAPTERS" "$MP3" "$out"
	if [ -n "$PY" ]; then
		measure mutagen "rm -f '$out'" sh -c 'cp "$1" "$2" && "$3" "$4" "$2" && sync "$2"' sh "$MP3" "$out" "$PY" "$DIR/chapters.py"
	fi
	measure publish "rm -rf '$show/public' '$DIR/cache'" "$DIR/podpipe" -q -c "$show/config.toml" publish episode --align none 01-big
	if [ -n "${BEFORE:-}" ]; then
		measure before "rm -rf '$show/public' '$DIR/cache'" "$BEFORE" -q -c "$show/config.toml" publish episode --align none 01-big
	fi
done
rm -rf "$out" "$show/public"
if [ "$HAVE_S3" = 1 ]; then
	clear_s3="rm -rf '$S3_DIR/bench' && mkdir -p '$S3_DIR/bench'"
	for run in $(seq 0 "$RUNS"); do
		echo "S3 round $run of $RUNS..."
		if [ -n "$AWS_CLI" ]; then
			measure aws "$clear_s3" "$AWS_CLI" --endpoint-url "$endpoint" s3 cp --only-show-errors "$MP3" "s3://bench/raw.mp3"
		fi
		measure s3raw "$clear_s3" "$DIR/s3bench" -endpoint "$endpoint" -bucket bench -file "$MP3" -key raw.mp3
		measure s3publish "$clear_s3 && rm -rf '$DIR/cache'" env PODPIPE_STORAGE_URL=s3://bench/show PODPIPE_STORAGE_ENDPOINT="$endpoint" \
			PODPIPE_STORAGE_PATH_STYLE=true "$DIR/podpipe" -q -c "$show/config.toml" publish episode --align none 01-big
		measure s3again "$clear_s3" env PODPIPE_STORAGE_URL=s3://bench/show PODPIPE_STORAGE_ENDPOINT="$endpoint" \
			PODPIPE_STORAGE_PATH_STYLE=true "$DIR/podpipe" -q -c "$show/config.toml" publish episode --align none 01-big
		if [ -n "${BEFORE:-}" ]; then
			measure s3before "$clear_s3 && rm -rf '$DIR/cache'" env PODPIPE_STORAGE_URL=s3://bench/show PODPIPE_STORAGE_ENDPOINT="$endpoint" \
				PODPIPE_STORAGE_PATH_STYLE=true "$BEFORE" -q -c "$show/config.toml" publish episode --align none 01-big
		fi
	done
fi

# median NAME [COLUMN]: the median of a row's wall times (column 2) or
# CPU times (column 3).
median() {
	{ grep "^$1 " "$DIR/results" || true; } | awk -v c="${2:-2}" '{ print $c }' | sort -n | awk '{ t[NR] = $1 } END { if (NR) print t[int((NR + 1) / 2)] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b; else print "-" }'; }
# rounds NAME BASE: the median of the rounds' wall-time ratios NAME/BASE
# (the k-th run of one against the k-th of the other, which ran in the same
# round), and their smallest and largest: "1.12 1.03 1.25".
rounds() {
	awk -v a="$1" -v b="$2" '
		$1 == a { x[++na] = $2 } $1 == b { y[++nb] = $2 }
		END {
			n = 0
			for (k = 1; k <= na && k <= nb; k++) if (y[k] > 0) r[++n] = x[k] / y[k]
			if (!n) exit
			for (i = 2; i <= n; i++) { v = r[i]; for (j = i - 1; j >= 1 && r[j] > v; j--) r[j + 1] = r[j]; r[j + 1] = v }
			printf "%.2f %.2f %.2f\n", r[int((n + 1) / 2)], r[1], r[n]
		}' "$DIR/results"
}
row() { # what, name, base name, base words
	local t b med lo hi
	t=$(median "$2")
	[ -n "$t" ] || return 0
	b=$(median "$3")
	[ -n "$b" ] || return 0
	read -r med lo hi <<<"$(rounds "$2" "$3")"
	printf '| %s | %s | %s | %s | %s | **%s×** (%s–%s) %s | %s× |\n' "$1" "$t" "$(median "$2" 3)" "$b" "$(median "$3" 3)" "$med" "$lo" "$hi" "$4" "$(ratio "$t" "$b")"
}

echo
echo "$MB MiB MP3, median of $RUNS interleaved rounds ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); the S3 server's objects in $S3_DIR):"
echo
echo "| what | seconds | CPU s | baseline seconds | baseline CPU s | ratio, round by round: median (range) | ratio of the medians |"
echo "|---|---|---|---|---|---|---|"
row "local publish (\`--align none\`)" publish cpsync "\`cp\` + \`sync\`"
row "podpipe tagged copy (durable)" tagged cpsync "\`cp\` + \`sync\`"
row "podpipe tagged copy (durable)" tagged mutagen "\`cp\` + mutagen + \`sync\`"
row "S3 publish (versitygw, loopback)" s3publish s3raw "raw upload by podpipe's store"
row "S3 republish, the audio's sum remembered" s3again s3raw "raw upload by podpipe's store"
row "S3 publish (versitygw, loopback)" s3publish aws "\`aws s3 cp\` ($(${AWS_CLI:-true} --version 2>&1 | cut -d' ' -f1))"
row "local publish, \$BEFORE" before cpsync "\`cp\` + \`sync\`"
row "local publish" publish before "the same by \$BEFORE"
row "S3 publish, \$BEFORE" s3before s3raw "raw upload by podpipe's store"
row "S3 publish" s3publish s3before "the same by \$BEFORE"
echo
echo "all runs:"
sort -k1,1 -s "$DIR/results" | awk '{ r[$1] = r[$1] " " $2 "s/" $3 "cpu" } END { for (k in r) print "  " k ":" r[k] }' | sort
