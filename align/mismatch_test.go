package align

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/align/audio"
	"github.com/podpipe/podpipe/align/vad"
	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// marginsAround returns n margins around mean, one above and one below in turn:
// Student's t of nine of them is about three times mean.
func marginsAround(n int, mean float64) []float64 { return marginsSpread(n, mean, 1) }

// marginsSpread returns n margins mean+d and mean-d in turn.
func marginsSpread(n int, mean, d float64) []float64 {
	m := make([]float64, n)
	for i := range m {
		m[i] = mean - d
		if i%2 == 0 {
			m[i] = mean + d
		}
	}
	return m
}

func TestVerdict(t *testing.T) {
	onMusic := []cueFit{{Start: 10 * time.Second, Span: 3 * time.Second, Music: 3 * time.Second}}
	offMusic := []cueFit{onMusic[0], {Start: 70 * time.Second, Span: time.Second}}
	strong := func(n, k int) []float64 { // k of n sentences read where placed
		m := marginsAround(n, 0)
		for i := range k {
			m[i] = matchStrong + 1
		}
		return m
	}
	for _, c := range []struct {
		name    string
		margins []float64
		cues    []cueFit
		want    verdict
	}{
		{"own audio", marginsAround(9, 2), offMusic, matchGood},
		{"no better than other text", marginsAround(9, -1), onMusic, matchWrong},
		{"weak, every cue on music", marginsAround(9, 0.5), onMusic, matchDoubtful},
		{"weak, a cue off music", marginsAround(9, 0.5), offMusic, matchOffMusic},
		{"weak, no cues", marginsAround(9, 0.5), nil, matchDoubtful},
		{"over the warning line, weak for its length, a cue off music", marginsAround(20, 0.65), offMusic, matchOffMusic},
		{"every margin a little over 0, a cue off music", marginsSpread(9, 0.7, 0.3), offMusic, matchOffMusic},
		{"every margin a little over 0", marginsSpread(9, 0.7, 0.3), onMusic, matchDoubtful},
		{"over the warning line, weak for its length, every cue on music", marginsAround(20, 0.65), onMusic, matchGood},
		{"part of the text is in the audio", strong(20, 4), offMusic, matchDoubtful},
		{"too few sentences", marginsAround(5, 0), offMusic, matchUnknown},
	} {
		m := matchReport{Content: contentMatch{Margins: c.margins}, Cues: c.cues}
		if got := m.verdict(); got != c.want {
			t.Errorf("%s (t = %.1f over %d, %d cues off music): verdict %d, want %d",
				c.name, m.Content.T(), len(c.margins), len(m.offMusic()), got, c.want)
		}
	}
}

func TestMusicCue(t *testing.T) {
	for text, want := range map[string]bool{
		"音樂": true, "片頭音乐": true, "Music": true, "intro jingle": true, "♪ ♪": true,
		"掌聲": false, "笑聲": false, "applause": false, "laughter": false,
	} {
		if got := musicCue(text); got != want {
			t.Errorf("musicCue(%q) = %v, want %v", text, got, want)
		}
	}
}

// The sample show's three short episodes (9–11 sentences) align to their
// own audio without a doubt, every music cue on music, and each
// transcript under another one's audio is refused, in a message naming
// the audio: same voices, same jingles, only the words differ. Episode 2's transcript under episode 1's audio
// with its music silenced (another episode's file, cut without its
// jingles) is refused too, and both its music cues are found off music.
// About 8 s of CPU.
func TestSampleShowMismatch(t *testing.T) {
	if testing.Short() {
		t.Skip("aligns ten transcript and audio pairs with espeak-ng")
	}
	testtool.Need(t, "espeak-ng")
	run := func(md, audioPath string) (*Aligner, error) {
		t.Helper()
		src, err := os.ReadFile(md)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := markdown.Parse(md, src)
		if err != nil {
			t.Fatal(err)
		}
		a := New(Options{Tier: TierTTS})
		return a, a.Time(context.Background(), doc, transcript.Audio{Path: audioPath})
	}
	refused := func(a *Aligner, err error, what, audioPath string) {
		t.Helper()
		if !errors.Is(err, ErrMismatch) {
			t.Errorf("%s: err = %v (t = %.1f over %d sentences), want ErrMismatch", what, err, a.match.Content.T(), len(a.match.Content.Margins))
			return
		}
		if msg := err.Error(); !strings.Contains(msg, audioPath) {
			t.Errorf("%s: the error does not name the audio: %s", what, msg)
		}
		t.Logf("%s refused: %v", what, err)
	}
	eps := []string{"01-p99-observability", "02-kubernetes-cost", "03-edge-ai-inference"}
	for _, ep := range eps {
		base := "../episodes/" + ep
		a, err := run(base+".md", base+".mp3")
		if err != nil {
			t.Fatalf("%s on its own audio: %v", ep, err)
		}
		if v := a.match.verdict(); v != matchGood {
			t.Errorf("%s on its own audio: verdict %d (t = %.1f), want accepted; warnings %q", ep, v, a.match.Content.T(), a.report.Warnings)
		}
		if len(a.match.Cues) == 0 || len(a.match.offMusic()) > 0 {
			t.Errorf("%s on its own audio: cues %+v, want every one on music", ep, a.match.Cues)
		}
	}
	for _, text := range eps {
		for _, audio := range eps {
			if text == audio {
				continue
			}
			path := "../episodes/" + audio + ".mp3"
			a, err := run("../episodes/"+text+".md", path)
			refused(a, err, text+" on "+audio+"'s audio", path)
		}
	}
	silenced := withoutMusic(t, "../episodes/01-p99-observability.mp3")
	a, err := run("../episodes/02-kubernetes-cost.md", silenced)
	refused(a, err, "episode 2 on episode 1's audio without music", silenced)
	if off := a.match.offMusic(); len(off) != 2 {
		t.Errorf("episode 2 on episode 1's audio without music: %d of %d cues off music, want 2", len(off), len(a.match.Cues))
	}
}

// withoutMusic writes the audio at path as a WAV file with every stretch
// the detector takes for music, and half a second around it, silenced.
func withoutMusic(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := audio.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var sig []float32
	buf := make([]float32, audio.Rate)
	for {
		n, err := r.Read(buf)
		sig = append(sig, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	an, err := analyse(context.Background(), path, 0, t.Logf, nil)
	if err != nil {
		t.Fatal(err)
	}
	const pad = 50 // frames
	perFrame := audio.Rate / 100
	music := 0
	for i, l := range an.v.Labels {
		if l != vad.Music {
			continue
		}
		music++
		from, to := max(i-pad, 0)*perFrame, min((i+pad+1)*perFrame, len(sig))
		clear(sig[min(from, len(sig)):to])
	}
	if music < 200 {
		t.Fatalf("%s: only %d frames of music found; the test needs its two jingles", path, music)
	}
	return writeWAV(t, sig)
}
