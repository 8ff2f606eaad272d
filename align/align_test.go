package align

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/align/audio"
	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/transcript"
)

const rate = audio.Rate

// babble stands in for speech where no speech engine is at hand: syllables
// of noise at a varying level, each lasting syl seconds.
func babble(rng *rand.Rand, syllables int, syl float64) []float32 {
	n := int(float64(syllables) * syl * rate)
	per := int(syl * rate)
	out := make([]float32, n)
	for i := range out {
		amp := 0.0
		if i%per < per*4/5 {
			amp = 0.15 + 0.1*math.Sin(float64(i/per))
		}
		out[i] = float32(amp * (2*rng.Float64() - 1))
	}
	return out
}

// jingle is music for a cue: a pad under plucked notes.
func jingle(seconds float64) []float32 {
	out := make([]float32, int(seconds*rate))
	notes := []float64{440, 554.37, 659.25, 880, 739.99}
	for i := range out {
		t := float64(i) / rate
		f := notes[int(t/0.25)%len(notes)]
		tn := math.Mod(t, 0.25)
		fade := min(1, t/0.3, (seconds-t)/0.3)
		out[i] = float32(fade * (0.06*math.Sin(2*math.Pi*110*t) + 0.2*math.Exp(-tn*6)*math.Sin(2*math.Pi*f*t)))
	}
	return out
}

func silence(seconds float64) []float32 { return make([]float32, int(seconds*rate)) }

var han = []rune("我們今天要談的是雲端平台的成本問題大家都知道帳單每個月都在長大卻沒有人說得清楚錢花在哪裡所以工程師和財務需要一起看數字")

// hanText returns sentences of the given syllable counts, each ending in 。
func hanText(counts ...int) string {
	var b strings.Builder
	k := 0
	for _, n := range counts {
		for i := 0; i < n; i++ {
			b.WriteRune(han[k%len(han)])
			k++
		}
		b.WriteString("。")
	}
	return b.String()
}

// episode is a generated clip with its transcript and the truth.
type episode struct {
	t         *transcript.Transcript
	path      string
	truth     []float64   // unit starts
	sentences [][]float64 // sentence starts of each unit
}

type spec struct {
	speaker   string
	sentences []int // syllables per sentence; nil for a music cue
}

// synthetic builds a clip from babble: speakers at different paces,
// pauses between sentences, longer and varying ones between turns.
func synthetic(t *testing.T, specs []spec, seed uint64) *episode {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	pace := map[string]float64{"A": 0.19, "B": 0.25, "C": 0.22}
	ep := &episode{t: &transcript.Transcript{Language: "zh-TW"}}
	sig := silence(0.7)
	for i, s := range specs {
		if i > 0 {
			sig = append(sig, silence(0.4+0.8*rng.Float64())...)
		}
		if i%4 == 0 {
			ep.t.Sections = append(ep.t.Sections, transcript.Section{Title: fmt.Sprintf("part %d", i/4), Level: 2, Unit: i})
		}
		u := transcript.Unit{Kind: transcript.Speech, Speaker: s.speaker, Section: len(ep.t.Sections) - 1, Line: i + 1}
		ep.truth = append(ep.truth, float64(len(sig))/rate)
		var starts []float64
		if s.sentences == nil {
			u.Kind, u.Text, u.Speaker = transcript.Cue, "音樂", ""
			sig = append(sig, jingle(3)...)
		} else {
			u.Text = hanText(s.sentences...)
			for k, n := range s.sentences {
				if k > 0 {
					sig = append(sig, silence(0.25)...)
				}
				starts = append(starts, float64(len(sig))/rate)
				sig = append(sig, babble(rng, n, pace[s.speaker])...)
			}
		}
		ep.sentences = append(ep.sentences, starts)
		ep.t.Units = append(ep.t.Units, u)
	}
	sig = append(sig, silence(1)...)
	ep.path = writeWAV(t, sig)
	return ep
}

func writeWAV(t *testing.T, sig []float32) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "clip.wav")
	var b bytes.Buffer
	if err := audio.WriteWAV(&b, sig, rate); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// check asserts every unit starts within tol of the truth, every sentence
