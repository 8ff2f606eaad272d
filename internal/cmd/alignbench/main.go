// Command alignbench measures how well package align times untimed
// transcripts: it builds episodes whose truth is known (the sample show's
// turns spoken by internal/cmd/synth with voices, speeds and pauses other
// than the aligner's, music-like cues between them; and an English episode
// spoken by flite), aligns them with every tier, and prints a Markdown table
// of turn-start and chapter-start errors, time and peak memory.
//
//	go run ./internal/cmd/alignbench -minutes 20 -long 30
//
// Each alignment runs in a child process (alignbench -measure …) so that its
// wall time and peak resident memory are its own.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/podpipe/podpipe/align"
	"github.com/podpipe/podpipe/align/audio"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

func main() {
	var (
		dir     = flag.String("dir", "", "work directory for the generated episodes (default: a temporary one, removed after)")
		minutes = flag.Float64("minutes", 20, "length of the Chinese test episode, minutes")
		long    = flag.Float64("long", 30, "length of the episode timed for speed and memory, minutes (0 skips it)")
		english = flag.Float64("english", 5, "length of the English (flite) episode, minutes (0 skips it)")
		samples = flag.String("samples", "episodes/*.md", "sample transcripts whose turns make the test episodes")
		seed    = flag.Uint64("seed", 1, "seed for the episodes' turns, pauses and cues")
		measure = flag.Bool("measure", false, "internal: align one episode and print the times as JSON")
		md      = flag.String("md", "", "internal, with -measure: the transcript")
		au      = flag.String("audio", "", "internal, with -measure: the audio")
		tier    = flag.String("tier", "auto", "internal, with -measure: the tier")
		lang    = flag.String("lang", "", "internal, with -measure: the language")
	)
	flag.Parse()
	ctx := context.Background()
	var err error
	if *measure {
		err = measureOne(ctx, os.Stdout, *md, *au, *tier, *lang)
	} else {
		err = run(ctx, os.Stdout, *dir, *samples, *minutes, *long, *english, *seed)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "alignbench:", err)
		os.Exit(1)
	}
}

// result is what a measuring child prints.
type result struct {
	Tier     string    `json:"tier"`
	Starts   []float64 `json:"starts"`   // every unit's start, seconds
	Sections []float64 `json:"sections"` // every chapter section's start; -1 for notes sections
	Warnings []string  `json:"warnings"`
	PeakRSS  int64     `json:"peak_rss"` // bytes, from /proc/self/status
}

// peakRSS reads this process's peak resident set (VmHWM). The child's
// rusage cannot tell it: the exec inherits the peak of the parent it was
// forked from.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func measureOne(ctx context.Context, w io.Writer, mdPath, audioPath, tierName, lang string) error {
	tier, err := align.ParseTier(tierName)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(mdPath)
	if err != nil {
		return err
	}
	t, err := markdown.Parse(mdPath, src)
	if err != nil {
		return err
	}
	a := align.New(align.Options{Tier: tier, Language: lang, Log: os.Stderr, NoRefuse: true})
	if err := a.Time(ctx, t, transcript.Audio{Path: audioPath}); err != nil {
		return err
	}
	r := result{Tier: a.Tier().String(), Warnings: a.Report().Warnings}
	for _, u := range t.Units {
		r.Starts = append(r.Starts, u.Start.Seconds())
	}
	for _, s := range t.Sections {
		v := s.Start.Seconds()
		if s.Notes || s.Unit >= len(t.Units) {
			v = -1
		}
		r.Sections = append(r.Sections, v)
	}
	r.PeakRSS = peakRSS()
	return json.NewEncoder(w).Encode(r)
}

// episode is a generated test episode.
type episode struct {
	name, md, audio, lang string
	truth                 []truthRow
	minutes               float64
}

type truthRow struct {
	start float64
	kind  string
}

