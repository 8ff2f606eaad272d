#!/usr/bin/env bash
# Uploads one large file (500 MB by default) to a versitygw on loopback with
# podpipe's S3 store (internal/cmd/s3bench) and with `aws s3 cp`, several
# times each, and prints for both the wall time, throughput, the client's
# CPU time and peak memory (RSS, from /usr/bin/time) as the Markdown table
# the README shows.
#
#	scripts/bench-s3.sh                  # 500 MB, 3 runs each
#	SIZE_MB=100 RUNS=1 scripts/bench-s3.sh
#
# Times are end to end (process start to exit), as a user sees them. The
# keys are throw-away test keys of the throw-away server.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${SIZE_MB:-500}
RUNS=${RUNS:-3}
FILE=/tmp/podpipe-bench-${SIZE_MB}MB.bin
BUCKET=bench

scripts/install-versitygw.sh
VGW=$(command -v versitygw || echo "$(go env GOPATH)/bin/versitygw")
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-s3: /usr/bin/time is missing (Debian package time)" >&2; exit 1; }
# Debian's awscli package unless AWS_CLI names another.
AWS_CLI=${AWS_CLI:-$(command -v /usr/bin/aws || command -v aws || true)}
HAVE_AWS=1
[ -n "$AWS_CLI" ] || {
	HAVE_AWS=0
	echo "bench-s3: the aws CLI is not installed (Debian package awscli): measuring podpipe alone" >&2
}

bytes=$((SIZE_MB * 1000 * 1000))
if [ ! -f "$FILE" ] || [ "$(stat -c %s "$FILE")" != "$bytes" ]; then
	echo "bench-s3: writing $FILE" >&2
	head -c "$bytes" /dev/urandom >"$FILE"
fi

work=$(mktemp -d /tmp/podpipe-bench-s3.XXXXXX)
vgw_pid=
cleanup() {
	[ -n "$vgw_pid" ] && kill "$vgw_pid" 2>/dev/null && wait "$vgw_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/root/$BUCKET"

. scripts/lib-versitygw.sh
start_versitygw "$work/root"

go build -o bin/s3bench ./internal/cmd/s3bench

# measure NAME CMD...: one run; appends "NAME seconds maxrss_kb user sys" to
# results.
measure() {
	local name=$1
	shift
	"$TIME" -f "%e %M %U %S" -o "$work/time" "$@" >"$work/out" 2>&1 || {
		echo "bench-s3: $name failed:" >&2
		cat "$work/out" >&2
		exit 1
	}
	echo "$name $(cat "$work/time")" >>"$work/results"
	rm -f "$work/root/$BUCKET"/*.bin # keep the disk from filling
}

for run in $(seq "$RUNS"); do
	if [ "$HAVE_AWS" = 1 ]; then
		measure aws "$AWS_CLI" --endpoint-url "$endpoint" s3 cp --only-show-errors "$FILE" "s3://$BUCKET/aws-$run.bin"
	fi
	measure podpipe bin/s3bench -endpoint "$endpoint" -bucket "$BUCKET" -file "$FILE" -key "podpipe-$run.bin"
done

echo
echo "Upload of $SIZE_MB MB to versitygw on loopback, median of $RUNS runs ($(nproc) cores):"
[ "$HAVE_AWS" = 0 ] || echo "aws CLI: $("$AWS_CLI" --version 2>&1)"
echo
echo "| tool | seconds | MB/s | client CPU s | peak RSS |"
echo "|---|---|---|---|---|"
for tool in podpipe aws; do
	grep "^$tool " "$work/results" >/dev/null 2>&1 || continue
	grep "^$tool " "$work/results" | sort -k2 -n | awk -v mb="$SIZE_MB" -v n="$RUNS" -v tool="$tool" '
		{ t[NR] = $2; r[NR] = $3; c[NR] = $4 + $5 }
		END {
			m = int((NR + 1) / 2); rss = 0
			for (i = 1; i <= NR; i++) if (r[i] > rss) rss = r[i]
			printf "| %s | %.2f | %.0f | %.1f | %.0f MB |\n", (tool == "aws" ? "aws s3 cp" : "podpipe (storage/s3)"), t[m], mb / t[m], c[m], rss / 1024
		}'
done
if [ "$HAVE_AWS" = 1 ]; then
	aws_t=$(grep '^aws ' "$work/results" | sort -k2 -n | awk '{ t[NR] = $2 } END { print t[int((NR + 1) / 2)] }')
	our_t=$(grep '^podpipe ' "$work/results" | sort -k2 -n | awk '{ t[NR] = $2 } END { print t[int((NR + 1) / 2)] }')
	echo
	awk -v a="$aws_t" -v p="$our_t" 'BEGIN { printf "podpipe throughput / aws CLI throughput: %.2f\n", a / p }'
fi