// of a split turn too, and sections start with their first unit.
func check(t *testing.T, ep *episode, tol float64) {
	t.Helper()
	if ep.t.Timing != transcript.Aligned {
		t.Errorf("Timing = %v, want aligned", ep.t.Timing)
	}
	for i, u := range ep.t.Units {
		if d := u.Start.Seconds() - ep.truth[i]; math.Abs(d) > tol {
			t.Errorf("unit %d (%s) starts at %.2f s, truth %.2f s", i, u.Speaker, u.Start.Seconds(), ep.truth[i])
		}
		if u.End <= u.Start {
			t.Errorf("unit %d ends at %v, not after its start %v", i, u.End, u.Start)
		}
		if i > 0 && u.Start < ep.t.Units[i-1].End {
			t.Errorf("unit %d starts at %v before unit %d ends at %v", i, u.Start, i-1, ep.t.Units[i-1].End)
		}
		if n := len(ep.sentences[i]); n > 1 {
			if len(u.Sentences) != n {
				t.Errorf("unit %d: %d sentences timed, want %d", i, len(u.Sentences), n)
				continue
			}
			for k, s := range u.Sentences {
				if d := s.Start.Seconds() - ep.sentences[i][k]; math.Abs(d) > tol {
					t.Errorf("unit %d sentence %d starts at %.2f s, truth %.2f s", i, k, s.Start.Seconds(), ep.sentences[i][k])
				}
			}
		}
	}
	for _, s := range ep.t.Sections {
		if s.Start != ep.t.Units[s.Unit].Start {
			t.Errorf("section %q starts at %v, its first unit at %v", s.Title, s.Start, ep.t.Units[s.Unit].Start)
		}
	}
}

var talk = []spec{
	{"A", []int{12, 9}},
	{"B", []int{20}},
	{"A", []int{6}},
	{"B", []int{14, 16, 8}},
	{"", nil},
	{"C", []int{25, 10}},
	{"A", []int{7}},
	{"B", []int{11}},
	{"C", []int{18, 6, 12}},
	{"A", []int{9}},
}

func TestPausesSynthetic(t *testing.T) {
	ep := synthetic(t, talk, 1)
	a := New(Options{Tier: TierPauses})
	if err := a.Time(context.Background(), ep.t, transcript.Audio{Path: ep.path}); err != nil {
		t.Fatal(err)
	}
	if a.Tier() != TierPauses {
		t.Errorf("tier %v, want pauses", a.Tier())
	}
	check(t, ep, 0.3)
}

// An editor's anchor stays where it is, even one that is a second off.
func TestAnchors(t *testing.T) {
	ep := synthetic(t, talk, 2)
	at := time.Duration((ep.truth[5] + 1) * float64(time.Second))
	ep.t.Units[5].Anchor, ep.t.Units[5].Start = true, at
	if err := New(Options{Tier: TierPauses}).Time(context.Background(), ep.t, transcript.Audio{Path: ep.path}); err != nil {
		t.Fatal(err)
	}
	if u := ep.t.Units[5]; u.Start != at || u.Confidence != 1 {
		t.Errorf("anchored unit: start %v confidence %v, want %v and 1", u.Start, u.Confidence, at)
	}
	ep.truth[5] = at.Seconds()
	ep.sentences[5][0] = at.Seconds()
	ep.sentences[5] = ep.sentences[5][:1] // the second sentence may shift
	ep.t.Units[5].Sentences = nil
	check(t, ep, 0.3)
}

