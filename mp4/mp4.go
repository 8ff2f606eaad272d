// Package mp4 reads what podpipe needs from an MPEG-4 audio file (.m4a):
// its duration, from the movie header box. The file is read box by box
// with seeks; the media data is never read.
//
//	d, err := mp4.Duration(f)
package mp4

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrNotMP4 is returned for a file that is not an MPEG-4 file.
var ErrNotMP4 = errors.New("mp4: not an MPEG-4 file")

// Duration returns the duration in the file's movie header (moov/mvhd).
func Duration(r io.ReadSeeker) (time.Duration, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	moov, moovSize, err := findBox(r, 0, size, "moov", true)
	if err != nil {
		return 0, err
	}
	mvhd, mvhdSize, err := findBox(r, moov, moov+moovSize, "mvhd", false)
	if err != nil {
		return 0, err
	}
	if mvhdSize < 4 {
		return 0, fmt.Errorf("mp4: mvhd box too short")
	}
	if _, err := r.Seek(mvhd, io.SeekStart); err != nil {
		return 0, err
	}
	var hdr [32]byte
	n, err := io.ReadFull(r, hdr[:min(int64(len(hdr)), mvhdSize)])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, fmt.Errorf("mp4: read mvhd: %w", err)
	}
	var timescale, duration uint64
	switch hdr[0] { // version
	case 0:
		if n < 20 {
			return 0, fmt.Errorf("mp4: mvhd box too short")
		}
		timescale = uint64(binary.BigEndian.Uint32(hdr[12:16]))
		duration = uint64(binary.BigEndian.Uint32(hdr[16:20]))
	case 1:
		if n < 32 {
			return 0, fmt.Errorf("mp4: mvhd box too short")
		}
		timescale = uint64(binary.BigEndian.Uint32(hdr[20:24]))
		duration = binary.BigEndian.Uint64(hdr[24:32])
	default:
		return 0, fmt.Errorf("mp4: mvhd version %d not supported", hdr[0])
	}
	if timescale == 0 {
		return 0, fmt.Errorf("mp4: mvhd timescale is 0")
	}
	secs := duration / timescale
	frac := duration % timescale
	return time.Duration(secs)*time.Second + time.Duration(frac*uint64(time.Second)/timescale), nil
}

// findBox returns the payload offset and size of the first box of the type
// between start and end. top says the search is at the file's top level,
// where the first box must be ftyp for the file to be MPEG-4.
func findBox(r io.ReadSeeker, start, end int64, typ string, top bool) (int64, int64, error) {
	var hdr [16]byte
	for off, first := start, true; off+8 <= end; first = false {
		if _, err := r.Seek(off, io.SeekStart); err != nil {
			return 0, 0, err
		}
		if _, err := io.ReadFull(r, hdr[:8]); err != nil {
			return 0, 0, fmt.Errorf("mp4: box at %d: %w", off, err)
		}
		size := int64(binary.BigEndian.Uint32(hdr[:4]))
		name := string(hdr[4:8])
		head := int64(8)
		if top && first && name != "ftyp" {
			return 0, 0, ErrNotMP4
		}
		switch size {
		case 0: // to the end of the file
			size = end - off
		case 1: // 64-bit size follows
			if _, err := io.ReadFull(r, hdr[8:16]); err != nil {
				return 0, 0, fmt.Errorf("mp4: box at %d: %w", off, err)
			}
			size = int64(binary.BigEndian.Uint64(hdr[8:16]))
			head = 16
		}
		if size < head || off+size > end {
			return 0, 0, fmt.Errorf("mp4: box %q at %d: bad size %d", name, off, size)
		}
		if name == typ {
			return off + head, size - head, nil
		}
		off += size
	}
	return 0, 0, fmt.Errorf("mp4: no %s box", typ)
}
