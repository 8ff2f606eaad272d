// Package audio decodes an episode's audio (MP3 or WAV) into the signal the
// aligner analyses: mono, 16 kHz, float32 samples in [-1, 1], streamed so a
// long episode never sits whole in memory at its source rate.
//
//	r, err := audio.NewReader(f) // f is an MP3 or WAV file
//	buf := make([]float32, 4096)
//	for {
//		n, err := r.Read(buf)
//		process(buf[:n])
//		if err == io.EOF {
//			break
//		}
//	}
package audio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/podpipe/podpipe/align/audio/internal/mp3dec"
	"github.com/podpipe/podpipe/mp3"
)

// Rate is the sample rate of every Reader's output.
const Rate = 16000

// ErrFormat means the input is neither a WAV file nor a decodable MP3.
var ErrFormat = errors.New("audio: unknown or corrupt format")

// source yields mono samples at its own rate.
type source interface {
	read(p []float32) (int, error)
}

// Reader yields 16 kHz mono samples decoded from an MP3 or WAV stream.
type Reader struct {
	src     source
	srcRate int
	rs      *resampler
	err     error
}

// NewReader sniffs r's format (RIFF/WAVE or MPEG audio, with or without an
// ID3v2 tag) and returns a Reader of its 16 kHz mono samples.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(12)
	var (
		src  source
		rate int
		err  error
	)
	if len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WAVE" {
		src, rate, err = newWAV(br)
	} else if s, ok := r.(io.ReadSeeker); ok {
		src, rate, err = openMP3(s)
	} else {
		src, rate, err = streamMP3(br)
	}
	if err != nil {
		return nil, err
	}
	return &Reader{src: src, srcRate: rate, rs: newResampler(rate, Rate)}, nil
}

// Duration measures how long the MP3 or WAV in r plays without decoding
// it: an MP3's header frames (the gapless length when a LAME tag declares
// its delay and padding), a WAV's data chunk size.
func Duration(r io.ReadSeeker) (time.Duration, error) {
	var head [12]byte
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("audio: %w", err)
	}
	n, _ := io.ReadFull(r, head[:])
	if n == 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WAVE" {
		src, rate, err := newWAV(io.MultiReader(bytes.NewReader(head[:]), r))
		if err != nil {
			return 0, err
		}
		w := src.(*wavSource)
		left := w.left
		if left < 0 { // streamed: the data runs to the end of the file
			pos, err := r.Seek(0, io.SeekCurrent)
			if err != nil {
				return 0, fmt.Errorf("audio: %w", err)
			}
			end, err := r.Seek(0, io.SeekEnd)
			if err != nil {
				return 0, fmt.Errorf("audio: %w", err)
			}
			left = end - pos
		}
		frames := left / int64(w.bits/8*w.channels)
		return time.Duration(frames) * time.Second / time.Duration(rate), nil
	}
	info, err := mp3.Probe(r)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return info.Gapless(), nil
}

// SourceRate returns the sample rate of the decoded input.
func (r *Reader) SourceRate() int { return r.srcRate }

// Read fills p with up to len(p) samples at 16 kHz. It returns io.EOF after
// the last sample.
func (r *Reader) Read(p []float32) (int, error) {
	n := 0
	for n < len(p) {
		k := r.rs.out(p[n:])
		n += k
		if n == len(p) {
			break
		}
		if r.err != nil {
			if !r.rs.flushed {
				r.rs.flush()
				continue
			}
			if n > 0 {
				return n, nil
			}
			return 0, r.err
		}
		buf := r.rs.inBuf()
		m, err := r.src.read(buf)
		r.rs.added(m)
		if err != nil {
			r.err = err
		}
	}
	return n, nil
}