func TestBadAudio(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.mp3")
	junk := make([]byte, 100000)
	for i := range junk {
		junk[i] = byte(rng.UintN(256))
	}
	os.WriteFile(corrupt, junk, 0o644)
	two := func() *transcript.Transcript {
		return &transcript.Transcript{Units: []transcript.Unit{
			{Kind: transcript.Speech, Speaker: "A", Text: hanText(5)},
			{Kind: transcript.Speech, Speaker: "B", Text: hanText(5)},
		}}
	}
	long := two()
	long.Units[1].Text = strings.Repeat(hanText(40), 60)
	tests := []struct {
		name string
		t    *transcript.Transcript
		path string
		want error
	}{
		{"silence", two(), writeWAV(t, silence(5)), ErrSilent},
		{"audio far too long for the text", two(), writeWAV(t, babble(rng, 300, 0.2)), ErrMismatch},
		{"audio far too short for the text", long, writeWAV(t, babble(rng, 20, 0.2)), ErrMismatch},
		{"corrupt mp3", two(), corrupt, audio.ErrFormat},
		{"missing file", two(), filepath.Join(dir, "nope.mp3"), os.ErrNotExist},
	}
	for _, tt := range tests {
		// Only against a hang: 300 s of audio took 10 s under -race on a
		// busy machine.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		err := New(Options{Tier: TierPauses}).Time(ctx, tt.t, transcript.Audio{Path: tt.path})
		cancel()
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestTierNone(t *testing.T) {
	ep := synthetic(t, talk[:4], 4)
	a := New(Options{Tier: TierNone})
	if err := a.Time(context.Background(), ep.t, transcript.Audio{Path: ep.path}); err != nil {
		t.Fatal(err)
	}
	if a.Tier() != TierNone || ep.t.Timing != transcript.Estimated {
		t.Errorf("tier %v timing %v, want none and estimated", a.Tier(), ep.t.Timing)
	}
	// The proportional estimate spreads over the whole clip.
	last := ep.t.Units[len(ep.t.Units)-1]
	if last.End < 10*time.Second {
		t.Errorf("last unit ends at %v", last.End)
	}
}

func TestParseTier(t *testing.T) {
	for _, tier := range []Tier{TierAuto, TierNone, TierPauses, TierTTS} {
		got, err := ParseTier(tier.String())
		if err != nil || got != tier {
			t.Errorf("ParseTier(%q) = %v, %v", tier.String(), got, err)
		}
	}
	if _, err := ParseTier("dtw"); err == nil {
		t.Error("ParseTier(dtw): no error")
	}
}

func TestVoice(t *testing.T) {
	for lang, want := range map[string]string{
		"": "cmn-latn-pinyin", "zh-TW": "cmn-latn-pinyin", "zh": "cmn-latn-pinyin",
		"zh-Hant-TW": "cmn-latn-pinyin", "cmn": "cmn-latn-pinyin",
		"zh-HK": "yue", "yue": "yue", "en-US": "en", "en": "en", "fr_CA": "fr",
	} {
		if got := Voice(lang); got != want {
			t.Errorf("Voice(%q) = %q, want %q", lang, got, want)
		}
	}
}

// A Chinese sentence with an English word in it is spoken as Mandarin, in
// Mandarin phonemes (no character spelt out as English pinyin), and the
// English word in English phonemes.
func TestMixedScriptPhonemes(t *testing.T) {
	prog := testtool.Need(t, "espeak-ng")
	voice := Voice("zh-TW")
	text := "我們用GPU訓練模型，這是廣州。"
	cmd := exec.Command(prog, "-q", "-x", "-m", "-v", voice)
	cmd.Stdin = strings.NewReader("<speak>" + ssmlText(voice, text) + "</speak>")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("espeak-ng: %v", err)
	}
	ph := strings.Join(strings.Fields(string(out)), " ")
	// 們 and 廣 are missing from the plain cmn voice's dictionary: it
	// reads them as "men two" and "guang three" in English, "(en)".
	for _, want := range []string{"w'o21", "'yu51N", "dZ,i:p,i:j'u:", "kw'a21N", "ts.'ou55"} {
		if !strings.Contains(ph, want) {
			t.Errorf("phonemes %q lack %q", ph, want)
		}
	}
	if strings.Contains(ph, "(en)") || strings.Contains(ph, "kphu") {
		t.Errorf("phonemes %q read Chinese as English or GPU as pinyin", ph)
	}
	if got := latinRuns(text); len(got) != 3 || !got[1].latin || got[1].text != "GPU" {
		t.Errorf("latinRuns(%q) = %+v", text, got)
	}
}

// speak renders text with espeak-ng in a voice and pace other than the
// aligner's, trimmed of the engine's padding.
func speak(t *testing.T, prog, voice string, speed int, text string) []float32 {
	t.Helper()
	cmd := exec.Command(prog, "-v", voice, "-s", fmt.Sprint(speed), "--stdout")
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("espeak-ng: %v", err)
	}
	s, err := audio.ReadAll(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	first, last := 0, len(s)
	for first < last && math.Abs(float64(s[first])) < 0.01 {
		first++
	}
	for last > first && math.Abs(float64(s[last-1])) < 0.01 {
		last--
	}
	return s[first:last]
}

// The small version of the benchmark: a minute of two speakers and a music
// cue, spoken by espeak-ng, aligned by both tiers; every turn start within
// half a second.
func TestSpokenClip(t *testing.T) {
	prog := testtool.Need(t, "espeak-ng")
	turns := []struct{ speaker, text string }{
		{"林雅婷", "歡迎回來。今天有兩位來賓，我們要聊雲端成本。"},
		{"王怡君", "我們的叢集一度有一半的 CPU 是閒置的。大家都把 request 設得很高，怕被砍。"},
		{"林雅婷", "那怎麼讓團隊看見自己的帳單？"},
		{"", ""},
		{"王怡君", "每個 namespace 都要有 team 標籤，成本就能分到各組。重點是每週看一次，不是月底才嚇一跳。"},
		{"林雅婷", "觀眾問，省錢會不會犧牲穩定？"},
		{"王怡君", "不會。我們先看 p95 用量，再慢慢調低 request。"},
		{"林雅婷", "那小團隊要從哪裡開始？"},
		{"王怡君", "先做一個 dashboard 就好，不要一次買齊。每週花十分鐘看帳單，比任何工具都有用。"},
		{"林雅婷", "感謝兩位，我們下一集見。"},
	}
	voices := map[string][2]any{"林雅婷": {"cmn+f2", 150}, "王怡君": {"cmn+m7", 195}}
	rng := rand.New(rand.NewPCG(11, 12))
	sig := silence(0.5)
	tr := &transcript.Transcript{Language: "zh-TW", Sections: []transcript.Section{{Title: "對談", Level: 2}}}
	var truth []float64
	for i, tu := range turns {
		if i > 0 {
			sig = append(sig, silence(0.3+0.9*rng.Float64())...)
		}
		truth = append(truth, float64(len(sig))/rate)
		if tu.speaker == "" {
			sig = append(sig, jingle(3)...)
			tr.Units = append(tr.Units, transcript.Unit{Kind: transcript.Cue, Text: "音樂"})
			continue
		}
		v := voices[tu.speaker]
		sig = append(sig, speak(t, prog, v[0].(string), v[1].(int), tu.text)...)
		tr.Units = append(tr.Units, transcript.Unit{Kind: transcript.Speech, Speaker: tu.speaker, Text: tu.text})
	}
	sig = append(sig, silence(0.5)...)
	if d := float64(len(sig)) / rate; d < 50 || d > 80 {
		t.Fatalf("clip is %.0f s long, want about a minute", d)
	}
	path := writeWAV(t, sig)
	for _, tier := range []Tier{TierPauses, TierTTS} {
		t.Run(tier.String(), func(t *testing.T) {
			ct := *tr
			ct.Units = append([]transcript.Unit(nil), tr.Units...)
			a := New(Options{Tier: tier, Espeak: prog})
			if err := a.Time(context.Background(), &ct, transcript.Audio{Path: path}); err != nil {
				t.Fatal(err)
			}
			if a.Tier() != tier {
				t.Errorf("ran tier %v, want %v (warnings %q)", a.Tier(), tier, a.Report().Warnings)
			}
			for i, u := range ct.Units {
				if d := u.Start.Seconds() - truth[i]; math.Abs(d) > 0.5 {
					t.Errorf("unit %d starts at %.2f s, truth %.2f s", i, u.Start.Seconds(), truth[i])
				}
			}
		})
	}
}

// A language espeak-ng has no voice for falls back to tier 1 with a warning.
func TestUnknownLanguageFallsBack(t *testing.T) {
	prog := testtool.Need(t, "espeak-ng")
	ep := synthetic(t, talk[:4], 5)
	var log bytes.Buffer
	a := New(Options{Tier: TierTTS, Espeak: prog, Language: "xx-klingon", Log: &log})
	if err := a.Time(context.Background(), ep.t, transcript.Audio{Path: ep.path}); err != nil {
		t.Fatal(err)
	}
	if a.Tier() != TierPauses {
		t.Errorf("tier %v, want pauses", a.Tier())
	}
	if !strings.Contains(log.String(), "xx-klingon") || len(a.Report().Warnings) != 1 {
		t.Errorf("warning %q does not name the language", log.String())
	}
	check(t, ep, 0.3)
}
