package id3_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/id3"
	"github.com/podpipe/podpipe/internal/fuzzlimit"
	"github.com/podpipe/podpipe/mp3"
)

// FuzzReadLimited reads the tag of any input under fuzzlimit's time limit:
// frames nested in CHAP and CTOC, sizes that point past the end and
// unsynchronised data must fail fast or read, never loop. Seeds: the heads
// of the repository's episodes, bare and with a tag of ours written on.
func FuzzReadLimited(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "episodes", "*.mp3"))
	dir := f.TempDir()
	for i, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(4<<10, len(b))])
		src, dst := filepath.Join(dir, fmt.Sprint(i, ".mp3")), filepath.Join(dir, fmt.Sprint(i, "-tagged.mp3"))
		if err := os.WriteFile(src, b, 0o644); err != nil {
			f.Fatal(err)
		}
		tag := id3.Tag{Title: "標題", Artist: "A", Comment: "c", URL: "https://example.com/",
			Chapters: []chapters.Chapter{{Title: "一"}, {Title: "二", Start: 1e9, URL: "https://example.com/2"}}}
		if err := id3.WriteFile(dst, src, tag); err != nil {
			f.Fatal(err)
		}
		tagged, err := os.ReadFile(dst)
		if err != nil {
			f.Fatal(err)
		}
		end, err := mp3.SkipID3v2(bytes.NewReader(tagged))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tagged[:min(int(end)+1024, len(tagged))])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzlimit.Run(t, func() error {
			tag, err := id3.Read(bytes.NewReader(b))
			if err != nil {
				return nil
			}
			for _, c := range tag.Chapters {
				if c.Start < 0 || c.End < 0 {
					return fmt.Errorf("negative time %+v", c)
				}
			}
			_, err = id3.ReadChapters(bytes.NewReader(b))
			return err
		})
	})
}
