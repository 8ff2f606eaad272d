// Package mp3 measures MPEG audio files (MP3) without decoding them: the
// exact duration, the bitrate, the sample rate and channels, and the byte
// range of the audio frames between the tags.
//
// The duration comes from the frame count of a Xing, Info or VBRI header
// when the file has one (a few reads, milliseconds whatever the size), and
// otherwise from a scan of every frame header (one sequential read of the
// file, a fixed 64 KiB buffer). ID3v2 tags at the front (v2.2, v2.3, v2.4,
// footer included) and ID3v1, APE and Lyrics3v2 tags at the end are skipped.
//
//	f, err := os.Open("episode.mp3")
//	...
//	info, err := mp3.Probe(f)
//	fmt.Println(info.Duration, info.Bitrate, info.VBR)
//
// Duration counts whole frames. The encoder delay and padding a LAME tag
// declares (the samples an encoder adds before and after the audio, which
// players and ffmpeg drop) are in EncoderDelay and EncoderPadding, and
// Gapless is the length of what a player plays.
package mp3

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Info is what Probe measured.
type Info struct {
	Duration   time.Duration // exact: the audio frames' samples over the sample rate
	Frames     int64         // audio frames, not counting a Xing/Info/VBRI header frame
	Bitrate    int           // bits per second; the average for VBR
	VBR        bool          // the bitrate varies (a Xing or VBRI header, or frames that differ)
	SampleRate int           // Hz
	Channels   int           // 1 or 2
	// AudioStart and AudioEnd are the byte range of the MPEG frames: after
	// the ID3v2 tags (AudioStart is the Xing/Info frame when there is one)
	// and before any ID3v1/APE/Lyrics3 tag at the end.
	AudioStart, AudioEnd int64
	// HeaderFrame is the length in bytes of the Xing/Info/VBRI frame at
	// AudioStart, which carries no audio; 0 when there is none.
	HeaderFrame int
	// EncoderDelay and EncoderPadding are the samples (per channel) the
	// encoder added before and after the audio, as the LAME tag after an
	// Xing/Info header declares them; 0 without one.
	EncoderDelay, EncoderPadding int
}

// DecoderDelay is the delay, in samples, of an MPEG audio decoder's
// synthesis filter bank. Players skip it along with the encoder delay, as
// LAME's gapless convention says and ffmpeg does.
const DecoderDelay = 529

// Gapless returns the duration a gapless player (ffmpeg, browsers) plays:
// Duration less the encoder delay and padding of the LAME tag.
func (i Info) Gapless() time.Duration {
	if i.SampleRate <= 0 {
		return i.Duration
	}
	d := i.Duration - duration(int64(i.EncoderDelay+i.EncoderPadding), i.SampleRate)
	return max(d, 0)
}

var (
	// ErrNotMP3 means no MPEG audio frames were found where they should be.
	ErrNotMP3 = errors.New("mp3: not an MP3 file: no MPEG audio frames found")
	// ErrTruncated means the file ends before a tag or a frame it declares.
	ErrTruncated = errors.New("mp3: file is truncated")
	// ErrFreeFormat means the MPEG frames use the free-format bitrate (the
	// header gives no bitrate, so no frame length), which podpipe does not
	// read; re-encode at a standard bitrate.
	ErrFreeFormat = errors.New("mp3: free-format bitrate is not supported (re-encode at a standard bitrate)")
)

// firstFrameWindow bounds the search for the first frame after the tags,
// so that a file that is no MP3 at all is rejected after reading a little.
const firstFrameWindow = 1 << 20

