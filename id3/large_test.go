package id3_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/id3"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// sparseTagged writes a file whose ID3v2.3 tag declares size bytes: the
// given frames, then a hole of zeros (padding, or the rest of the last
// frame's body when it declares more), then the audio. The hole costs no
// disk.
func sparseTagged(t *testing.T, size int, frames []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.mp3")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := []byte{'I', 'D', '3', 3, 0, 0, byte(size >> 21 & 0x7f), byte(size >> 14 & 0x7f), byte(size >> 7 & 0x7f), byte(size & 0x7f)}
	if _, err := f.Write(append(h, frames...)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(genAudio(t, audioOpts), int64(10+size)); err != nil {
		t.Fatal(err)
	}
	return path
}

// A real 200 MB tag (a huge frame, or huge padding) is read frame by frame
// where it lies: the source was read whole into memory (226 MB for a
// publish).
func TestLargeTagNotInMemory(t *testing.T) {
	const size = 200 << 20
	title := rawFrame(3, "TIT2", 0, utf8Text("Big"))
	huge := rawFrame(3, "GEOB", 0, nil)
	binary.BigEndian.PutUint32(huge[4:], uint32(size-len(title)-len(huge)))
	tests := []struct {
		name    string
		frames  []byte
		dropped string
	}{
		{"padding", title, ""},
		{"frame", append(append([]byte(nil), title...), huge...), "GEOB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := sparseTagged(t, size, tt.frames)
			var tag id3.Tag
			var dropped []string
			n := allocated(func() {
				f, err := os.Open(src)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if tag, err = id3.Read(f); err != nil {
					t.Fatal(err)
				}
				if dropped, err = id3.Dropped(f); err != nil {
					t.Fatal(err)
				}
				dst := filepath.Join(t.TempDir(), "out.mp3")
				if err := id3.WriteFile(dst, src, id3.Tag{Title: "New"}); err != nil {
					t.Fatal(err)
				}
			})
			if tag.Title != "Big" {
				t.Errorf("title %q, want Big", tag.Title)
			}
			if got := strings.Join(dropped, "; "); (tt.dropped == "") != (got == "") || !strings.Contains(got, tt.dropped) {
				t.Errorf("dropped %q, want a note on %q", got, tt.dropped)
			}
			if n > 16<<20 {
				t.Errorf("reading and retagging allocated %d MB", n>>20)
			}
		})
	}
}
