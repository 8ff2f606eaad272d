// Package mp3test writes valid MPEG-1 Layer III files of silence for tests
// and benchmarks, so that the core tests need neither lame nor ffmpeg.
//
// A silent frame is a frame header followed by all-zero side information
// (no main data, every granule empty) and zero bytes: decoders play it as
// digital silence. Files can be CBR or VBR, with a Xing, Info or VBRI header
// frame or none.
//
//	var buf bytes.Buffer
//	mp3test.Write(&buf, mp3test.Options{Frames: 1000, Header: mp3test.Info})
package mp3test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// Header kinds for Options.Header.
const (
	None = ""
	Xing = "Xing" // LAME's VBR header
	Info = "Info" // LAME's CBR header (same layout as Xing)
	VBRI = "VBRI" // Fraunhofer's VBR header
)

// Options says what to write. The zero value is 48 kHz stereo at 128 kbit/s
// CBR without a header frame, and no frames.
type Options struct {
	Frames     int    // audio frames, not counting the header frame
	SampleRate int    // 32000, 44100 or 48000 (default 48000)
	Bitrate    int    // kbit/s for CBR (default 128)
	Mono       bool   // one channel
	VBR        bool   // cycle the frames through 96, 128, 160 and 192 kbit/s
	Header     string // None, Xing, Info or VBRI
	// Delay and Padding, with an Xing or Info header, write a LAME tag
	// declaring that many samples of encoder delay and padding.
	Delay, Padding int
}

// SamplesPerFrame is the number of samples per channel in an MPEG-1 Layer
// III frame.
const SamplesPerFrame = 1152

// Duration is the exact duration of the audio frames Write writes for o.
func (o Options) Duration() time.Duration {
	sr := o.rate()
	n := int64(o.Frames) * SamplesPerFrame
	return time.Duration(n/int64(sr))*time.Second + time.Duration(n%int64(sr))*time.Second/time.Duration(sr)
}

func (o Options) rate() int {
	if o.SampleRate == 0 {
		return 48000
	}
	return o.SampleRate
}

var bitrateIndex = map[int]byte{32: 1, 40: 2, 48: 3, 56: 4, 64: 5, 80: 6, 96: 7, 112: 8, 128: 9, 160: 10, 192: 11, 224: 12, 256: 13, 320: 14}
var rateIndex = map[int]byte{44100: 0, 48000: 1, 32000: 2}

// frames builds frames with their padding bits so that a 44.1 kHz stream
// keeps its exact average bitrate, as encoders do.
type framer struct {
	rate, rem int
	mono      bool
	cache     map[int][]byte // by bitrate*2+padding
}

func (f *framer) frame(kbps int) ([]byte, error) {
	bi, ok := bitrateIndex[kbps]
	if !ok {
		return nil, fmt.Errorf("mp3test: no MPEG-1 Layer III bitrate %d kbit/s", kbps)
	}
	num := 144 * kbps * 1000
	pad := 0
	f.rem += num % f.rate
	if f.rem >= f.rate {
		f.rem -= f.rate
		pad = 1
	}
	key := kbps*2 + pad
	if b, ok := f.cache[key]; ok {
		return b, nil
	}
	b := make([]byte, num/f.rate+pad)
	b[0], b[1] = 0xFF, 0xFB // sync, MPEG-1, Layer III, no CRC
	b[2] = bi<<4 | rateIndex[f.rate]<<2 | byte(pad)<<1
	if f.mono {
		b[3] = 0xC0
	}
	f.cache[key] = b
	return b, nil
}

// Write writes the file o describes to w and returns the bytes written.
func Write(w io.Writer, o Options) (int64, error) {
	rate := o.rate()
	if _, ok := rateIndex[rate]; !ok {
		return 0, fmt.Errorf("mp3test: no MPEG-1 sample rate %d Hz", rate)
	}
	cbr := o.Bitrate
	if cbr == 0 {
		cbr = 128
	}
	vbr := []int{96, 128, 160, 192}
	kbps := func(i int) int {
		if o.VBR {
			return vbr[i%len(vbr)]
		}
		return cbr
	}

	// Frame sizes first: the header frame declares the total.
	f := &framer{rate: rate, mono: o.Mono, cache: map[int][]byte{}}
	var total int64
	var head []byte
	if o.Header != None {
		hf, err := f.frame(max(cbr, 128))
		if err != nil {
			return 0, err
		}
		head = append([]byte(nil), hf...)
		total += int64(len(head))
	}
	for i := range o.Frames {
		b, err := f.frame(kbps(i))
		if err != nil {
			return 0, err
		}
		total += int64(len(b))
	}
	if head != nil {
		side := 32
		if o.Mono {
			side = 17
		}
		switch o.Header {
		case Xing, Info:
			p := 4 + side
			copy(head[p:], o.Header)
			binary.BigEndian.PutUint32(head[p+4:], 0x7) // frames, bytes, TOC
			binary.BigEndian.PutUint32(head[p+8:], uint32(o.Frames))
			binary.BigEndian.PutUint32(head[p+12:], uint32(total))
			for i := range 100 {
				head[p+16+i] = byte(i * 256 / 100)
			}
			if o.Delay != 0 || o.Padding != 0 {
				lame := head[p+116:]
				copy(lame, "LAME3.100")
				lame[21] = byte(o.Delay >> 4)
				lame[22] = byte(o.Delay<<4) | byte(o.Padding>>8&0xF)
				lame[23] = byte(o.Padding)
			}
		case VBRI:
			p := 36
			copy(head[p:], "VBRI")
			binary.BigEndian.PutUint16(head[p+4:], 1)
			binary.BigEndian.PutUint32(head[p+10:], uint32(total))
			binary.BigEndian.PutUint32(head[p+14:], uint32(o.Frames))
		default:
			return 0, fmt.Errorf("mp3test: unknown header %q", o.Header)
		}
	}

	bw := bufio.NewWriterSize(w, 256<<10)
	var n int64
	if head != nil {
		m, _ := bw.Write(head)
		n += int64(m)
	}
	f = &framer{rate: rate, mono: o.Mono, cache: map[int][]byte{}}
	if head != nil {
		f.frame(max(cbr, 128)) // replay the padding state of the first pass
	}
	for i := range o.Frames {
		b, _ := f.frame(kbps(i))
		m, err := bw.Write(b)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, bw.Flush()
}