func run(ctx context.Context, w io.Writer, dir, samples string, minutes, long, english float64, seed uint64) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "alignbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	synth := filepath.Join(dir, "synth")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", synth, "./internal/cmd/synth").CombinedOutput(); err != nil {
		return fmt.Errorf("build synth: %v: %s", err, out)
	}
	turns, err := sampleTurns(samples)
	if err != nil {
		return err
	}
	var eps []*episode
	zh := &episode{name: fmt.Sprintf("Chinese, %.0f min, espeak-ng voices", minutes), lang: "zh-TW"}
	if err := build(ctx, zh, dir, "zh", synth, chinese(turns, minutes, seed), "espeak-ng",
		"林雅婷=cmn-latn-pinyin+f2/62,王怡君=cmn-latn-pinyin+f4/75,陳柏宇=cmn-latn-pinyin+m7/30,Marcus Lee=cmn-latn-pinyin+m3/42", 150, seed); err != nil {
		return err
	}
	eps = append(eps, zh)
	// The same episode over a noise floor and hum 35 dB under the voices,
	// as a home studio records: no digital silence to find pauses in.
	noisy := &episode{name: zh.name + ", noise at −35 dB", lang: zh.lang, md: zh.md, truth: zh.truth,
		audio: filepath.Join(dir, "zh-noisy.wav")}
	if err := addNoise(zh.audio, noisy.audio, seed); err != nil {
		return err
	}
	eps = append(eps, noisy)
	// The children's peak memory would count this process's pages too
	// (they start as its copy): give the decoded episode back first.
	debug.FreeOSMemory()
	// The same text again with turns that follow each other within 50–300
	// ms, as in a lively conversation: few pauses to place boundaries on.
	tight := &episode{name: fmt.Sprintf("Chinese, %.0f min, gaps of 50–300 ms", minutes), lang: "zh-TW"}
	if err := build(ctx, tight, dir, "tight", synth, chinese(turns, minutes, seed), "espeak-ng",
		"林雅婷=cmn-latn-pinyin+f2/62,王怡君=cmn-latn-pinyin+f4/75,陳柏宇=cmn-latn-pinyin+m7/30,Marcus Lee=cmn-latn-pinyin+m3/42", 150, seed, 0.05, 0.3); err != nil {
		return err
	}
	eps = append(eps, tight)
	if english > 0 {
		en := &episode{name: fmt.Sprintf("English, %.0f min, flite voices", english), lang: "en"}
		if err := build(ctx, en, dir, "en", synth, englishEpisode(english, seed), "flite", "Alice=slt,Bob=rms,Carol=awb", 165, seed); err != nil {
			return err
		}
		eps = append(eps, en)
	}
	var longEp *episode
	if long > 0 {
		longEp = &episode{name: fmt.Sprintf("Chinese, %.0f min", long), lang: "zh-TW"}
		if err := build(ctx, longEp, dir, "long", synth, chinese(turns, long, seed+1), "espeak-ng",
			"林雅婷=cmn-latn-pinyin+f2/62,王怡君=cmn-latn-pinyin+f4/75,陳柏宇=cmn-latn-pinyin+m7/30,Marcus Lee=cmn-latn-pinyin+m3/42", 170, seed+1); err != nil {
			return err
		}
	}

	tiers := []string{"none", "pauses", "tts"}
	fmt.Fprintf(w, "| episode | tier | turns | turn start median | turn start p95 | turn start max | cue start median | chapter start max | wall time | CPU time | peak memory |\n")
	fmt.Fprintf(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, ep := range eps {
		for _, tier := range tiers {
			res, wall, cpu, rss, err := child(ctx, self, ep, tier)
			if err != nil {
				return fmt.Errorf("%s, tier %s: %w", ep.name, tier, err)
			}
			turnErr, cueErr, chapErr, err := score(ep, res)
			if err != nil {
				return err
			}
			label := tier
			if res.Tier != tier {
				label = fmt.Sprintf("%s (fell back to %s)", tier, res.Tier)
			}
			fmt.Fprintf(w, "| %s | %s | %d | %.2f s | %.2f s | %.2f s | %s | %s | %.1f s | %.1f s | %d MB |\n",
				ep.name, label, len(turnErr), quantile(turnErr, 0.5), quantile(turnErr, 0.95), quantile(turnErr, 1),
				optional(cueErr, 0.5), optional(chapErr, 1), wall.Seconds(), cpu.Seconds(), rss>>20)
		}
	}
	if longEp != nil {
		fmt.Fprintf(w, "\n| %s: tier | wall time | CPU time | peak memory | turn start median | turn start p95 |\n|---|---:|---:|---:|---:|---:|\n", longEp.name)
		for _, tier := range tiers[1:] {
			res, wall, cpu, rss, err := child(ctx, self, longEp, tier)
			if err != nil {
				return fmt.Errorf("%s, tier %s: %w", longEp.name, tier, err)
			}
			turnErr, _, _, err := score(longEp, res)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "| %s | %.1f s | %.1f s | %d MB | %.2f s | %.2f s |\n", res.Tier, wall.Seconds(), cpu.Seconds(), rss>>20,
				quantile(turnErr, 0.5), quantile(turnErr, 0.95))
		}
	}
	return nil
}