// Probe measures the MP3 read from r. It reads only headers (and, without a
// Xing/Info/VBRI frame count, every frame header), never the whole file into
// memory. The errors wrap ErrNotMP3 or ErrTruncated where they apply.
func Probe(r io.ReadSeeker) (Info, error) {
	var info Info
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return info, fmt.Errorf("mp3: %w", err)
	}
	start, err := SkipID3v2(r)
	if err != nil {
		return info, err
	}
	end, err := trailingTags(r, start, size)
	if err != nil {
		return info, err
	}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return info, fmt.Errorf("mp3: %w", err)
	}
	s := &scanner{br: bufio.NewReaderSize(io.LimitReader(r, end-start), 64<<10), pos: start, end: end}

	first, ok, err := s.find(nil, start+firstFrameWindow)
	if err != nil {
		return info, err
	}
	if !ok {
		if s.freeFormat {
			return info, ErrFreeFormat
		}
		return info, ErrNotMP3
	}
	info.AudioStart = s.pos
	info.AudioEnd = end
	info.SampleRate = first.sampleRate
	info.Channels = first.channels()

	fb, _ := s.br.Peek(first.length)
	vh := parseVBRHeader(first, fb)
	if vh.found {
		info.HeaderFrame = first.length
		info.EncoderDelay, info.EncoderPadding = vh.delay, vh.padding
	}
	if vh.frames > 0 {
		info.Frames = int64(vh.frames)
		info.Duration = duration(info.Frames*int64(first.samples), first.sampleRate)
		audio := end - info.AudioStart
		if vh.bytes > 0 && audio+int64(first.length) < int64(vh.bytes) {
			return info, fmt.Errorf("%w: the Xing/VBRI header declares %d bytes of audio, the file has %d", ErrTruncated, vh.bytes, audio)
		}
		if vh.bytes == 0 && !vh.vbr {
			// A CBR file: every frame is about as long as the first.
			want := (info.Frames + 1) * int64(first.length)
			if audio+2*int64(first.length) < want {
				return info, fmt.Errorf("%w: the Info header declares %d frames (about %d bytes), the file has %d bytes of audio", ErrTruncated, info.Frames, want, audio)
			}
		}
		info.VBR = vh.vbr
		info.Bitrate = first.bitrate
		if info.VBR && info.Duration > 0 {
			info.Bitrate = int(float64(audio-int64(first.length)) * 8 / info.Duration.Seconds())
		}
		return info, nil
	}

	// No frame count: walk every frame header.
	var samples, bytes int64
	bitrate, vbr := first.bitrate, false
	if vh.found {
		// A Xing/Info frame without a frame count is no audio frame.
		if err := s.skip(first.length); err != nil {
			return info, err
		}
	}
	lastEnd := s.pos
	for s.pos < end {
		b, _ := s.br.Peek(4)
		h, ok := parseHeader(b)
		if !ok || !h.sameStream(first) {
			if _, ok, err := s.find(&first, end); err != nil {
				return info, err
			} else if !ok {
				break // trailing junk: the audio ended with the last frame
			}
			continue
		}
		if s.pos+int64(h.length) > end {
			return info, fmt.Errorf("%w: the frame at offset %d needs %d bytes, %d are left", ErrTruncated, s.pos, h.length, end-s.pos)
		}
		info.Frames++
		samples += int64(h.samples)
		bytes += int64(h.length)
		if h.bitrate != bitrate {
			vbr = true
		}
		if err := s.skip(h.length); err != nil {
			return info, err
		}
		lastEnd = s.pos
	}
	if info.Frames == 0 {
		return info, ErrNotMP3
	}
	info.AudioEnd = lastEnd
	info.Duration = duration(samples, first.sampleRate)
	info.VBR = vbr
	info.Bitrate = first.bitrate
	if vbr {
		info.Bitrate = int(float64(bytes) * 8 / info.Duration.Seconds())
	}
	return info, nil
}

func duration(samples int64, rate int) time.Duration {
	r := int64(rate)
	return time.Duration(samples/r)*time.Second + time.Duration(samples%r)*time.Second/time.Duration(r)
}

// scanner reads frames sequentially from a buffered reader and keeps the
// absolute file offset.
type scanner struct {
	br       *bufio.Reader
	pos, end int64
	// freeFormat records a header that would be a frame but for its
	// free-format bitrate, to say why no frame was found.
	freeFormat bool
}

func (s *scanner) skip(n int) error {
	d, err := s.br.Discard(n)
	s.pos += int64(d)
	if err != nil {
		if err == io.EOF {
			return fmt.Errorf("%w: at offset %d", ErrTruncated, s.pos)
		}
		return fmt.Errorf("mp3: %w", err)
	}
	return nil
}

// find advances to the next frame header that is confirmed by the frame
// after it (or that ends exactly at the end of the audio), and that belongs
// to the same stream as first when first is not nil. It gives up at limit.
func (s *scanner) find(first *header, limit int64) (header, bool, error) {
	for s.pos < limit && s.pos < s.end {
		b, err := s.br.Peek(4)
		if len(b) < 4 {
			if err != nil && err != io.EOF {
				return header{}, false, fmt.Errorf("mp3: %w", err)
			}
			return header{}, false, nil
		}
		if isFreeFormat(b) {
			s.freeFormat = true
		}
		if h, ok := parseHeader(b); ok && (first == nil || h.sameStream(*first)) {
			next := s.pos + int64(h.length)
			if next == s.end {
				return h, true, nil
			}
			if next < s.end {
				nb, _ := s.br.Peek(h.length + 4)
				if len(nb) == h.length+4 {
					if h2, ok := parseHeader(nb[h.length:]); ok && h2.sameStream(h) {
						return h, true, nil
					}
				}
			}
		}
		if err := s.skip(1); err != nil {
			return header{}, false, err
		}
	}
	return header{}, false, nil
}

// vbrHeader is what a Xing, Info or VBRI header in the first frame says.
type vbrHeader struct {
	found  bool
	vbr    bool // Xing or VBRI; Info marks a CBR file
	frames uint32
	bytes  uint32
	// delay and padding from the LAME tag that follows Xing/Info.
	delay, padding int
}

