#!/bin/sh
# Measures how the aligner's peak memory and time grow with the episode's
# length: the sample show's 30-minute episode 04, transcript and audio
# repeated (ffmpeg concat, -c copy) to each length in $ALIGN_REPEATS
# (default "1 2 14": 30 min, 1 h, 7 h), aligned with `podpipe transcript
# align --align tts` under /usr/bin/time -v; then decode+features CPU
# against ffmpeg's decode of the same file (BenchmarkAnalyse). Prints
# Markdown tables. Run by scripts/bench-align.sh; the 7-hour row takes
# about 10 minutes of CPU.
set -eu
cd "$(dirname "$0")/.."
for tool in ffmpeg espeak-ng; do
	command -v "$tool" >/dev/null || { echo "bench-align-length: $tool is not installed" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench-align-length: /usr/bin/time (GNU time) is not installed" >&2; exit 1; }
go build -o bin/podpipe ./cmd/podpipe
src=episodes/04-platform-engineering
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| episode | tier | wall time | CPU time | peak RSS |"
echo "|---|---|---:|---:|---:|"
for n in ${ALIGN_REPEATS:-1 2 14}; do
	md=$work/x$n.md mp3=$work/x$n.mp3
	: >"$work/list.txt"
	i=0
	while [ $i -lt "$n" ]; do echo "file '$PWD/$src.mp3'" >>"$work/list.txt"; i=$((i + 1)); done
	ffmpeg -v error -y -f concat -safe 0 -i "$work/list.txt" -c copy "$mp3"
	# The front matter and header up to the conversation, then the
	# conversation (without its link to the previous episode) n times.
	awk '/^## 對談內容/{print; exit} {print}' "$src.md" >"$md"
	i=0
	while [ $i -lt "$n" ]; do
		awk 'f && !/上一篇/{print} /^## 對談內容/{f=1}' "$src.md" >>"$md"
		i=$((i + 1))
	done
	dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$mp3")
	/usr/bin/time -v bin/podpipe transcript align "$md" --align tts >/dev/null 2>"$work/time.txt" ||
		{ cat "$work/time.txt" >&2; exit 1; }
	awk -v dur="$dur" '
		/User time/ {u=$NF} /System time/ {s=$NF}
		/Elapsed \(wall clock\)/ {n=split($NF, p, ":"); w=0; for (i=1;i<=n;i++) w=w*60+p[i]}
		/Maximum resident/ {r=$NF}
		END {printf "| %d min | tts | %.0f s | %.0f s | %.0f MB |\n", dur/60, w, u+s, r*1024/1e6}' "$work/time.txt"
done
echo
echo "Decode and features of the 30-minute episode against \`ffmpeg -threads 1 -i x.mp3 -f null -\`:"
echo
go test -run '^$' -bench '^BenchmarkAnalyse$' -benchtime 1x ./align | grep '^Benchmark'
