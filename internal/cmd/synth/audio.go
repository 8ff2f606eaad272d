package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
)

// rate is the sample rate of everything the tool builds: espeak-ng's own
// rate, and half of CD rate, which lame encodes well at low bitrates.
const rate = 22050

// readWAV decodes a 16-bit PCM WAV into samples in [-1, 1], mixing stereo to
// mono. It tolerates the bogus sizes that espeak-ng writes when streaming to
// stdout (0x7fffffff) by reading the data chunk to the end of input.
func readWAV(r io.Reader) (samples []float64, sampleRate int, err error) {
	br := bufio.NewReader(r)
	var hdr [12]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, 0, fmt.Errorf("wav: header: %w", err)
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return nil, 0, errors.New("wav: not a RIFF WAVE file")
	}
	channels, bits := 0, 0
	for {
		var ch [8]byte
		if _, err := io.ReadFull(br, ch[:]); err != nil {
			return nil, 0, fmt.Errorf("wav: no data chunk: %w", err)
		}
		id, size := string(ch[0:4]), binary.LittleEndian.Uint32(ch[4:8])
		switch id {
		case "fmt ":
			buf := make([]byte, size)
			if _, err := io.ReadFull(br, buf); err != nil || size < 16 {
				return nil, 0, fmt.Errorf("wav: fmt chunk: short")
			}
			if format := binary.LittleEndian.Uint16(buf[0:2]); format != 1 {
				return nil, 0, fmt.Errorf("wav: format %d is not PCM", format)
			}
			channels = int(binary.LittleEndian.Uint16(buf[2:4]))
			sampleRate = int(binary.LittleEndian.Uint32(buf[4:8]))
			bits = int(binary.LittleEndian.Uint16(buf[14:16]))
			if bits != 16 || channels < 1 {
				return nil, 0, fmt.Errorf("wav: %d-bit %d-channel audio, want 16-bit", bits, channels)
			}
			if size%2 == 1 {
				br.ReadByte()
			}
		case "data":
			if channels == 0 {
				return nil, 0, errors.New("wav: data before fmt chunk")
			}
			data, err := io.ReadAll(io.LimitReader(br, int64(size)))
			if err != nil {
				return nil, 0, fmt.Errorf("wav: data: %w", err)
			}
			frames := len(data) / (2 * channels)
			samples = make([]float64, frames)
			for i := range frames {
				var sum float64
				for c := range channels {
					off := 2 * (i*channels + c)
					sum += float64(int16(binary.LittleEndian.Uint16(data[off:]))) / 32768
				}
				samples[i] = sum / float64(channels)
			}
			return samples, sampleRate, nil
		default:
			if _, err := io.CopyN(io.Discard, br, int64(size)+int64(size%2)); err != nil {
				return nil, 0, fmt.Errorf("wav: chunk %q: %w", id, err)
			}
		}
	}
}

// writeWAV writes mono 16-bit PCM at rate.
func writeWAV(w io.Writer, samples []float64) error {
	bw := bufio.NewWriter(w)
	n := uint32(len(samples) * 2)
	hdr := make([]byte, 44)
	copy(hdr[0:], "RIFF")
	binary.LittleEndian.PutUint32(hdr[4:], 36+n)
	copy(hdr[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(hdr[16:], 16)
	binary.LittleEndian.PutUint16(hdr[20:], 1) // PCM
	binary.LittleEndian.PutUint16(hdr[22:], 1) // mono
	binary.LittleEndian.PutUint32(hdr[24:], rate)
	binary.LittleEndian.PutUint32(hdr[28:], rate*2)
	binary.LittleEndian.PutUint16(hdr[32:], 2)
	binary.LittleEndian.PutUint16(hdr[34:], 16)
	copy(hdr[36:], "data")
	binary.LittleEndian.PutUint32(hdr[40:], n)
	bw.Write(hdr)
	var b [2]byte
	for _, s := range samples {
		s = math.Max(-1, math.Min(1, s))
		binary.LittleEndian.PutUint16(b[:], uint16(int16(math.Round(s*32767))))
		bw.Write(b[:])
	}
	return bw.Flush()
}

// resample converts to rate by linear interpolation; good enough for
// speech that is about to be encoded at 32 kbps.
func resample(in []float64, from int) []float64 {
	if from == rate || len(in) == 0 {
		return in
	}
	n := int(math.Round(float64(len(in)) * rate / float64(from)))
	out := make([]float64, n)
	step := float64(from) / rate
	for i := range out {
		x := float64(i) * step
		j := int(x)
		if j+1 >= len(in) {
			out[i] = in[len(in)-1]
			continue
		}
		f := x - float64(j)
		out[i] = in[j]*(1-f) + in[j+1]*f
	}
	return out
}

// trim cuts the leading and trailing silence a TTS engine pads its output
// with, so that the truth's start and end are where the voice is heard. A
// few milliseconds of margin keep the first consonant's attack intact.
func trim(s []float64) []float64 {
	const threshold = 0.01
	margin := rate / 100 // 10 ms
	first, last := -1, -1
	for i, v := range s {
		if math.Abs(v) > threshold {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	first = max(0, first-margin)
	last = min(len(s), last+1+margin)
	return s[first:last]
}

// silence returns d seconds of silence.
func silence(d float64) []float64 {
	return make([]float64, int(math.Round(d*rate)))
}

// pentatonic holds a major pentatonic scale over two octaves from A3, in Hz;
// any sequence of its notes sounds consonant, which is all a cue needs.
var pentatonic = []float64{220, 246.94, 277.18, 329.63, 369.99, 440, 493.88, 554.37, 659.25, 739.99}

// music renders a short jingle for a *(…)* cue: a soft pad on the tonic and
// fifth under an arpeggio of pentatonic notes chosen by rng, faded in and out
// so it joins the speech without clicks.
func music(seconds float64, rng *rand.Rand) []float64 {
	n := int(math.Round(seconds * rate))
	out := make([]float64, n)
	for i := range out {
		t := float64(i) / rate
		out[i] = 0.06*math.Sin(2*math.Pi*110*t) + 0.05*math.Sin(2*math.Pi*164.81*t)
	}
	const noteLen = 0.25
	for start := 0.0; start < seconds-noteLen/2; start += noteLen {
		f := pentatonic[rng.IntN(len(pentatonic))]
		i0 := int(start * rate)
		m := int(noteLen * 1.6 * rate) // notes ring into the next one
		for k := 0; k < m && i0+k < n; k++ {
			t := float64(k) / rate
			env := math.Exp(-t*6) * math.Min(1, t*200) // plucked: fast attack, decay
			out[i0+k] += 0.22 * env * (math.Sin(2*math.Pi*f*t) + 0.3*math.Sin(4*math.Pi*f*t))
		}
	}
	fade := int(0.3 * rate)
	for i := 0; i < fade && i < n; i++ {
		g := float64(i) / float64(fade)
		out[i] *= g
		out[n-1-i] *= g
	}
	return out
}
