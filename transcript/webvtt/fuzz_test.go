package webvtt_test

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
// written as WebVTT, and the inputs of past findings.
func FuzzRead(f *testing.F) {
	for _, src := range seeds(f) {
		f.Add(src)
	}
	// A voice name of 36 CJK characters looped the SRT layout for ever.
	f.Add([]byte("WEBVTT\n\n00:00.000 --> 00:05.000\n<v 主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人>大家好，今天聊可觀測性。\n\n00:05.000 --> 00:09.000\n<v 主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人>第二段話，還是同一個人。\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fuzzlimit.Run(t, func() error {
			tr, err := webvtt.Read("fuzz.vtt", bytes.NewReader(src))
			if err != nil {
				return nil
			}
			var buf bytes.Buffer
			if err := webvtt.Write(&buf, tr); err != nil {
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

// seeds returns the repository's transcripts, timed and written as WebVTT.
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
		if err := webvtt.Write(&buf, tr); err != nil {
			f.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return out
}
