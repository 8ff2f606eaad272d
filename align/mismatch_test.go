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
func marginsAround(n int, mean float64) []float64 {
	m := make([]float64, n)
	for i := range m {
		m[i] = mean - 1
		if i%2 == 0 {
			m[i] = mean + 1
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

// The sample show's three short episodes still align to their own audio
// without a doubt, and episode 2's transcript under episode 1's audio with
// its music silenced (another episode's file, cut without its jingles) is
// refused: the content test alone only doubts it (9 sentences, t about
// 1), but both of the transcript's music cues fall where that audio has
// no music. About 15 s of CPU.
func TestSampleShowMismatch(t *testing.T) {
	if testing.Short() {
		t.Skip("aligns four episodes with espeak-ng")
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
	for _, ep := range []string{"01-p99-observability", "02-kubernetes-cost", "03-edge-ai-inference"} {
		base := "../episodes/" + ep
		a, err := run(base+".md", base+".mp3")
		if err != nil {
			t.Fatalf("%s on its own audio: %v", ep, err)
		}
		if v := a.match.verdict(); v != matchGood {
			t.Errorf("%s on its own audio: verdict %d (t = %.1f), want accepted; warnings %q", ep, v, a.match.Content.T(), a.report.Warnings)
		}
	}
	silenced := withoutMusic(t, "../episodes/01-p99-observability.mp3")
	a, err := run("../episodes/02-kubernetes-cost.md", silenced)
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("episode 2 on episode 1's audio without music: err = %v, want ErrMismatch", err)
	}
	t.Logf("refused: %v", err)
	if v := a.match.verdict(); v != matchOffMusic {
		t.Errorf("verdict %d, want refused on weak content and a cue off music (t = %.1f over %d sentences)", v, a.match.Content.T(), len(a.match.Content.Margins))
	}
	if msg := err.Error(); !strings.Contains(msg, silenced) || !strings.Contains(msg, "no music") {
		t.Errorf("the error does not name the audio and the music: %s", msg)
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
