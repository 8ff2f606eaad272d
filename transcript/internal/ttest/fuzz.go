package ttest

import (
	"bytes"
	"context"
	"io"
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

// A Format is a timed format's reader and writer, as FuzzRead takes them.
type Format struct {
	File  string // the name the reader is given: "fuzz.srt"
	Read  func(name string, r io.Reader) (*transcript.Transcript, error)
	Write func(w io.Writer, t *transcript.Transcript) error
}

// writers are every timed format's writers.
var writers = []func(io.Writer, *transcript.Transcript) error{webvtt.Write, srt.Write, pijson.Write, whisper.Write}

// FuzzRead reads any input as format under fuzzlimit's time limit, and
// writes what it accepts back in format (which must take it) and in every
// timed format (which may refuse what it cannot say, but must not hang):
// laying out captions is where a wide speaker name once looped for ever.
// Seeds: the repository's transcripts, timed and written as format, then
// extra (the inputs of past findings). Call it from the format's own
// package folder.
func FuzzRead(f *testing.F, format Format, extra ...[]byte) {
	for _, src := range seeds(f, format) {
		f.Add(src)
	}
	for _, src := range extra {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fuzzlimit.Run(t, func() error {
			tr, err := format.Read(format.File, bytes.NewReader(src))
			if err != nil {
				return nil
			}
			if err := format.Write(io.Discard, tr); err != nil {
				return err // what was read can be written back
			}
			for _, w := range writers {
				w(io.Discard, tr)
			}
			return nil
		})
	})
}

// seeds returns the repository's transcripts, timed and written as format.
func seeds(f *testing.F, format Format) [][]byte {
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
		if err := format.Write(&buf, tr); err != nil {
			f.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return out
}
