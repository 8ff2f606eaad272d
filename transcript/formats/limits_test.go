package formats_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/formats"
	"github.com/podpipe/podpipe/transcript/pijson"
	"github.com/podpipe/podpipe/transcript/srt"
	"github.com/podpipe/podpipe/transcript/webvtt"
	"github.com/podpipe/podpipe/transcript/whisper"
)

// A file of each format with one cue, so that what follows it is what
// makes it large.
var oneCue = []struct {
	name string
	read func(string, io.Reader) (*transcript.Transcript, error)
	body string
	line bool // line-based: MaxLine holds
}{
	{"a.vtt", webvtt.Read, "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v A>hello\n", true},
	{"a.srt", srt.Read, "1\n00:00:00,000 --> 00:00:01,000\nA: hello\n", true},
	{"a.json", pijson.Read, `{"version":"1.0.0","segments":[{"speaker":"A","startTime":0,"endTime":1,"body":"hello"}]}` + "\n", false},
	{"w.json", whisper.Read, `{"text":"hello","segments":[{"start":0,"end":1,"text":"hello"}]}` + "\n", false},
}

// padTo fills body to exactly size bytes with lines of blanks, which
// every format reads as nothing.
func padTo(body string, size int) []byte {
	b := make([]byte, 0, size)
	b = append(b, body...)
	for len(b) < size {
		n := min(size-len(b), 1024)
		b = append(b, bytes.Repeat([]byte(" "), n-1)...)
		b = append(b, '\n')
	}
	return b
}

// Each reader, and Read for any format, accepts a transcript of exactly
// the limit and refuses one a byte larger with one line naming the file.
func TestReadersSizeLimit(t *testing.T) {
	limit := int(transcript.TranscriptLimit.Size)
	for _, tc := range oneCue {
		at := padTo(tc.body, limit)
		over := padTo(tc.body, limit+1)
		for _, r := range []struct {
			via  string
			read func(string, io.Reader) (*transcript.Transcript, error)
		}{{"reader", tc.read}, {"formats.Read", formats.Read}} {
			// Parsing 32 MiB takes the race detector a minute a file; a
			// byte more is refused before parsing, which it can check.
			if !raceEnabled {
				if _, err := r.read(tc.name, bytes.NewReader(at)); err != nil {
					t.Errorf("%s %s of %d bytes: %v", r.via, tc.name, limit, err)
				}
			}
			_, err := r.read(tc.name, bytes.NewReader(over))
			want := fmt.Sprintf("%s: too large: more than %d bytes, over the 32 MiB a transcript may have", tc.name, limit)
			if err == nil || err.Error() != want || !errors.Is(err, transcript.ErrTooLarge) {
				t.Errorf("%s %s of %d bytes: err = %v, want %q", r.via, tc.name, limit+1, err, want)
			}
		}
	}
}

// countingReader is an endless source that counts what is read of it.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	c.n += int64(len(p))
	return len(p), nil
}

// An endless source is read no further than the limit and a byte.
func TestReadEndless(t *testing.T) {
	for _, tc := range oneCue {
		c := &countingReader{}
		_, err := tc.read(tc.name, io.MultiReader(strings.NewReader(tc.body), c))
		if !errors.Is(err, transcript.ErrTooLarge) {
			t.Errorf("%s: err = %v, want too large", tc.name, err)
		}
		if max := transcript.TranscriptLimit.Size + 1; int64(len(tc.body))+c.n > max {
			t.Errorf("%s: read %d bytes, want no more than %d", tc.name, int64(len(tc.body))+c.n, max)
		}
	}
}

// The line-based readers accept a line of MaxLine bytes and refuse one a
// byte longer, naming its line.
func TestReadersLineLimit(t *testing.T) {
	for _, tc := range oneCue {
		if !tc.line {
			continue
		}
		// The long line is the last line of the cue, made longer.
		body := strings.TrimSuffix(tc.body, "\n")
		long := func(n int) string {
			return body + " " + strings.Repeat("x", n-len(body[strings.LastIndex(body, "\n")+1:])-1) + "\n"
		}
		if _, err := tc.read(tc.name, strings.NewReader(long(transcript.MaxLine))); err != nil {
			t.Errorf("%s with a line of %d bytes: %v", tc.name, transcript.MaxLine, err)
		}
		_, err := tc.read(tc.name, strings.NewReader(long(transcript.MaxLine+1)))
		want := fmt.Sprintf("%s:%d: too large: a line of %d bytes, over the 64 KiB a line may have", tc.name, strings.Count(body, "\n")+1, transcript.MaxLine+1)
		if err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %q", tc.name, err, want)
		}
	}
}

// The JSON readers accept arrays and objects nested as deep as the limit
// and refuse them a level deeper, naming the line, instead of the
// decoder's "exceeded max depth" after 10,000 levels.
func TestJSONDepthLimit(t *testing.T) {
	for _, tc := range oneCue {
		if tc.line {
			continue
		}
		// The top object, the segments and a segment are three levels.
		nested := func(depth int) string {
			x := strings.Repeat("[", depth-3) + strings.Repeat("]", depth-3)
			return strings.Replace(tc.body, `"hello"}`, "\"hello\",\n\"x\":"+x+"}", 1)
		}
		if _, err := tc.read(tc.name, strings.NewReader(nested(64))); err != nil {
			t.Errorf("%s nested 64 deep: %v", tc.name, err)
		}
		_, err := tc.read(tc.name, strings.NewReader(nested(65)))
		want := tc.name + ":2: too large: arrays and objects nested over 64 deep"
		if err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %q", tc.name, err, want)
		}
	}
}