// ReadAll decodes the whole of r into 16 kHz mono samples. Use it for short
// clips (synthesised speech, tests); stream long episodes with Read.
func ReadAll(r io.Reader) ([]float32, error) {
	ar, err := NewReader(r)
	if err != nil {
		return nil, err
	}
	var out []float32
	buf := make([]float32, 8192)
	for {
		n, err := ar.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// mp3Source decodes MPEG audio and keeps the samples a player plays: the
// encoder delay and the decoder's own delay are dropped at the start and
// the encoder's padding at the end, as the LAME tag declares them (the
// timeline ffmpeg and browsers play, which the times are for).
type mp3Source struct {
	d    *mp3dec.Decoder
	skip int64 // samples still to drop at the start
	left int64 // samples still to give; <0 when unknown
}

// openMP3 probes a seekable MP3 (its tags, the Xing/Info frame, the LAME
// tag) and decodes just its audio frames: tags are skipped by seeking, never
// read, whatever size they claim.
func openMP3(r io.ReadSeeker) (source, int, error) {
	info, err := mp3.Probe(r)
	if err != nil && !(errors.Is(err, mp3.ErrTruncated) && info.SampleRate > 0) {
		// A file cut short still decodes up to the cut; anything else
		// (no frames, free format, a tag past the end) does not.
		return nil, 0, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	start := info.AudioStart + int64(info.HeaderFrame)
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return nil, 0, fmt.Errorf("audio: mp3: %w", err)
	}
	in := bufio.NewReaderSize(io.LimitReader(r, max(info.AudioEnd-start, 0)), 64<<10)
	skip := int64(0) // samples at the file's rate
	if info.EncoderDelay > 0 || info.EncoderPadding > 0 {
		skip = int64(info.EncoderDelay) + mp3.DecoderDelay
	}
	// When the decoder gives every other sample, it gives the ones the
	// first sample kept is among.
	s, rate, err := newMP3(in, skip%2 == 1)
	if err != nil {
		return nil, 0, err
	}
	if info.EncoderDelay > 0 || info.EncoderPadding > 0 {
		spf := int64(1152)
		if info.SampleRate < 32000 {
			spf = 576 // MPEG-2 and 2.5 Layer III
		}
		// The counts are at the file's rate; the decoder may give half
		// of it (see newMP3).
		div := int64(1)
		if rate > 0 && info.SampleRate >= 2*rate {
			div = int64(info.SampleRate / rate)
		}
		s.skip = skip / div
		if info.Frames > 0 {
			s.left = max(info.Frames*spf-int64(info.EncoderDelay)-int64(info.EncoderPadding), 0) / div
		}
	}
	return s, rate, nil
}

// streamMP3 decodes an MP3 from a reader that cannot seek: ID3v2 tags are
// read past without keeping them, and every frame is played (no gapless
// trim: that needs the probe).
func streamMP3(br *bufio.Reader) (source, int, error) {
	for {
		h, _ := br.Peek(10)
		if len(h) < 10 || string(h[:3]) != "ID3" || h[3] < 2 || h[3] > 4 || h[6]|h[7]|h[8]|h[9] >= 0x80 {
			break
		}
		n := 10 + (int(h[6])<<21 | int(h[7])<<14 | int(h[8])<<7 | int(h[9]))
		if h[3] == 4 && h[5]&0x10 != 0 {
			n += 10
		}
		if _, err := br.Discard(n); err != nil {
			return nil, 0, fmt.Errorf("%w: %w: an ID3v2 tag declares %d bytes, the file is shorter", ErrFormat, mp3.ErrTruncated, n)
		}
	}
	return newMP3(br, false)
}

func newMP3(r io.Reader, odd bool) (*mp3Source, int, error) {
	// Only the band the 16 kHz output keeps is synthesised, and from
	// 32 kHz up only every other sample: the rate returned is then half
	// the file's.
	d, err := mp3dec.NewDecoder(r, Rate/2, odd)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: mp3: %v", ErrFormat, err)
	}
	if d.SampleRate() <= 0 {
		return nil, 0, fmt.Errorf("%w: mp3: no sample rate", ErrFormat)
	}
	return &mp3Source{d: d, left: -1}, d.SampleRate(), nil
}

func (s *mp3Source) read(p []float32) (int, error) {
	for {
		n, err := s.d.Read(p)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		if err != nil && err != io.EOF {
			err = fmt.Errorf("audio: mp3: %w", err)
		}
		if s.skip > 0 {
			k := int(min(s.skip, int64(n)))
			copy(p, p[k:n])
			n -= k
			s.skip -= int64(k)
		}
		if s.left >= 0 {
			if int64(n) >= s.left {
				n, err = int(s.left), io.EOF
			}
			s.left -= int64(n)
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
}

type wavSource struct {
	r        io.Reader
	format   uint16 // 1 PCM, 3 IEEE float
	channels int
	bits     int
	left     int64 // bytes of data left; <0 when unknown (streamed)
	raw      []byte
}

// newWAV reads a RIFF header up to the data chunk. A data size of 0 or
// 0xFFFFFFFF (what programs writing to a pipe put there) means "until EOF".
func newWAV(r io.Reader) (source, int, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, 0, fmt.Errorf("%w: wav: %v", ErrFormat, err)
	}
	s := &wavSource{r: r}
	rate := 0
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return nil, 0, fmt.Errorf("%w: wav: no data chunk", ErrFormat)
		}
		id := string(ch[:4])
		size := int64(binary.LittleEndian.Uint32(ch[4:]))
		switch id {
		case "fmt ":
			if size < 16 || size > 1<<16 {
				return nil, 0, fmt.Errorf("%w: wav: fmt chunk of %d bytes", ErrFormat, size)
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, 0, fmt.Errorf("%w: wav: %v", ErrFormat, err)
			}
			s.format = binary.LittleEndian.Uint16(b[0:])
			s.channels = int(binary.LittleEndian.Uint16(b[2:]))
			rate = int(binary.LittleEndian.Uint32(b[4:]))
			s.bits = int(binary.LittleEndian.Uint16(b[14:]))
			if s.format == 0xFFFE && size >= 26 {
				s.format = binary.LittleEndian.Uint16(b[24:]) // WAVE_FORMAT_EXTENSIBLE sub-format
			}
		case "data":
			if s.channels == 0 {
				return nil, 0, fmt.Errorf("%w: wav: data before fmt", ErrFormat)
			}
			ok := (s.format == 1 && (s.bits == 8 || s.bits == 16 || s.bits == 24 || s.bits == 32)) ||
				(s.format == 3 && s.bits == 32)
			if !ok || s.channels < 1 || rate < 1000 || rate > 384000 {
				return nil, 0, fmt.Errorf("%w: wav: unsupported encoding (format %d, %d bits, %d channels, %d Hz)",
					ErrFormat, s.format, s.bits, s.channels, rate)
			}
			s.left = size
			if size == 0 || size == 0xFFFFFFFF {
				s.left = -1
			}
			return s, rate, nil
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return nil, 0, fmt.Errorf("%w: wav: %v", ErrFormat, err)
			}
		}
	}
}

