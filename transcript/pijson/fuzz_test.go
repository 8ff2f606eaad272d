package pijson_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/fuzzlimit"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
	"github.com/podpipe/podpipe/transcript/pijson"
	"github.com/podpipe/podpipe/transcript/srt"
	"github.com/podpipe/podpipe/transcript/webvtt"
	"github.com/podpipe/podpipe/transcript/whisper"
)

// FuzzRead reads any input under fuzzlimit's time limit, and writes what
// it accepts in every timed format: laying out captions is where a wide
// speaker name once looped for ever. Seeds: the repository's transcripts
// written as Podcasting 2.0 JSON, and the inputs of past findings.
func FuzzRead(f *testing.F) {
	for _, src := range seeds(f) {
		f.Add(src)
	}
	// A speaker name of 36 CJK characters looped the SRT layout for ever.
	f.Add([]byte(`{"version":"1.0.0","segments":[{"speaker":"主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人","startTime":0,"endTime":5,"body":"大家好，今天聊可觀測性。"},{"speaker":"主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人","startTime":5,"endTime":9,"body":"A: 像名字的一句話。"}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		fuzzlimit.Run(t, func() error {
			tr, err := pijson.Read("fuzz.json", bytes.NewReader(src))
			if err != nil {
				return nil
			}
			var buf bytes.Buffer
			if err := pijson.Write(&buf, tr); err != nil {
				return err // what was read can be written back
			}
			for _, w := range []func(*bytes.Buffer, *transcript.Transcript) error{
				func(b *bytes.Buffer, t *transcript.Transcript) error { return webvtt.Write(b, t) },
				func(b *bytes.Buffer, t *transcript.Transcript) error { return srt.Write(b, t) },
				func(b *bytes.Buffer, t *transcript.Transcript) error { return pijson.Write(b, t) },
				func(b *bytes.Buffer, t *transcript.Transcript) error { return whisper.Write(b, t) },
			} {
				buf.Reset()
				w(&buf, tr) // another format may refuse what it cannot say; it must not hang
			}
			return nil
		})
	})
}

// seeds returns the repository's transcripts, timed and written as Podcasting 2.0 JSON.
func seeds(f *testing.F) [][]byte {
	files, _ := filepath.Glob(filepath.Join("..", "..", "episodes", "*.md"))
	files = append(files, filepath.Join("..", "testdata", "talk.md"))
	var out [][]byte
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		tr, err := markdown.Parse(name, src)
		if err != nil {
			f.Fatal(err)
		}
		if err := (transcript.Proportional{}).Time(context.Background(), tr, transcript.Audio{Duration: 30 * time.Minute}); err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		if err := pijson.Write(&buf, tr); err != nil {
			f.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return out
}
