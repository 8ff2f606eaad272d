#!/bin/sh
# Regenerates the sample show's audio (episodes/*.mp3) from its Markdown with
# the synth tool (espeak-ng + lame), and the known-truth timings of every
# spoken unit in internal/cmd/synth/testdata/*.truth.tsv, which the alignment
# benchmark measures against. The seed is fixed so that a rerun with the same
# espeak-ng and lame reproduces the same files.
#
#   scripts/make-sample-audio.sh            # every episode
#   scripts/make-sample-audio.sh 02         # episodes whose slug starts with 02
set -eu

cd "$(dirname "$0")/.."

for tool in espeak-ng lame; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "make-sample-audio: $tool is not installed (Debian: apt-get install espeak-ng lame)" >&2
		exit 1
	}
done

# One voice per person across the show, so the host sounds the same in every
# episode; voice+variant/pitch as espeak-ng's -v and -p take them.
VOICES="林雅婷=cmn+f2/62,陳柏宇=cmn+m3/40,王怡君=cmn+f4/76,Marcus Lee=cmn+m7/30,張家豪=cmn+m1/48"
SEED=1
TRUTH=internal/cmd/synth/testdata

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/synth" ./internal/cmd/synth
mkdir -p "$TRUTH"

for md in episodes/"${1:-}"*.md; do
	slug=$(basename "$md" .md)
	# The long conversation (04) has longer pauses between turns, and a
	# lower bitrate, so that half an hour of it stays a few MB (at 16
	# kbps the aligner mis-times it by 20 s and more).
	speed=175 gapmax=1.2 kbps=32
	case $slug in 04-*) gapmax=2.0 kbps=24 ;; esac
	"$bin/synth" -in "$md" -out "episodes/$slug.mp3" -truth "$TRUTH/$slug.truth.tsv" \
		-voices "$VOICES" -speed $speed -gap-min 0.3 -gap-max $gapmax -seed "$SEED" -kbps $kbps
done
