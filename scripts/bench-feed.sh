#!/usr/bin/env bash
# Measures `podpipe feed build` on a show of $EPISODES episodes (10,000 by
# default): the sample show's three short episodes are published to a
# local folder with --align none, then its manifest is grown to $EPISODES
# copies of the first episode (each its own slug, guid and title), and
# `feed build` runs $RUNS times under /usr/bin/time -v, each over the
# manifest as the one before left it (reads it, renders the feed, compares
# it with the published one), each followed by a run of Python's
# feedgenerator writing a feed from the same manifest, when
# /usr/bin/python3 has it. Prints each run's wall and CPU seconds and
# peak memory, and the ratios of the least CPU times, of the least wall
# times and of the peak memory of the runs of least CPU time. podpipe
# renders the items on every core, so on an idle machine its wall time
# is less than its CPU time; on a busy one the times say more as ratios
# to feedgenerator's, whose runs take turns with podpipe's. Run it under
# nice on a shared machine. PODPIPE=path measures another build of
# podpipe.
#
#   nice scripts/bench-feed.sh
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
# Publishes the feed of the grown manifest, which the runs below find
# unchanged, as a rebuild after a config edit that changes nothing does.
"$DIR/podpipe" feed build >/dev/null
printf 'manifest: %s bytes, %d episodes\n' "$(stat -c %s public/manifest.json)" "$EPISODES"

# measure NAME I CMD...: run I's wall and CPU seconds and peak memory;
# of NAME's runs, the least CPU time and its peak memory are kept in
# C_NAME and M_NAME, the least wall time in W_NAME.
measure() {
	local name=$1 i=$2 out wall cpu rss best mem least
	shift 2
	out=$( { /usr/bin/time -v "$@" >/dev/null; } 2>&1 ) || { echo "$name: failed: $out" >&2; return 1; }
	wall=$(awk -F': ' '/Elapsed/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' <<<"$out")
	cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' <<<"$out")
	rss=$(awk -F': ' '/Maximum resident/ {print int($2/1024)}' <<<"$out")
	printf '%s run %d: %.2f s wall, %.2f s CPU, %d MiB peak\n' "$name" "$i" "$wall" "$cpu" "$rss"
	eval "best=\${C_$name:-} mem=\${M_$name:-} least=\${W_$name:-}"
	if [ -z "$best" ] || awk "BEGIN{exit !($cpu < $best)}"; then best=$cpu mem=$rss; fi
	if [ -z "$least" ] || awk "BEGIN{exit !($wall < $least)}"; then least=$wall; fi
	eval "C_$name=$best M_$name=$mem W_$name=$least"
}

# The peer: Python's feedgenerator (Django's feed writer, Debian's
# python3-feedgenerator) doing the same job from the same manifest: read
# it, write an RSS 2.0 item per episode with its enclosure. It writes no
# iTunes or Podcasting 2.0 tags, so its feed is the smaller.
PY=${PYTHON:-/usr/bin/python3}
peer=0
if "$PY" -c 'import feedgenerator' 2>/dev/null; then
	peer=1
	cat >"$DIR/peer.py" <<'PY'
import datetime, json, sys
import feedgenerator
base = "https://cdn.example.com/show/"
with open("public/manifest.json", encoding="utf-8") as f:
    m = json.load(f)
feed = feedgenerator.Rss201rev2Feed(title="show", link=base, description="show",
                                   language="zh-TW", feed_url=base + "feed.xml")
for e in m["episodes"]:
    a = e["audio"]
    feed.add_item(title=e["title"], link=base + e["page"]["key"], description=e["notesHtml"],
                  unique_id=e["guid"], unique_id_is_permalink=False,
                  pubdate=datetime.datetime.fromisoformat(e["date"].replace("Z", "+00:00")),
                  enclosures=[feedgenerator.Enclosure(base + a["key"], str(a["size"]), a["contentType"])])
with open(sys.argv[1], "w", encoding="utf-8") as f:
    feed.write(f, "utf-8")
PY
else
	echo "feedgenerator: not installed (Debian: python3-feedgenerator)"
fi

# The runs of podpipe and of its peer take turns, so that a load that
# comes and goes on a shared machine weighs on both alike.
for i in $(seq "$RUNS"); do
	measure podpipe "$i" "$DIR/podpipe" feed build
	if [ "$peer" = 1 ]; then
		measure feedgenerator "$i" "$PY" "$DIR/peer.py" "$DIR/peer.xml"
	fi
done
printf 'feed: %s bytes\n' "$(stat -c %s public/feed.xml)"
if [ "$peer" = 1 ]; then
	printf 'feedgenerator feed: %s bytes\n' "$(stat -c %s "$DIR/peer.xml")"
	awk -v c="$C_podpipe" -v m="$M_podpipe" -v w="$W_podpipe" -v pc="$C_feedgenerator" -v pm="$M_feedgenerator" -v pw="$W_feedgenerator" 'BEGIN{
		printf "%-14s %7s %7s %9s\n", "", "CPU s", "wall s", "peak MiB"
		printf "%-14s %7.2f %7.2f %9d\n", "podpipe", c, w, m
		printf "%-14s %7.2f %7.2f %9d\n", "feedgenerator", pc, pw, pm
		printf "podpipe used %.2fx the CPU time, %.2fx the wall time and %.2fx the memory of feedgenerator\n", c/pc, w/pw, m/pm}'
fi
