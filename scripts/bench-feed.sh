#!/usr/bin/env bash
# Measures `podpipe feed build` on a show of $EPISODES episodes (10,000 by
# default): the sample show's three short episodes are published to a
# local folder with --align none, then its manifest is grown to $EPISODES
# copies of the first episode (each its own slug, guid and title), and
# `feed build` runs $RUNS times under /usr/bin/time -v, each over the
# manifest as the one before left it (reads it, renders the feed, compares
# it with the published one). Prints each run's wall and CPU seconds and
# peak memory. PODPIPE=path measures another build of podpipe.
#
#   scripts/bench-feed.sh
#   EPISODES=2000 RUNS=5 scripts/bench-feed.sh
set -euo pipefail

EPISODES=${EPISODES:-10000}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/podpipe-bench-feed}
cd "$(dirname "$0")/.."
rm -rf "$DIR" && mkdir -p "$DIR/show/episodes"
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"' EXIT

if [ ! -x /usr/bin/time ]; then
	echo "bench-feed: /usr/bin/time is missing (Debian package time)" >&2
	exit 1
fi
if [ -n "${PODPIPE:-}" ]; then
	cp "$PODPIPE" "$DIR/podpipe"
else
	go build -o "$DIR/podpipe" ./cmd/podpipe
fi
cp config.toml cover.jpg "$DIR/show/"
cp episodes/0[123]-* "$DIR/show/episodes/"
cd "$DIR/show"
export PODPIPE_BASE_URL=https://cdn.example.com/show/
"$DIR/podpipe" publish show --align none >/dev/null
python3 - "$EPISODES" <<'PY'
import copy, json, sys, uuid
n = int(sys.argv[1])
m = json.load(open("public/manifest.json"))
first = m["episodes"][0]
eps = []
for i in range(n):
    e = copy.deepcopy(first)
    e["slug"] = "ep-%05d" % i
    e["guid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, e["slug"]))
    e["title"] = "%d %s" % (i, first["title"])
    eps.append(e)
m["episodes"] = eps
json.dump(m, open("public/manifest.json", "w"), ensure_ascii=False, indent=2)
PY
# The local store's record of the manifest is of the one replaced.
rm -f public/.podpipe/meta/manifest.json.json
"$DIR/podpipe" feed build >/dev/null # writes the manifest as podpipe does
printf 'manifest: %s bytes, %d episodes\n' "$(stat -c %s public/manifest.json)" "$EPISODES"

best=""
for i in $(seq "$RUNS"); do
	out=$( { /usr/bin/time -v "$DIR/podpipe" feed build >/dev/null; } 2>&1 )
	wall=$(awk -F': ' '/Elapsed/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' <<<"$out")
	cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' <<<"$out")
	rss=$(awk -F': ' '/Maximum resident/ {print int($2/1024)}' <<<"$out")
	printf 'run %d: %.2f s wall, %.2f s CPU, %d MiB peak\n' "$i" "$wall" "$cpu" "$rss"
done
feed=$(stat -c %s public/feed.xml)
printf 'feed: %s bytes\n' "$feed"
