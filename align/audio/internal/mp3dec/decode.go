// Copyright 2017 Hajime Hoshi
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

// Package mp3dec decodes MPEG-1 and MPEG-2 Layer III audio to mono float
// samples, for analysis rather than listening: the channels are averaged
// and the subbands above a given bandwidth are not synthesised.
//
// It is github.com/hajimehoshi/go-mp3 v0.3.4 (Apache License 2.0, see
// LICENSE), changed by podpipe for speed: Huffman code words through
// lookup tables, and none decoded above the bandwidth; the requantization
// gain once per scale factor band, from a table; the IMDCTs as DCT-IVs (a
// 9-point DFT for long blocks); a fast DCT in the synthesis filter bank,
// the channels mixed before it, its window summed in SSE on amd64, and
// only every other sample synthesised when the bandwidth leaves room; no
// allocation per frame, and no scan of the file for its length.
package mp3dec

import (
	"io"

	"github.com/podpipe/podpipe/align/audio/internal/mp3dec/consts"
	"github.com/podpipe/podpipe/align/audio/internal/mp3dec/frame"
)

// A Decoder is an MP3 stream decoded on the fly.
type Decoder struct {
	source     *source
	sampleRate int
	sbLimit    int
	half       int // 0, or 1 + which of every two samples is synthesised: half the source rate
	frame      *frame.Frame
	pcm        [1152]float32
	buf        []float32
}

func (d *Decoder) readFrame() error {
	if err := d.nextFrame(); err != nil {
		return err
	}
	n := d.frame.DecodeMono(d.pcm[:], d.sbLimit, d.half)
	d.buf = d.pcm[:n]
	return nil
}

func (d *Decoder) nextFrame() error {
	var err error
	d.frame, _, err = frame.Read(d.source, d.source.pos, d.frame)
	if err != nil {
		if err == io.EOF {
			return io.EOF
		}
		if _, ok := err.(*consts.UnexpectedEOF); ok {
			return io.EOF
		}
		return err
	}
	return nil
}

// Read fills p with mono samples in [-1, 1].
func (d *Decoder) Read(p []float32) (int, error) {
	n := 0
	for n < len(p) {
		if len(d.buf) == 0 {
			if err := d.readFrame(); err != nil {
				return n, err
			}
		}
		k := copy(p[n:], d.buf)
		d.buf = d.buf[k:]
		n += k
	}
	return n, nil
}

// SampleRate returns the rate of the samples Read gives: the first
// frame's, like 44100, or half of it when the bandwidth asked for leaves
// room (see NewDecoder).
func (d *Decoder) SampleRate() int {
	return d.sampleRate
}

// NewDecoder decodes r, which must start at an MPEG audio frame or an
// ID3v2 tag. Frequencies above bandwidth Hz may be left out (0 keeps all);
// when bandwidth is at most a quarter of the sample rate, only every
// other sample is synthesised, so the samples come at half the rate
// (what is left out lies above that rate's Nyquist frequency): the even
// ones, or with odd the odd ones.
func NewDecoder(r io.Reader, bandwidth int, odd bool) (*Decoder, error) {
	s := &source{reader: r}
	d := &Decoder{source: s, sbLimit: 32}
	if err := s.skipTags(); err != nil {
		return nil, err
	}
	if err := d.nextFrame(); err != nil {
		return nil, err
	}
	freq, err := d.frame.SamplingFrequency()
	if err != nil {
		return nil, err
	}
	d.sampleRate = freq
	if bandwidth > 0 {
		// Subbands are rate/64 Hz wide.
		width := freq / 64
		d.sbLimit = min(32, (bandwidth+width-1)/width)
		if d.sbLimit <= 16 {
			d.half = 1
			if odd {
				d.half = 2
			}
			d.sampleRate = freq / 2
		}
	}
	d.buf = d.pcm[:d.frame.DecodeMono(d.pcm[:], d.sbLimit, d.half)]
	return d, nil
}
