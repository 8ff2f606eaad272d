package whisper_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/internal/ttest"
	"github.com/podpipe/podpipe/transcript/whisper"
)

// A trimmed sample of what `whisper --output_format json` writes.
const sample = `{"text": " 大家好 歡迎收聽", "segments": [
 {"id": 0, "seek": 0, "start": 0.0, "end": 2.64, "text": " 大家好", "tokens": [50364, 2812], "temperature": 0.0, "avg_logprob": -0.25, "compression_ratio": 0.8, "no_speech_prob": 0.01},
 {"id": 1, "seek": 0, "start": 2.64, "end": 5.0, "text": " 歡迎收聽", "tokens": [50496], "temperature": 0.0, "avg_logprob": -0.25, "compression_ratio": 0.8, "no_speech_prob": 0.01},
 {"id": 2, "seek": 0, "start": 5.0, "end": 7.5, "text": " [Music]", "tokens": [], "temperature": 0.0, "avg_logprob": -0.25, "compression_ratio": 0.8, "no_speech_prob": 0.9}
], "language": "zh"}`

func TestRead(t *testing.T) {
	got, err := whisper.Read("w.json", strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got.Language != "zh" || len(got.Units) != 3 {
		t.Fatalf("got %+v", got)
	}
	u := got.Units[1]
	if u.Text != "歡迎收聽" || u.Start != 2640*time.Millisecond || u.End != 5*time.Second || u.Line != 3 {
		t.Errorf("unit 1 = %+v", u)
	}
	if c := got.Units[2]; c.Kind != transcript.Cue || c.Text != "Music" {
		t.Errorf("unit 2 = %+v", c)
	}
}

// TestReadWhisperQuirks: Whisper's own output has segments that start a
// little before the previous one ends, and segments of no length; they are
// read, not refused.
func TestReadWhisperQuirks(t *testing.T) {
	src := `{"segments": [
{"start": 0.0, "end": 2.5, "text": " 大家好"},
{"start": 2.4, "end": 4.0, "text": " 歡迎收聽"},
{"start": 4.0, "end": 4.0, "text": " 本集"},
{"start": 4.2, "end": 6.0, "text": " 開始吧"}]}`
	got, err := whisper.Read("w.json", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	var starts []time.Duration
	for _, u := range got.Units {
		texts = append(texts, u.Text)
		starts = append(starts, u.Start)
	}
	if want := []string{"大家好", "歡迎收聽本集", "開始吧"}; strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("texts = %q, want %q", texts, want)
	}
	if want := []time.Duration{0, 2500 * time.Millisecond, 4200 * time.Millisecond}; len(starts) != 3 || starts[1] != want[1] || starts[2] != want[2] {
		t.Errorf("starts = %v, want %v", starts, want)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"no text", "{\"segments\": [\n{\"start\": 0, \"end\": 1}]}", "w.json:2: segment needs start, end and text"},
		{"backwards", "{\"segments\": [\n{\"start\": 2, \"end\": 1, \"text\": \"x\"}]}", "w.json:2: segment ends at 1.000, not after it starts at 2.000: cues out of order or overlapping"},
		{"overlapping a lot", "{\"segments\": [\n{\"start\": 0, \"end\": 6, \"text\": \"x\"},\n{\"start\": 4, \"end\": 8, \"text\": \"y\"}]}", "w.json:3: segment starts at 4.000, before the previous segment ends (6.000): cues out of order or overlapping"},
		{"out of order", "{\"segments\": [\n{\"start\": 5, \"end\": 6, \"text\": \"x\"},\n{\"start\": 1, \"end\": 2, \"text\": \"y\"}]}", "w.json:3: segment starts at 1.000, before the previous segment (5.000): cues out of order or overlapping"},
		{"empty segments", `{"segments": []}`, "w.json:1: no speaker turns: no segments with text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := whisper.Read("w.json", strings.NewReader(tc.src))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v\nwant  %s", err, tc.want)
			}
		})
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add(sample)
	f.Add(`{"segments":[{"start":0,"end":0.002,"text":"a long line of text that does not fit in one caption at all, and then some more words.","speaker":"SPEAKER_00"}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		t1, err := whisper.Read("fuzz.json", strings.NewReader(src))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := whisper.Write(&buf, t1); err != nil {
			t.Fatalf("write: %v", err)
		}
		t2, err := whisper.Read("again.json", bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("read back: %v\n%s", err, buf.String())
		}
		if err := ttest.Equivalent(t1, t2); err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
	})
}