func optional(v []float64, q float64) string {
	if len(v) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f s", quantile(v, q))
}

// child aligns ep in a child process and returns its result, wall time and
// peak resident memory in bytes.
func child(ctx context.Context, self string, ep *episode, tier string) (*result, time.Duration, time.Duration, int64, error) {
	cmd := exec.CommandContext(ctx, self, "-measure", "-md", ep.md, "-audio", ep.audio, "-tier", tier, "-lang", ep.lang)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	began := time.Now()
	err := cmd.Run()
	wall := time.Since(began)
	if err != nil {
		return nil, 0, 0, 0, fmt.Errorf("%v: %s", err, errb.String())
	}
	// CPU time counts the espeak-ng children too: they are part of the work.
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	var r result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return nil, 0, 0, 0, err
	}
	return &r, wall, cpu, r.PeakRSS, nil
}

// score returns the absolute start errors of speech turns, of cues, and of
// chapters (a section's truth is its first unit's).
func score(ep *episode, r *result) (turns, cues, chapters []float64, err error) {
	if len(r.Starts) != len(ep.truth) {
		return nil, nil, nil, fmt.Errorf("%s: %d units aligned, %d in the truth", ep.md, len(r.Starts), len(ep.truth))
	}
	for i, s := range r.Starts {
		d := math.Abs(s - ep.truth[i].start)
		if ep.truth[i].kind == "cue" {
			cues = append(cues, d)
		} else {
			turns = append(turns, d)
		}
	}
	src, err := os.ReadFile(ep.md)
	if err != nil {
		return nil, nil, nil, err
	}
	t, err := markdown.Parse(ep.md, src)
	if err != nil {
		return nil, nil, nil, err
	}
	for i, s := range t.Sections {
		if i < len(r.Sections) && r.Sections[i] >= 0 {
			chapters = append(chapters, math.Abs(r.Sections[i]-ep.truth[s.Unit].start))
		}
	}
	return turns, cues, chapters, nil
}

func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// build writes the episode's Markdown, speaks it with synth and reads the
// truth back.
func build(ctx context.Context, ep *episode, dir, name, synth, md, engine, voices string, speed int, seed uint64, gaps ...float64) error {
	gapMin, gapMax := 0.25, 1.6
	if len(gaps) == 2 {
		gapMin, gapMax = gaps[0], gaps[1]
	}
	ep.md = filepath.Join(dir, name+".md")
	ep.audio = filepath.Join(dir, name+".mp3")
	truth := filepath.Join(dir, name+".truth.tsv")
	if err := os.WriteFile(ep.md, []byte(md), 0o644); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, synth, "-in", ep.md, "-out", ep.audio, "-truth", truth,
		"-voice-engine", engine, "-voices", voices, "-speed", strconv.Itoa(speed),
		"-gap-min", fmt.Sprint(gapMin), "-gap-max", fmt.Sprint(gapMax), "-seed", strconv.FormatUint(seed, 10))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("synth %s: %v: %s", name, err, out)
	}
	b, err := os.ReadFile(truth)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(line, "\t")
		s, err := strconv.ParseFloat(f[0], 64)
		if err != nil || len(f) < 3 {
			return fmt.Errorf("%s: bad line %q", truth, line)
		}
		ep.truth = append(ep.truth, truthRow{start: s, kind: f[2]})
	}
	return nil
}

type turn struct{ speaker, text string }

// sampleTurns collects the speech turns of the sample transcripts.
func sampleTurns(pattern string) ([]turn, error) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no sample transcripts match %s", pattern)
	}
	var out []turn
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		t, err := markdown.Parse(f, src)
		if err != nil {
			return nil, err
		}
		for _, u := range t.Units {
			if u.Kind == transcript.Speech && u.Speaker != "" {
				out = append(out, turn{u.Speaker, u.Text})
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no speech turns in %s", pattern)
	}
	return out, nil
}

