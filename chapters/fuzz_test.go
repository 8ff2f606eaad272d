package chapters_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/internal/fuzzlimit"
)

// FuzzRead reads any input as chapters (plain text, Audacity labels, JSON
// or Podlove Simple Chapters, whichever it looks like) under fuzzlimit's
// time limit, and writes what validates in each format we write. Seeds:
// the repository's chapter files.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	more, _ := filepath.Glob(filepath.Join("..", "episodes", "*.chapters.*"))
	for _, name := range append(files, more...) {
		if fi, err := os.Stat(name); filepath.Ext(name) == ".golden" || err != nil || fi.IsDir() {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("0:00 a\n1:00:00.5 b\n99:59:59 c\n"))
	f.Add([]byte("0.000000\t1.5\tLabel\n1.500000\t1.500000\tPoint\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzlimit.Run(t, func() error {
			list, err := chapters.Parse("fuzz", bytes.NewReader(b))
			if err != nil {
				return nil
			}
			fixed, _, err := chapters.Validate(list, time.Hour)
			if err != nil {
				return nil
			}
			var buf bytes.Buffer
			if err := chapters.WriteJSON(&buf, fixed, chapters.JSONMeta{}); err != nil {
				return fmt.Errorf("JSON: %w", err)
			}
			buf.Reset()
			if err := chapters.WritePSC(&buf, fixed); err != nil {
				return fmt.Errorf("PSC: %w", err)
			}
			chapters.Timestamps(fixed)
			return nil
		})
	})
}
