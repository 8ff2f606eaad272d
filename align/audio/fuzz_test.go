package audio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/podpipe/podpipe/internal/fuzzlimit"
)

// FuzzDecode decodes any input to its end under fuzzlimit's time limit:
// a WAV header whose sizes lie, or MPEG data that decodes to nothing, must
// end, not loop. Decoding runs at most a few seconds of audio per input:
// the fuzzer's inputs are small. Seeds: the heads of the repository's
// episodes and a generated WAV.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "episodes", "*.mp3"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(16<<10, len(b))])
	}
	var wav bytes.Buffer
	if err := WriteWAV(&wav, sine(8000, 440, 0.05, 0.5), 8000); err != nil {
		f.Fatal(err)
	}
	f.Add(wav.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzlimit.Run(t, func() error {
			r, err := NewReader(bytes.NewReader(b))
			if err != nil {
				return nil
			}
			p := make([]float32, 4096)
			// An hour of 16 kHz audio: far more than a small input holds,
			// so only a decoder that does not move on gets here.
			for total, empty := 0, 0; total < 3600*16000; {
				n, err := r.Read(p)
				if err != nil {
					return nil // io.EOF or a decoding error
				}
				if total += n; n > 0 {
					empty = 0
				} else if empty++; empty > 100 {
					return errors.New("Read returns no samples and no error, again and again")
				}
			}
			return errors.New("an hour of audio from a fuzzer's input")
		})
	})
}
