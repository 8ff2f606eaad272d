package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/internal/testtool"
)

const talk = `# 測試

**日期:** 2025年9月24日

## 對談內容

**主持人:** 歡迎收聽。

*(音樂)*

**來賓:** [00:07] 大家好。

謝謝邀請。
`

type truthRow struct {
	start, end    float64
	kind, speaker string
	text          string
}

func readTruth(t *testing.T, name string) []truthRow {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("truth is not a TSV: %v", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "start,end,kind,speaker,text" {
		t.Fatalf("truth header = %q", recs)
	}
	var rows []truthRow
	for _, rec := range recs[1:] {
		s, err1 := strconv.ParseFloat(rec[0], 64)
		e, err2 := strconv.ParseFloat(rec[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad times in %q", rec)
		}
		rows = append(rows, truthRow{s, e, rec[2], rec[3], rec[4]})
	}
	return rows
}

func rms(s []float64) float64 {
	var sum float64
	for _, v := range s {
		sum += v * v
	}
	return math.Sqrt(sum / float64(max(1, len(s))))
}

func synthesise(t *testing.T, dir string, seed uint64, out string) (truth string) {
	t.Helper()
	in := filepath.Join(dir, "ep.md")
	if err := os.WriteFile(in, []byte(talk), 0o644); err != nil {
		t.Fatal(err)
	}
	truth = filepath.Join(dir, "truth-"+strconv.FormatUint(seed, 10)+".tsv")
	o := options{in: in, out: out, truth: truth, engine: "espeak-ng", speed: 175,
		gapMin: 0.3, gapMax: 1.2, cueLen: 2, seed: seed, kbps: 32}
	if err := run(context.Background(), o, io.Discard); err != nil {
		t.Fatalf("run: %v", err)
	}
	return truth
}

// TestRender checks that the truth describes the audio: speech where it
// says speech, silence in the pauses, the cue as long as asked, the anchor
// honoured, and the same seed giving the same result.
func TestRender(t *testing.T) {
	testtool.Need(t, "espeak-ng")
	dir := t.TempDir()
	wav := filepath.Join(dir, "ep.wav")
	truth := synthesise(t, dir, 1, wav)
	rows := readTruth(t, truth)

	wantKinds := []string{"speech/主持人", "cue/", "speech/來賓", "speech/來賓"}
	if len(rows) != len(wantKinds) {
		t.Fatalf("truth has %d rows, want %d: %+v", len(rows), len(wantKinds), rows)
	}
	for i, r := range rows {
		if got := r.kind + "/" + r.speaker; got != wantKinds[i] {
			t.Errorf("row %d is %s, want %s", i, got, wantKinds[i])
		}
		if r.end <= r.start || (i > 0 && r.start < rows[i-1].end+0.29) {
			t.Errorf("row %d [%.3f, %.3f] overlaps or has no pause after the previous", i, r.start, r.end)
		}
	}
	if d := rows[1].end - rows[1].start; math.Abs(d-2) > 0.001 {
		t.Errorf("cue lasts %.3f s, want 2", d)
	}
	if rows[2].start != 7 {
		t.Errorf("anchored turn starts at %.3f, want 7", rows[2].start)
	}
	if rows[2].text != "大家好。" || rows[3].text != "謝謝邀請。" {
		t.Errorf("texts %q, %q: anchor or continuation mishandled", rows[2].text, rows[3].text)
	}

	f, err := os.Open(wav)
	if err != nil {
		t.Fatal(err)
	}
	samples, sr, err := readWAV(f)
	f.Close()
	if err != nil || sr != rate {
		t.Fatalf("readWAV: %v (rate %d)", err, sr)
	}
	at := func(s float64) int { return min(len(samples), int(math.Round(s*rate))) }
	if got, want := float64(len(samples))/rate, rows[len(rows)-1].end+0.5; math.Abs(got-want) > 0.001 {
		t.Errorf("audio lasts %.3f s, want %.3f", got, want)
	}
	for i, r := range rows {
		if v := rms(samples[at(r.start):at(r.end)]); v < 0.02 {
			t.Errorf("row %d is nearly silent (rms %.4f)", i, v)
		}
		if i > 0 {
			if v := rms(samples[at(rows[i-1].end):at(r.start)]); v > 0.001 {
				t.Errorf("pause before row %d is not silent (rms %.4f)", i, v)
			}
		}
	}

	again := synthesise(t, dir, 1, filepath.Join(dir, "again.wav"))
	other := synthesise(t, dir, 2, filepath.Join(dir, "other.wav"))
	a, _ := os.ReadFile(truth)
	b, _ := os.ReadFile(again)
	c, _ := os.ReadFile(other)
	if !bytes.Equal(a, b) {
		t.Errorf("same seed, different truth:\n%s\n%s", a, b)
	}
	if bytes.Equal(a, c) {
		t.Errorf("seeds 1 and 2 gave the same pauses")
	}
}

// TestRenderMP3 checks the encoded file with ffprobe: mono, 22.05 kHz, and
// as long as the truth says.
func TestRenderMP3(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes audio")
	}
	testtool.Need(t, "espeak-ng")
	testtool.Need(t, "lame")
	ffprobe := testtool.Need(t, "ffprobe")
	dir := t.TempDir()
	mp3 := filepath.Join(dir, "ep.mp3")
	rows := readTruth(t, synthesise(t, dir, 1, mp3))
	out, err := exec.Command(ffprobe, "-v", "error", "-show_entries", "stream=codec_name,channels,sample_rate:format=duration",
		"-of", "default=noprint_wrappers=1", mp3).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	got := string(out)
	for _, want := range []string{"codec_name=mp3", "channels=1", "sample_rate=22050"} {
		if !strings.Contains(got, want) {
			t.Errorf("ffprobe says %q, want %s", got, want)
		}
	}
	i := strings.Index(got, "duration=")
	if i < 0 {
		t.Fatalf("ffprobe gave no duration: %q", got)
	}
	d, err := strconv.ParseFloat(strings.Fields(got[i+len("duration="):])[0], 64)
	if err != nil {
		t.Fatal(err)
	}
	// lame pads the stream by a frame or two.
	if want := rows[len(rows)-1].end + 0.5; d < want-0.01 || d > want+0.15 {
		t.Errorf("mp3 lasts %.3f s, want about %.3f", d, want)
	}
}