// chinese builds an episode of about the given length from the sample
// turns: shuffled, some joined into long turns of several sentences, a
// music cue every few turns and a chapter heading every few minutes.
func chinese(turns []turn, minutes float64, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 42))
	var b strings.Builder
	b.WriteString("# 對齊測試\n\n**日期:** 2025年9月24日\n**講者:** 王怡君 (工程師), 陳柏宇 (SRE), Marcus Lee (顧問)\n**主持人:** 林雅婷 (主持人)\n\n---\n\n")
	est, chapter, sinceCue := 0.0, 0, 0
	nextChapter := 0.0
	for est < minutes*60 {
		if est >= nextChapter {
			chapter++
			fmt.Fprintf(&b, "## 第 %d 段\n\n", chapter)
			nextChapter += 180 + rng.Float64()*120
		}
		t := turns[rng.IntN(len(turns))]
		text := t.text
		for k := rng.IntN(4); k > 0; k-- { // 0–3 more sentences: long turns
			text += turns[rng.IntN(len(turns))].text
		}
		fmt.Fprintf(&b, "**%s:** %s\n\n", t.speaker, text)
		est += float64(len([]rune(text)))*0.26 + 0.9
		sinceCue++
		if sinceCue > 6+rng.IntN(10) {
			b.WriteString("*(音樂)*\n\n")
			est += 4
			sinceCue = 0
		}
	}
	return b.String()
}

var englishLines = []string{
	"Welcome back to the show. Today we talk about observability and why averages lie.",
	"Thanks for having me. I run the platform team at a small company.",
	"Let's start with the basics. What is a percentile, and why should I care?",
	"If you sort every request by how long it took, the ninety ninth percentile is the one near the end. Most users never see it, but your best customers do.",
	"That sounds like a lot of data to keep around.",
	"It is, which is why we sample. We keep every slow request and a few of the fast ones.",
	"How did you roll that out without breaking production?",
	"Slowly. One service at a time, with a dashboard that everyone could read.",
	"What surprised you the most?",
	"The database was fine. The slow part was a retry loop in the client library that nobody had looked at in years.",
	"Classic. So what would you tell a team starting today?",
	"Measure what users feel, not what the servers feel. Then fix the worst thing first.",
	"We had a question from the audience about cost. Does all this tracing get expensive?",
	"It can. We set a budget per team and made the bill visible every week.",
	"Visibility seems to be the theme of this whole episode.",
	"It really is. Nobody optimizes what they cannot see.",
	"Let's talk about the edge for a moment. You moved inference to small devices last year.",
	"We did. The models got smaller, and the network got less reliable, so it made sense.",
	"Any regrets?",
	"Updating a thousand devices in the field is harder than updating one cluster. Plan for that from the start.",
}

func englishEpisode(minutes float64, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	b.WriteString("+++\nlanguage = \"en\"\n+++\n# Alignment test\n\n**Date:** 2025-09-24\n**Speakers:** Bob (engineer), Carol (consultant)\n**Host:** Alice (host)\n\n---\n\n")
	speakers := []string{"Alice", "Bob", "Carol"}
	est, chapter, sinceCue, nextChapter := 0.0, 0, 0, 0.0
	for i := 0; est < minutes*60; i++ {
		if est >= nextChapter {
			chapter++
			fmt.Fprintf(&b, "## Part %d\n\n", chapter)
			nextChapter += 90 + rng.Float64()*60
		}
		text := englishLines[rng.IntN(len(englishLines))]
		if rng.IntN(3) == 0 {
			text += " " + englishLines[rng.IntN(len(englishLines))]
		}
		fmt.Fprintf(&b, "**%s:** %s\n\n", speakers[i%len(speakers)], text)
		est += float64(len(strings.Fields(text)))*0.4 + 0.9
		sinceCue++
		if sinceCue > 5+rng.IntN(8) {
			b.WriteString("*(music)*\n\n")
			est += 4
			sinceCue = 0
		}
	}
	return b.String()
}

// addNoise writes in's audio with pink-ish noise and mains hum mixed in, as
// a 16 kHz WAV.
func addNoise(in, out string, seed uint64) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := audio.ReadAll(f)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 99))
	var b0, b1, b2 float64
	for i := range s {
		w := rng.NormFloat64()
		// Paul Kellet's economy pink filter.
		b0 = 0.99765*b0 + w*0.0990460
		b1 = 0.96300*b1 + w*0.2965164
		b2 = 0.57000*b2 + w*1.0526913
		pink := (b0 + b1 + b2 + w*0.1848) * 0.05
		hum := math.Sin(2 * math.Pi * 60 * float64(i) / audio.Rate)
		s[i] += float32(0.006*pink + 0.004*hum)
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(o, 1<<20)
	if err := audio.WriteWAV(bw, s, audio.Rate); err != nil {
		o.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}
