package vad

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/podpipe/podpipe/align/audio"
	"github.com/podpipe/podpipe/align/mfcc"
	"github.com/podpipe/podpipe/internal/testtool"
)

// levelText is read by a high, level espeak-ng voice whose few strong
// harmonics make its spectrum as peaky as music's.
const levelText = "歡迎回來。今天有兩位來賓，王怡君和馬可。我們的叢集一度有一半的處理器是閒置的。" +
	"這很常見。大家都把請求設得很高，怕被砍。那怎麼讓團隊看見自己的帳單？" +
	"每個命名空間都要標上團隊和產品，帳單才分得清楚。我們每週寄一份報告給每個團隊，" +
	"上面寫著他們花了多少錢，比上週多還是少。"

// speak returns text read by an espeak-ng voice at 16 kHz.
func speak(t *testing.T, voice, pitch, text string) []float32 {
	t.Helper()
	espeak := testtool.Need(t, "espeak-ng")
	out := filepath.Join(t.TempDir(), "speech.wav")
	cmd := exec.Command(espeak, "-v", voice, "-p", pitch, "-s", "175", "-w", out, text)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng -v %s: %v: %s", voice, err, b)
	}
	return readWAV(t, out)
}

func readWAV(t *testing.T, path string) []float32 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := audio.ReadAll(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

// A speaking voice whose spectrum is as peaky as music's is still speech:
// its syllables break it up. espeak-ng's cmn-latn-pinyin+f4 at pitch 75
// was called music over most of its length by the flatness test alone.
func TestLevelVoiceIsSpeech(t *testing.T) {
	for _, v := range []struct{ voice, pitch string }{
		{"cmn-latn-pinyin+f4", "75"}, {"cmn-latn-pinyin+f5", "75"}, {"cmn-latn-pinyin+f2", "62"},
	} {
		s := speak(t, v.voice, v.pitch, levelText)
		r := Detect(mfcc.Compute(s))
		n := len(r.Labels)
		music, speech := r.Count(Music, 0, n), r.Count(Speech, 0, n)
		t.Logf("%s/%s: %d frames of music, %d of speech", v.voice, v.pitch, music, speech)
		if speech == 0 || music*20 > music+speech {
			t.Errorf("%s/%s: %d of %d sounding frames called music, want under 5 %%: %v",
				v.voice, v.pitch, music, music+speech, r.Segments)
		}
	}
}

// Music between turns of that voice is still found, and where it starts:
// a held chord (sox) and plucked notes over a pad.
func TestMusicBetweenLevelSpeech(t *testing.T) {
	sox := testtool.Need(t, "sox")
	chordPath := filepath.Join(t.TempDir(), "chord.wav")
	cmd := exec.Command(sox, "-n", "-r", "16000", "-c", "1", chordPath,
		"synth", "4", "sine", "220", "sine", "277.18", "sine", "329.63", "sine", "440", "remix", "-", "gain", "-n", "-12")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sox: %v: %s", err, b)
	}
	chord := readWAV(t, chordPath)
	speech := speak(t, "cmn-latn-pinyin+f4", "75", levelText)
	// Turns of 8 s, each followed by a quarter second of silence, as
	// between turns.
	turn := speech[:min(len(speech), 8*rate)]
	gap := make([]float32, rate/4)
	var sig []float32
	type span struct{ start, end int }
	var music []span
	add := func(s []float32, isMusic bool) {
		from := len(sig) / mfcc.Hop
		sig = append(sig, s...)
		if isMusic {
			music = append(music, span{from, len(sig) / mfcc.Hop})
		}
		sig = append(sig, gap...)
	}
	add(turn, false)
	add(chord, true)
	add(turn, false)
	add(jingle(4), true)
	add(turn, false)
	r := Detect(mfcc.Compute(sig))
	t.Logf("segments: %v", r.Segments)
	for _, m := range music {
		var found *Segment
		for i, s := range r.Segments {
			if s.Class == Music && s.End > m.start && s.Start < m.end {
				found = &r.Segments[i]
				break
			}
		}
		if found == nil {
			t.Errorf("music at frames [%d, %d) not found", m.start, m.end)
			continue
		}
		if abs(found.Start-m.start) > 50 || abs(found.End-m.end) > 50 {
			t.Errorf("music at frames [%d, %d) found at [%d, %d): off by more than 0.5 s", m.start, m.end, found.Start, found.End)
		}
	}
	inMusic := 0
	for _, m := range music {
		inMusic += r.Count(Music, m.start, m.end)
	}
	if extra := r.Count(Music, 0, len(r.Labels)) - inMusic; extra > 3*rate/mfcc.Hop/20 {
		t.Errorf("%d frames of speech called music", extra)
	}
}
