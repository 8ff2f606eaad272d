package editor

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/podpipe/podpipe/align/audio"
)

// PeaksPerSecond is how many min/max pairs the waveform has a second.
const PeaksPerSecond = 100

// peaks is the waveform the page draws: for every 1/PeaksPerSecond s of
// the audio, the lowest and highest sample, scaled to -127..127, as bytes
// (two's complement) min then max, base64 in the JSON: 200 bytes a second
// of audio, 1 MB an hour, where numbers in JSON would be four times that.
type peaks struct {
	Rate  int    `json:"rate"`            // pairs a second
	Peaks []byte `json:"peaks"`           // min, max, min, max, …
	Error string `json:"error,omitempty"` // why there is no waveform
}

// computePeaks decodes the audio as a stream (package align/audio, the
// aligner's decoder: MP3 or WAV) and keeps only its peaks, so an episode
// of hours never sits whole in memory.
func computePeaks(path, name string) *peaks {
	p := &peaks{Rate: PeaksPerSecond}
	f, err := os.Open(path)
	if err != nil {
		p.Error = fmt.Sprintf("%s: %v", name, err)
		return p
	}
	defer f.Close()
	r, err := audio.NewReader(f)
	if err != nil {
		if errors.Is(err, audio.ErrFormat) {
			p.Error = name + ": no waveform: the decoder reads MP3 and WAV only"
		} else {
			p.Error = fmt.Sprintf("%s: no waveform: %v", name, err)
		}
		return p
	}
	p.Peaks, err = peaksOf(r, audio.Rate/PeaksPerSecond)
	if err != nil {
		p.Error = fmt.Sprintf("%s: the waveform stops at %.1f s: %v", name, float64(len(p.Peaks)/2)/PeaksPerSecond, err)
	}
	return p
}

// sampleReader is what peaksOf reads: audio.Reader's Read.
type sampleReader interface {
	Read(p []float32) (int, error)
}

// peaksOf reads r to its end and returns the min and max of every window
// of n samples (the last may be shorter), as scaled bytes.
func peaksOf(r sampleReader, n int) ([]byte, error) {
	var out []byte
	buf := make([]float32, 16*n)
	lo, hi, have := float32(0), float32(0), 0
	flush := func() {
		out = append(out, scale(lo), scale(hi))
		lo, hi, have = 0, 0, 0
	}
	for {
		k, err := r.Read(buf)
		for _, s := range buf[:k] {
			if have == 0 {
				lo, hi = s, s
			}
			lo, hi = min(lo, s), max(hi, s)
			if have++; have == n {
				flush()
			}
		}
		if err == io.EOF {
			if have > 0 {
				flush()
			}
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// scale maps a sample in [-1, 1] to a byte holding -127..127.
func scale(v float32) byte {
	x := int8(math.Round(float64(max(-1, min(1, v))) * 127))
	return byte(x)
}
