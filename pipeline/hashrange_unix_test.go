//go:build unix

package pipeline

import (
	"crypto/sha256"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHashRange hashes stretches of a file that start inside a page and
// end inside a window or on its edge, mapped (hashRange, with a window of
// a few pages so that a stretch spans several mappings) and read through
// a buffer (readRange, where files do not map), and compares each sum
// with the SHA-256 of the same bytes; a stretch pages past the file's
// end is an error that says the file got shorter, both ways (within its
// last page a mapping reads zeros: the callers' check of the file's
// size after the hash catches that).
func TestHashRange(t *testing.T) {
	page := int64(os.Getpagesize())
	defer func(w int64) { mapWindow = w }(mapWindow)
	mapWindow = 4 * page

	data := make([]byte, 9*mapWindow+123)
	for i := range data {
		data[i] = byte(i*7 + i>>9)
	}
	f := openWritten(t, data)
	defer f.Close()
	ways := map[string]func(*os.File, int64, int64, io.Writer) error{"mapped": hashRange, "read": readRange}
	for _, c := range []struct{ off, n int64 }{
		{0, 0}, {0, 1}, {0, int64(len(data))}, {1, int64(len(data)) - 1},
		{page - 1, mapWindow}, {page + 17, 3*mapWindow - 17}, {5 * page, 2 * page},
		{int64(len(data)) - 5, 5},
	} {
		want := sha256.Sum256(data[c.off : c.off+c.n])
		for way, hashIt := range ways {
			h := sha256.New()
			if err := hashIt(f, c.off, c.n, h); err != nil {
				t.Fatalf("%s, %d bytes from %d: %v", way, c.n, c.off, err)
			}
			if s := h.Sum(nil); string(s) != string(want[:]) {
				t.Errorf("%s, %d bytes from %d: the sum differs from the bytes' SHA-256", way, c.n, c.off)
			}
		}
	}
	for way, hashIt := range ways {
		if err := hashIt(f, 0, int64(len(data))+2*page, sha256.New()); err == nil || !strings.Contains(err.Error(), "got shorter") {
			t.Errorf("%s, past the file's end: %v; want an error saying it got shorter", way, err)
		}
	}
}

// cutting cuts its file short the first time it is written to, then
// hashes what it is given: bytes mapped from the file it just cut.
type cutting struct {
	f   *os.File
	h   hash.Hash
	cut bool
}

func (c *cutting) Write(b []byte) (int, error) {
	if !c.cut {
		c.cut = true
		if err := c.f.Truncate(0); err != nil {
			return 0, err
		}
	}
	return c.h.Write(b)
}

// TestHashRangeFileCutShort: a source cut short while it is mapped faults
// where its bytes were; hashRange says the file got shorter, and the
// process lives on.
func TestHashRangeFileCutShort(t *testing.T) {
	name := filepath.Join(t.TempDir(), "a.mp3")
	if err := os.WriteFile(name, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := hashRange(w, 0, 1<<20, &cutting{f: w, h: sha256.New()}); err == nil || !strings.Contains(err.Error(), "got shorter") {
		t.Errorf("a file cut short while it was hashed: %v; want an error saying it got shorter", err)
	}
}
