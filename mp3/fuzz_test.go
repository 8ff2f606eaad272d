package mp3_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/podpipe/podpipe/internal/fuzzlimit"
	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/mp3/mp3test"
)

// head returns the first n bytes of the repository's episodes: their tags
// and first frames, small enough to mutate quickly.
func head(f *testing.F, n int) [][]byte {
	files, _ := filepath.Glob(filepath.Join("..", "episodes", "*.mp3"))
	var out [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b[:min(n, len(b))])
	}
	return out
}

// FuzzProbeLimited probes any input under fuzzlimit's time limit: a frame
// scan that does not move forward, or a tag size that sends the seek
// backwards, must fail fast, not loop. Seeds: the heads of the
// repository's episodes and generated CBR, Xing and VBRI files.
func FuzzProbeLimited(f *testing.F) {
	for _, b := range head(f, 8<<10) {
		f.Add(b)
	}
	for _, o := range []mp3test.Options{{Frames: 3}, {Frames: 3, Header: mp3test.Xing, VBR: true}, {Frames: 2, Header: mp3test.VBRI, Mono: true, SampleRate: 32000}} {
		var buf bytes.Buffer
		if _, err := mp3test.Write(&buf, o); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzlimit.Run(t, func() error {
			end, err := mp3.SkipID3v2(bytes.NewReader(b))
			if err == nil && (end < 0 || end > int64(len(b))) {
				return fmt.Errorf("ID3v2 tags end at %d in a %d-byte file", end, len(b))
			}
			info, err := mp3.Probe(bytes.NewReader(b))
			if err != nil {
				return nil
			}
			if info.AudioStart < 0 || info.AudioStart > info.AudioEnd || info.AudioEnd > int64(len(b)) || info.Duration < 0 {
				return fmt.Errorf("audio %d..%d of a %d-byte file, %v", info.AudioStart, info.AudioEnd, len(b), info.Duration)
			}
			return nil
		})
	})
}