func (s *wavSource) read(p []float32) (int, error) {
	bps := s.bits / 8
	frame := bps * s.channels
	need := int64(len(p) * frame)
	if s.left >= 0 && need > s.left {
		need = s.left - s.left%int64(frame)
	}
	if need == 0 {
		return 0, io.EOF
	}
	if int64(cap(s.raw)) < need {
		s.raw = make([]byte, need)
	}
	b := s.raw[:need]
	n, err := io.ReadFull(s.r, b)
	if s.left >= 0 {
		s.left -= int64(n)
	}
	frames := n / frame
	for i := 0; i < frames; i++ {
		var sum float32
		for c := 0; c < s.channels; c++ {
			sum += sample(b[i*frame+c*bps:], s.format, bps)
		}
		p[i] = sum / float32(s.channels)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	if err != nil && err != io.EOF {
		err = fmt.Errorf("audio: wav: %w", err)
	}
	return frames, err
}

func sample(b []byte, format uint16, bps int) float32 {
	switch {
	case format == 3:
		return math.Float32frombits(binary.LittleEndian.Uint32(b))
	case bps == 1:
		return (float32(b[0]) - 128) / 128
	case bps == 2:
		return float32(int16(binary.LittleEndian.Uint16(b))) / 32768
	case bps == 3:
		v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
		return float32(v) / (1 << 23)
	default:
		return float32(int32(binary.LittleEndian.Uint32(b))) / (1 << 31)
	}
}

// WriteWAV writes samples as a 16-bit mono PCM WAV file at the given rate.
func WriteWAV(w io.Writer, samples []float32, rate int) error {
	var buf bytes.Buffer
	n := len(samples)
	buf.WriteString("RIFF")
	le := binary.LittleEndian
	b := buf.AvailableBuffer()
	b = le.AppendUint32(b, uint32(36+2*n))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, 1) // PCM
	b = le.AppendUint16(b, 1) // mono
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(2*rate))
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 16)
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(2*n))
	buf.Write(b)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("audio: write wav: %w", err)
	}
	out := make([]byte, 0, 8192)
	for i, s := range samples {
		v := math.Round(float64(s) * 32767)
		v = max(-32768, min(32767, v))
		out = binary.LittleEndian.AppendUint16(out, uint16(int16(v)))
		if len(out) == cap(out) || i == n-1 {
			if _, err := w.Write(out); err != nil {
				return fmt.Errorf("audio: write wav: %w", err)
			}
			out = out[:0]
		}
	}
	return nil
}
