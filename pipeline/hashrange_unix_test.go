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
// end inside a window or on its edge, through one hash and through two,
// with a window of a few pages so that a stretch spans several mappings,
// and compares each sum with the SHA-256 of the same bytes read from the
// file; report is told every byte.
func TestHashRange(t *testing.T) {
	page := int64(os.Getpagesize())
	defer func(w int64) { mapWindow = w }(mapWindow)
	mapWindow = 4 * page

	data := make([]byte, 9*mapWindow+123)
	for i := range data {
		data[i] = byte(i*7 + i>>9)
	}
	name := filepath.Join(t.TempDir(), "a.mp3")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct{ off, n int64 }{
		{0, 0}, {0, 1}, {0, int64(len(data))}, {1, int64(len(data)) - 1},
		{page - 1, mapWindow}, {page + 17, 3*mapWindow - 17}, {5 * page, 2 * page},
		{int64(len(data)) - 5, 5},
	} {
		want := sha256.Sum256(data[c.off : c.off+c.n])
		for _, k := range []int{1, 2} {
			hs := make([]io.Writer, k)
			for i := range hs {
				hs[i] = sha256.New()
			}
			var told int64
			got, err := hashRange(f, c.off, c.n, func(n int64) { told = n }, hs...)
			if err != nil || got != c.n {
				t.Fatalf("%d bytes from %d, %d hashes: hashRange = %d, %v", c.n, c.off, k, got, err)
			}
			if c.n > 0 && told != c.n {
				t.Errorf("%d bytes from %d: report last told %d", c.n, c.off, told)
			}
			for i, h := range hs {
				if s := h.(hash.Hash).Sum(nil); string(s) != string(want[:]) {
					t.Errorf("%d bytes from %d: hash %d of %d differs from the bytes' SHA-256", c.n, c.off, i+1, k)
				}
			}
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
// where its bytes were; hashRange says the file got shorter, whether the
// hash runs alone or beside another, and the process lives on.
func TestHashRangeFileCutShort(t *testing.T) {
	for _, k := range []int{1, 2} {
		name := filepath.Join(t.TempDir(), "a.mp3")
		if err := os.WriteFile(name, make([]byte, 1<<20), 0o644); err != nil {
			t.Fatal(err)
		}
		w, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		hs := []io.Writer{&cutting{f: w, h: sha256.New()}}
		if k == 2 {
			hs = append(hs, sha256.New())
		}
		n, err := hashRange(w, 0, 1<<20, nil, hs...)
		w.Close()
		if err == nil || !strings.Contains(err.Error(), "got shorter") {
			t.Errorf("%d hashes: a file cut short while it was hashed: %d bytes, %v; want an error saying it got shorter", k, n, err)
		}
	}
}
