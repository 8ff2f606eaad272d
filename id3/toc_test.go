package id3_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/id3"
)

// TestTooManyChaptersPos: with more visible chapters than a CTOC lists,
// the error names the file and line of the first one that does not fit
// (hidden chapters do not count), so that `publish` points the editor at
// the chapters file rather than at the MP3.
func TestTooManyChaptersPos(t *testing.T) {
	audio := genAudio(t, audioOpts)
	src := writeTemp(t, "src.mp3", audio)
	list := make([]chapters.Chapter, 300)
	for i := range list {
		list[i] = chapters.Chapter{
			Start:  time.Duration(i) * 10 * time.Millisecond,
			Title:  fmt.Sprint("c", i),
			Hidden: i < 10,
			Pos:    fmt.Sprintf("ep.chapters.txt:%d", i+1),
		}
	}
	// Chapters 11–265 (lines) fill the CTOC; line 266 is the first too many.
	err := id3.WriteFile(filepath.Join(t.TempDir(), "out.mp3"), src, id3.Tag{Chapters: list})
	if !errors.Is(err, id3.ErrTooManyChapters) {
		t.Fatalf("err = %v, want ErrTooManyChapters", err)
	}
	if !strings.HasPrefix(err.Error(), "ep.chapters.txt:266: ") {
		t.Errorf("err = %q, want it to start with the position ep.chapters.txt:266", err)
	}
}