// lameTag is the size of the LAME extension after the Xing/Info fields, up
// to and including the delay and padding: the encoder version (9 bytes),
// revision, lowpass, ReplayGain (8), flags, bitrate, then 12 bits of delay
// and 12 of padding.
const lameTag = 24

func parseVBRHeader(h header, fb []byte) vbrHeader {
	var v vbrHeader
	if h.layer != 3 || len(fb) < h.length {
		return v
	}
	if off := 4 + h.sideInfo(); off+8 <= len(fb) {
		if id := string(fb[off : off+4]); id == "Xing" || id == "Info" {
			v.found, v.vbr = true, id == "Xing"
			flags := binary.BigEndian.Uint32(fb[off+4:])
			p := off + 8
			if flags&1 != 0 && p+4 <= len(fb) {
				v.frames = binary.BigEndian.Uint32(fb[p:])
				p += 4
			}
			if flags&2 != 0 && p+4 <= len(fb) {
				v.bytes = binary.BigEndian.Uint32(fb[p:])
			}
			if flags&2 != 0 {
				p += 4
			}
			if flags&4 != 0 {
				p += 100 // seek table
			}
			if flags&8 != 0 {
				p += 4 // quality
			}
			// ffmpeg trusts the delay of the encoders known to write it
			// right: LAME and ffmpeg's own muxer.
			if p+lameTag <= len(fb) {
				switch string(fb[p : p+4]) {
				case "LAME", "Lavf", "Lavc":
					d := fb[p+21:]
					v.delay = int(d[0])<<4 | int(d[1])>>4
					v.padding = int(d[1]&0xF)<<8 | int(d[2])
				}
			}
			return v
		}
	}
	if off := 4 + 32; off+18 <= len(fb) && string(fb[off:off+4]) == "VBRI" {
		v.found, v.vbr = true, true
		v.bytes = binary.BigEndian.Uint32(fb[off+10:])
		v.frames = binary.BigEndian.Uint32(fb[off+14:])
	}
	return v
}

// SkipID3v2 returns the offset just after the ID3v2 tags at the start of
// r (0 when there are none). Several tags in a row are all skipped. It
// reports ErrTruncated when a tag runs past the end of the file.
func SkipID3v2(r io.ReadSeeker) (int64, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, fmt.Errorf("mp3: %w", err)
	}
	var pos int64
	var b [10]byte
	for {
		if _, err := r.Seek(pos, io.SeekStart); err != nil {
			return 0, fmt.Errorf("mp3: %w", err)
		}
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return pos, nil
		}
		if string(b[:3]) != "ID3" || b[3] < 2 || b[3] > 4 ||
			b[6]|b[7]|b[8]|b[9] >= 0x80 {
			return pos, nil
		}
		n := int64(b[6])<<21 | int64(b[7])<<14 | int64(b[8])<<7 | int64(b[9])
		total := 10 + n
		if b[3] == 4 && b[5]&0x10 != 0 {
			total += 10
		}
		if pos+total > size {
			return 0, fmt.Errorf("%w: the ID3v2 tag at offset %d declares %d bytes, the file ends after %d", ErrTruncated, pos, total, size-pos)
		}
		pos += total
	}
}

// trailingTags returns where the audio ends: before ID3v1 (and its
// enhanced TAG+ block), APE and Lyrics3v2 tags, in any order.
func trailingTags(r io.ReadSeeker, start, end int64) (int64, error) {
	read := func(off int64, n int) ([]byte, error) {
		b := make([]byte, n)
		if _, err := r.Seek(off, io.SeekStart); err != nil {
			return nil, fmt.Errorf("mp3: %w", err)
		}
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("mp3: %w", err)
		}
		return b, nil
	}
	for {
		before := end
		if end-start >= 128 {
			b, err := read(end-128, 3)
			if err != nil {
				return 0, err
			}
			if string(b) == "TAG" {
				end -= 128
				if end-start >= 227 {
					if b, err := read(end-227, 4); err == nil && string(b) == "TAG+" {
						end -= 227
					}
				}
			}
		}
		if end-start >= 32 {
			b, err := read(end-32, 32)
			if err != nil {
				return 0, err
			}
			if string(b[:8]) == "APETAGEX" {
				n := int64(binary.LittleEndian.Uint32(b[12:]))
				if binary.LittleEndian.Uint32(b[20:])&(1<<31) != 0 {
					n += 32 // the header before the items
				}
				if n >= 32 && n <= end-start {
					end -= n
				}
			}
		}
		if end-start >= 15 {
			b, err := read(end-15, 15)
			if err != nil {
				return 0, err
			}
			if string(b[6:]) == "LYRICS200" {
				n := int64(0)
				for _, c := range b[:6] {
					if c < '0' || c > '9' {
						n = -1
						break
					}
					n = n*10 + int64(c-'0')
				}
				if n >= 0 && n+15 <= end-start {
					end -= n + 15
				}
			}
		}
		if end == before {
			return end, nil
		}
	}
}
