#!/usr/bin/env bash
# Measures how much of the machine `publish show` uses: a show of $N
# episodes (default 50, copies of the sample show's three short talks,
# each timed with the TTS tier) published with --jobs 1 and with --jobs
# equal to the number of CPUs, each from an empty timing cache into an
# empty store. Prints wall time, CPU time (user+sys) and CPU/wall for
# each, and the speed-up as a ratio.
#
#   scripts/bench-jobs.sh
#   N=20 RUNS=1 scripts/bench-jobs.sh
#
# CPU/wall is what the machine gave podpipe: on a machine shared with other
# work it is bounded by what the others leave. RUNS (default 1) repeats the
# pair, interleaved, and the best CPU/wall of each is kept.
set -euo pipefail

N=${N:-50}
RUNS=${RUNS:-1}
JOBS=${JOBS:-$(nproc)}
DIR=${BENCH_DIR:-/tmp/podpipe-bench-jobs}
cd "$(dirname "$0")/.."
ROOT=$PWD
rm -rf "$DIR"
mkdir -p "$DIR/show/episodes"
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"' EXIT

if [ ! -x /usr/bin/time ]; then
	echo "bench-jobs: /usr/bin/time is missing (Debian package time)" >&2
	exit 1
fi
go build -o "$DIR/podpipe" ./cmd/podpipe

# The show: the sample's config and cover, its three short talks (their
# previous/next links name each other), then copies of them up to $N,
# each titled apart.
cp config.toml "$DIR/show/"
cp cover.jpg "$DIR/show/" 2>/dev/null || true
talks=(01-p99-observability 02-kubernetes-cost 03-edge-ai-inference)
for t in "${talks[@]}"; do
	cp episodes/"$t".* "$DIR/show/episodes/"
done
for ((i = 4; i <= N; i++)); do
	t=${talks[$(((i - 4) % 3))]}
	slug=$(printf '%02d-%s-%d' "$i" "${t#*-}" "$i")
	# A title of its own: the timing cache knows a transcript by its
	# content, and a copy must be timed, not found there.
	sed "1s/\$/（第 $i 集）/" "episodes/$t.md" >"$DIR/show/episodes/$slug.md"
	cp "episodes/$t.mp3" "$DIR/show/episodes/$slug.mp3"
	if [ -f "episodes/$t.chapters.txt" ]; then
		cp "episodes/$t.chapters.txt" "$DIR/show/episodes/$slug.chapters.txt"
	fi
done

declare -A BEST_WALL BEST_CPU
# run JOBS: one publish of the whole show, from nothing.
run() {
	local jobs=$1
	rm -rf "$DIR/show/public" "$DIR/cache"
	(cd "$DIR/show" && XDG_CACHE_HOME="$DIR/cache" /usr/bin/time -f '%e %U %S' -o "$DIR/time.txt" \
		"$DIR/podpipe" --quiet publish show --align tts --jobs "$jobs" >"$DIR/out.txt" 2>&1) || {
		echo "bench-jobs: publish show --jobs $jobs failed:" >&2
		cat "$DIR/out.txt" >&2
		exit 1
	}
	read -r wall user sys <"$DIR/time.txt"
	local cpu
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	echo "  --jobs $jobs: ${wall} s wall, ${cpu} s CPU, CPU/wall $(awk -v c="$cpu" -v w="$wall" 'BEGIN { printf "%.2f", c / w }')"
	if [ -z "${BEST_WALL[$jobs]:-}" ] || awk -v a="$cpu" -v b="$wall" -v c="${BEST_CPU[$jobs]}" -v d="${BEST_WALL[$jobs]}" 'BEGIN { exit !(a / b > c / d) }'; then
		BEST_WALL[$jobs]=$wall
		BEST_CPU[$jobs]=$cpu
	fi
}

echo "publish show, $N episodes, tier tts, $(nproc) CPUs:"
for ((r = 0; r < RUNS; r++)); do
	run 1
	run "$JOBS"
done
printf '\n| publish show, %d episodes, tier tts | wall | CPU | CPU/wall |\n|---|---|---|---|\n' "$N"
for j in 1 "$JOBS"; do
	printf '| `--jobs %s` | %s s | %s s | %s |\n' "$j" "${BEST_WALL[$j]}" "${BEST_CPU[$j]}" \
		"$(awk -v c="${BEST_CPU[$j]}" -v w="${BEST_WALL[$j]}" 'BEGIN { printf "%.2f", c / w }')"
done
printf '\n--jobs %s is %s× as fast as --jobs 1 (wall)\n' "$JOBS" \
	"$(awk -v a="${BEST_WALL[1]}" -v b="${BEST_WALL[$JOBS]}" 'BEGIN { printf "%.2f", a / b }')"
cd "$ROOT"
