package chapters_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/transcript"
)

const twoChapters = "00:00 Intro\n01:00 Outro\n"

// padTo fills a text list to exactly size bytes with blank lines.
func padTo(body string, size int) []byte {
	b := []byte(body)
	for len(b) < size {
		n := min(size-len(b), 1024)
		b = append(b, bytes.Repeat([]byte(" "), n-1)...)
		b = append(b, '\n')
	}
	return b
}

func TestParseSizeLimit(t *testing.T) {
	limit := int(transcript.ChaptersLimit.Size)
	if _, err := chapters.Parse("c.txt", bytes.NewReader(padTo(twoChapters, limit))); err != nil {
		t.Errorf("a chapters file of %d bytes: %v", limit, err)
	}
	_, err := chapters.Parse("c.txt", bytes.NewReader(padTo(twoChapters, limit+1)))
	want := fmt.Sprintf("c.txt: too large: more than %d bytes, over the 1 MiB a chapters file may have", limit)
	if err == nil || err.Error() != want || !errors.Is(err, transcript.ErrTooLarge) {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// A file far past the limit is refused from its size, without being read.
func TestParseSparseFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.txt")
	if err := os.WriteFile(p, []byte(twoChapters), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, 1<<30); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = chapters.Parse("c.txt", f)
	want := "c.txt: too large: 1073741824 bytes, over the 1 MiB a chapters file may have"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if off, _ := f.Seek(0, io.SeekCurrent); off != 0 {
		t.Errorf("read %d bytes of the file, want none", off)
	}
}

// endless is a source that never ends, counting what is read of it.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '\n'
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestParseEndless(t *testing.T) {
	e := &endless{}
	_, err := chapters.Parse("c.txt", io.MultiReader(strings.NewReader(twoChapters), e))
	if !errors.Is(err, transcript.ErrTooLarge) {
		t.Errorf("err = %v, want too large", err)
	}
	if n, max := int64(len(twoChapters))+e.n, transcript.ChaptersLimit.Size+1; n > max {
		t.Errorf("read %d bytes, want no more than %d", n, max)
	}
}

// A text list or Audacity labels accept a line of MaxLine bytes and refuse
// one a byte longer, naming its line.
func TestParseLineLimit(t *testing.T) {
	for _, tc := range []struct{ name, first, second string }{
		{"c.txt", "00:00 Intro\n", "01:00 "},
		{"labels.txt", "0\t0\tIntro\n", "60\t60\t"},
	} {
		long := func(n int) string { return tc.first + tc.second + strings.Repeat("x", n-len(tc.second)) + "\n" }
		if _, err := chapters.Parse(tc.name, strings.NewReader(long(transcript.MaxLine))); err != nil {
			t.Errorf("%s: a line of %d bytes: %v", tc.name, transcript.MaxLine, err)
		}
		_, err := chapters.Parse(tc.name, strings.NewReader(long(transcript.MaxLine+1)))
		want := fmt.Sprintf("%s:2: too large: a line of %d bytes, over the 64 KiB a line may have", tc.name, transcript.MaxLine+1)
		if err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %q", tc.name, err, want)
		}
	}
}
