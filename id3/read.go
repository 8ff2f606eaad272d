package id3

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/podpipe/podpipe/chapters"
)

// ErrCorrupt means a tag's sizes do not add up: a frame or the tag runs past
// where it must end.
var ErrCorrupt = errors.New("id3: corrupt tag")

// frame is one frame in ID3v2.3 form: v2.3 flags, and a body with the
// unsynchronisation and v2.4 data length indicator already undone.
type frame struct {
	id    string
	flags uint16
	body  []byte
}

// v2.3 frame flags.
const (
	flagTagAlter  = 0x8000 // discard the frame when the tag is altered
	flagFileAlter = 0x4000 // discard the frame when the audio is altered
	flagReadOnly  = 0x2000
)

// tags is what readTags found at the front of a file.
type tags struct {
	frames  []frame  // every frame of every leading tag, converted to v2.3
	end     int64    // offset after the last leading tag: where the audio part starts
	dropped []string // frames left out, with the reason
}

// maxTagSize is the largest tag ID3v2 can declare (28-bit synchsafe size).
const maxTagSize = 1<<28 - 1

// maxFrame is the largest frame body kept: bigger ones (a 200 MB GEOB, a
// camera-sized APIC) are dropped with a note rather than held in memory,
// since the tag is read whole before it is written again. A tag's padding
// is never read.
const maxFrame = 16 << 20

// readTags reads every ID3v2 tag at the start of r (v2.2, v2.3, v2.4) and
// converts their frames to v2.3. A tag that runs past the end of the file
// or a frame that runs past its tag is ErrCorrupt. The tags are read frame
// by frame where they lie: memory holds the frames kept (each at most
// maxFrame), whatever size the tag declares.
func readTags(r io.ReadSeeker) (tags, error) {
	var t tags
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return t, fmt.Errorf("id3: %w", err)
	}
	ra := readerAt(r)
	var h [10]byte
	for {
		if _, err := ra.ReadAt(h[:], t.end); err != nil {
			return t, nil
		}
		if string(h[:3]) != "ID3" || h[3] < 2 || h[3] > 4 || h[6]|h[7]|h[8]|h[9] >= 0x80 {
			return t, nil
		}
		version, flags := h[3], h[5]
		n := int64(syncsafe(h[6:]))
		total := 10 + n
		if version == 4 && flags&0x10 != 0 {
			total += 10
		}
		if t.end+total > size {
			return t, fmt.Errorf("%w: the ID3v2.%d tag at offset %d declares %d bytes, the file has %d after it", ErrCorrupt, version, t.end, total, size-t.end)
		}
		frames, dropped, err := parseTag(version, flags, io.NewSectionReader(ra, t.end+10, n))
		if err != nil {
			return t, fmt.Errorf("%w (ID3v2.%d tag at offset %d)", err, version, t.end)
		}
		t.frames = append(t.frames, frames...)
		t.dropped = append(t.dropped, dropped...)
		t.end += total
	}
}

// sizedReaderAt is a tag's or a frame's bytes, in a file or in memory.
type sizedReaderAt interface {
	io.ReaderAt
	Size() int64
}

// readerAt reads r at offsets: directly when it can (an *os.File, a
// bytes.Reader), else by seeking.
func readerAt(r io.ReadSeeker) io.ReaderAt {
	if ra, ok := r.(io.ReaderAt); ok {
		return ra
	}
	return seekReaderAt{r}
}

type seekReaderAt struct{ r io.ReadSeeker }

func (s seekReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if _, err := s.r.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	return io.ReadFull(s.r, p)
}

func syncsafe(b []byte) uint32 {
	return uint32(b[0]&0x7F)<<21 | uint32(b[1]&0x7F)<<14 | uint32(b[2]&0x7F)<<7 | uint32(b[3]&0x7F)
}

// resync undoes unsynchronisation: every 0xFF 0x00 becomes 0xFF.
func resync(b []byte) []byte {
	if !bytes.Contains(b, []byte{0xFF, 0}) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		out = append(out, b[i])
		if b[i] == 0xFF && i+1 < len(b) && b[i+1] == 0 {
			i++
		}
	}
	return out
}

// parseTag parses the frames of one tag body (the bytes after the header).
func parseTag(version, flags byte, body sizedReaderAt) ([]frame, []string, error) {
	if version == 2 && flags&0x40 != 0 {
		return nil, []string{"an ID3v2.2 tag with compression: no known scheme, all its frames"}, nil
	}
	if version < 4 && flags&0x80 != 0 {
		// Unsynchronisation changes every offset: such a tag is undone in
		// memory, so only up to the size of a frame podpipe keeps.
		if body.Size() > maxFrame {
			return nil, []string{fmt.Sprintf("an unsynchronised tag of %d MB, more than podpipe reads: all its frames", body.Size()>>20)}, nil
		}
		b := make([]byte, body.Size())
		if _, err := body.ReadAt(b, 0); err != nil {
			return nil, nil, fmt.Errorf("id3: %w", err)
		}
		body = bytes.NewReader(resync(b))
	}
	if flags&0x40 != 0 && version >= 3 { // extended header
		var ext [4]byte
		if _, err := body.ReadAt(ext[:], 0); err != nil {
			return nil, nil, fmt.Errorf("%w: the extended header is cut short", ErrCorrupt)
		}
		var n int64
		if version == 3 {
			n = 4 + int64(binary.BigEndian.Uint32(ext[:]))
		} else {
			n = int64(syncsafe(ext[:]))
		}
		if n < 4 || n > body.Size() {
			return nil, nil, fmt.Errorf("%w: the extended header declares %d bytes, the tag has %d", ErrCorrupt, n, body.Size())
		}
		body = io.NewSectionReader(body, n, body.Size()-n)
	}
	return parseFramesAt(version, version == 4 && flags&0x80 != 0, false, body)
}

func validID(id []byte) bool {
	for _, c := range id {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// parseFrames parses a run of frames in memory (those embedded in a CHAP
// or CTOC).
func parseFrames(version byte, unsyncAll, nested bool, b []byte) ([]frame, []string, error) {
	return parseFramesAt(version, unsyncAll, nested, bytes.NewReader(b))
}

// parseFramesAt parses a run of frames (a tag's, or those embedded in a
// CHAP or CTOC) and converts them to v2.3. It stops at padding or at bytes
// that cannot start a frame, as every reader does, and reads only the
// frames it keeps.
func parseFramesAt(version byte, unsyncAll, nested bool, b sizedReaderAt) ([]frame, []string, error) {
	idLen, hdrLen := 4, int64(10)
	if version == 2 {
		idLen, hdrLen = 3, 6
	}
	var out []frame
	var dropped []string
	hdr := make([]byte, hdrLen)
	end := b.Size()
	for p := int64(0); p+hdrLen <= end; {
		if _, err := b.ReadAt(hdr, p); err != nil {
			return nil, nil, fmt.Errorf("id3: %w", err)
		}
		id := hdr[:idLen]
		if id[0] == 0 || !validID(id) {
			break
		}
		var size int64
		var flags uint16
		switch version {
		case 2:
			size = int64(hdr[3])<<16 | int64(hdr[4])<<8 | int64(hdr[5])
		case 3:
			size = int64(binary.BigEndian.Uint32(hdr[4:]))
			flags = binary.BigEndian.Uint16(hdr[8:])
		case 4:
			size = v24Size(b, p, hdr)
			flags = binary.BigEndian.Uint16(hdr[8:])
		}
		start := p + hdrLen
		if size < 0 || size > end-start {
			return nil, nil, fmt.Errorf("%w: frame %s at byte %d of the tag declares %d bytes, %d are left", ErrCorrupt, id, p, size, end-start)
		}
		p = start + size
		if size > maxFrame {
			dropped = append(dropped, fmt.Sprintf("%s: a frame of %d MB, more than podpipe keeps (%d MB)", id, size>>20, maxFrame>>20))
			continue
		}
		data := make([]byte, size)
		if _, err := b.ReadAt(data, start); err != nil {
			return nil, nil, fmt.Errorf("id3: %w", err)
		}
		f, reason := convert(version, unsyncAll, nested, string(id), flags, data)
		if reason != "" {
			dropped = append(dropped, fmt.Sprintf("%s: %s", id, reason))
			continue
		}
		out = append(out, f)
	}
	return out, dropped, nil
}

// v24Size reads a v2.4 frame size from the frame header hdr at p. iTunes
// wrote plain 32-bit sizes into v2.4 tags for years: when the bytes are no
// synchsafe integer, or when only the plain reading lands on the next
// frame, the plain one is meant.
func v24Size(b sizedReaderAt, p int64, hdr []byte) int64 {
	raw := hdr[4:8]
	plain := int64(binary.BigEndian.Uint32(raw))
	if raw[0]|raw[1]|raw[2]|raw[3] >= 0x80 {
		return plain
	}
	safe := int64(syncsafe(raw))
	if safe == plain {
		return safe
	}
	end := b.Size()
	fits := func(n int64) bool {
		next := p + 10 + n
		if next == end {
			return true
		}
		if next < 0 || next > end {
			return false
		}
		var id [4]byte
		if next+4 > end {
			return true
		}
		if _, err := b.ReadAt(id[:], next); err != nil || id[0] == 0 {
			return true // padding
		}
		return validID(id[:])
	}
	if !fits(safe) && fits(plain) {
		return plain
	}
	return safe
}

// v22IDs maps the v2.2 frames podpipe converts to their v2.3 names; the
// bodies are laid out alike (PIC is rewritten by convert).
var v22IDs = map[string]string{
	"TT1": "TIT1", "TT2": "TIT2", "TT3": "TIT3", "TP1": "TPE1", "TP2": "TPE2", "TP3": "TPE3", "TP4": "TPE4",
	"TAL": "TALB", "TYE": "TYER", "TRK": "TRCK", "TPA": "TPOS", "TCO": "TCON", "TCM": "TCOM", "TEN": "TENC",
	"TCR": "TCOP", "TPB": "TPUB", "TSS": "TSSE", "TLA": "TLAN", "TLE": "TLEN", "TBP": "TBPM", "TXX": "TXXX",
	"TDA": "TDAT", "TIM": "TIME", "TOA": "TOPE", "TOT": "TOAL", "TOR": "TORY", "TKE": "TKEY", "TRC": "TSRC",
	"TOL": "TOLY", "TOF": "TOFN", "TXT": "TEXT", "TMT": "TMED", "TFT": "TFLT", "TDY": "TDLY", "TRD": "TRDA",
	"TSI": "TSIZ", "COM": "COMM", "ULT": "USLT", "WXX": "WXXX", "WAR": "WOAR", "WAF": "WOAF", "WAS": "WOAS",
	"WCM": "WCOM", "WCP": "WCOP", "WPB": "WPUB", "UFI": "UFID", "CNT": "PCNT", "POP": "POPM", "GEO": "GEOB",
	"PIC": "APIC",
}

// v24Only are v2.4 frames with no v2.3 counterpart: dropped.
var v24Only = map[string]bool{
	"ASPI": true, "EQU2": true, "RVA2": true, "SEEK": true, "SIGN": true, "TDEN": true, "TDRL": true,
	"TDTG": true, "TMCL": true, "TMOO": true, "TPRO": true, "TSST": true,
}

// convert turns one frame of the given version into v2.3, or says why it
// is dropped.
func convert(version byte, unsyncAll, nested bool, id string, flags uint16, data []byte) (frame, string) {
	switch version {
	case 2:
		id23, ok := v22IDs[id]
		if !ok {
			return frame{}, "an ID3v2.2 frame podpipe does not convert"
		}
		if id23 == "APIC" {
			// PIC: encoding, 3-letter image format, type, description, data.
			if len(data) < 5 {
				return frame{}, "a PIC frame too short to hold a picture"
			}
			mime := "image/" + strings.ToLower(string(data[1:4]))
			if mime == "image/jpg" {
				mime = "image/jpeg"
			}
			body := append([]byte{data[0]}, mime...)
			body = append(append(body, 0), data[4:]...)
			return frame{id: id23, body: body}, ""
		}
		return frame{id: id23, body: data}, ""
	case 3:
		if flags&flagTagAlter != 0 {
			return frame{}, "its tag-alter-preservation flag asks to discard it when the tag changes"
		}
		return frame{id: id, flags: flags, body: data}, ""
	}
	// v2.4
	if flags&0x4000 != 0 {
		return frame{}, "its tag-alter-preservation flag asks to discard it when the tag changes"
	}
	if flags&(0x0040|0x0008|0x0004) != 0 {
		return frame{}, "a grouped, compressed or encrypted ID3v2.4 frame is not converted"
	}
	if flags&0x0002 != 0 || unsyncAll {
		data = resync(data)
	}
	if flags&0x0001 != 0 { // data length indicator
		if len(data) < 4 {
			return frame{}, "a data length indicator with no data"
		}
		data = data[4:]
	}
	f := frame{id: id, flags: (flags & 0x3000) << 1}
	if v24Only[id] {
		return frame{}, "an ID3v2.4 frame with no ID3v2.3 equivalent"
	}
	body, reason := convertBody24(id, data, nested)
	if reason != "" {
		return frame{}, reason
	}
	switch id {
	case "TDRC":
		f.id = "TYER"
	case "TDOR":
		f.id = "TORY"
	case "TIPL":
		f.id = "IPLS"
	}
	f.body = body
	return f, ""
}

// convertBody24 rewrites a v2.4 frame body in v2.3 form: text in UTF-8 or
// UTF-16BE re-encoded, multiple values joined with "/", dates cut to the
// year, embedded frames of CHAP and CTOC converted.
func convertBody24(id string, data []byte, nested bool) ([]byte, string) {
	if len(data) == 0 {
		return data, ""
	}
	enc := data[0]
	switch {
	case id == "TXXX" || id == "TIPL":
		vals := decodeStrings(enc, data[1:])
		if len(vals) == 0 {
			vals = []string{""}
		}
		if id == "TXXX" {
			vals = []string{vals[0], strings.Join(vals[1:], "/")}
		}
		e, _ := encodeText(strings.Join(vals, ""))
		body := []byte{e}
		for i, v := range vals {
			if i > 0 {
				body = append(body, terminator(e)...)
			}
			body = append(body, encodeIn(e, v)...)
		}
		return body, ""
	case id[0] == 'T':
		v := textValue(data)
		if id == "TDRC" || id == "TDOR" {
			if len(v) < 4 {
				return nil, "a date without a year"
			}
			v = v[:4]
		}
		return textFrame(v), ""
	case id == "COMM" || id == "USLT":
		if len(data) < 4 {
			return nil, "too short"
		}
		desc, text := cutString(enc, data[4:])
		d, t := decodeText(enc, desc), decodeText(enc, text)
		e, _ := encodeText(d + t)
		body := append([]byte{e}, data[1:4]...)
		body = append(append(body, encodeIn(e, d)...), terminator(e)...)
		return append(body, encodeIn(e, t)...), ""
	case id == "WXXX":
		desc, url := cutString(enc, data[1:])
		d := decodeText(enc, desc)
		e, b := encodeText(d)
		body := append(append([]byte{e}, b...), terminator(e)...)
		return append(body, url...), ""
	case id == "APIC":
		mime, rest := cutString(encLatin1, data[1:])
		if len(rest) < 1 {
			return nil, "an APIC frame too short to hold a picture"
		}
		desc, pic := cutString(enc, rest[1:])
		d := decodeText(enc, desc)
		e, b := encodeText(d)
		body := append(append([]byte{e}, mime...), 0, rest[0])
		body = append(append(body, b...), terminator(e)...)
		return append(body, pic...), ""
	case id == "CHAP" || id == "CTOC":
		if nested {
			return nil, "a CHAP or CTOC inside another"
		}
		return convertContainer24(id, data)
	case id == "GEOB" || id == "SYLT" || id == "USER" || id == "OWNE" || id == "COMR":
		if enc == encUTF8 || enc == encUTF16BE {
			return nil, "UTF-8 or UTF-16BE text in a frame podpipe does not re-encode"
		}
	}
	return data, ""
}

// convertContainer24 converts the frames embedded in a v2.4 CHAP or CTOC.
func convertContainer24(id string, data []byte) ([]byte, string) {
	_, rest := cutString(encLatin1, data)
	head := len(data) - len(rest)
	if id == "CHAP" {
		head += 16
	} else {
		if len(rest) < 2 {
			return nil, "a CTOC too short"
		}
		n := int(rest[1])
		r := rest[2:]
		for range n {
			_, r = cutString(encLatin1, r)
		}
		head = len(data) - len(r)
	}
	if head > len(data) {
		return nil, "a " + id + " too short"
	}
	sub, _, err := parseFrames(4, false, true, data[head:])
	if err != nil {
		return nil, err.Error()
	}
	out := append([]byte(nil), data[:head]...)
	for _, f := range sub {
		if f.id == "CHAP" || f.id == "CTOC" {
			continue // nested containers: no player reads them, and they could nest without end
		}
		out = appendFrame(out, f)
	}
	return out, ""
}

// chapter is a CHAP frame decoded.
type chapter struct {
	id         string
	start, end uint32
	title, url string
	image      string // an APIC "-->" link
}

// toc is a CTOC frame decoded.
type toc struct {
	id       string
	topLevel bool
	children []string
	title    string
}

func parseCHAP(body []byte) (chapter, bool) {
	eid, rest := cutString(encLatin1, body)
	if len(eid) == 0 || len(rest) < 16 {
		return chapter{}, false
	}
	c := chapter{id: string(eid), start: binary.BigEndian.Uint32(rest), end: binary.BigEndian.Uint32(rest[4:])}
	sub, _, _ := parseFrames(3, false, true, rest[16:])
	for _, f := range sub {
		switch {
		case f.id == "TIT2" && c.title == "":
			c.title = textValue(f.body)
		case f.id == "WXXX" && c.url == "" && len(f.body) > 0:
			_, u := cutString(f.body[0], f.body[1:])
			c.url = strings.TrimRight(string(u), "\x00")
		case f.id == "APIC" && len(f.body) > 0:
			mime, rest := cutString(encLatin1, f.body[1:])
			if string(mime) == "-->" && len(rest) > 0 {
				_, link := cutString(f.body[0], rest[1:])
				c.image = strings.TrimRight(string(link), "\x00")
			}
		}
	}
	return c, true
}

func parseCTOC(body []byte) (toc, bool) {
	eid, rest := cutString(encLatin1, body)
	if len(eid) == 0 || len(rest) < 2 {
		return toc{}, false
	}
	t := toc{id: string(eid), topLevel: rest[0]&0x02 != 0}
	n := int(rest[1])
	rest = rest[2:]
	for range n {
		if len(rest) == 0 {
			return toc{}, false
		}
		var child []byte
		child, rest = cutString(encLatin1, rest)
		t.children = append(t.children, string(child))
	}
	sub, _, _ := parseFrames(3, false, true, rest)
	for _, f := range sub {
		if f.id == "TIT2" {
			t.title = textValue(f.body)
			break
		}
	}
	return t, true
}

// chaptersOf returns the chapters of the frames in time order. A chapter
// that no CTOC lists is hidden, when there is a CTOC at all: that is how
// JSON chapters' toc:false is kept in ID3.
func chaptersOf(frames []frame) []chapters.Chapter {
	listed := map[string]bool{}
	anyTOC := false
	for _, f := range frames {
		if f.id == "CTOC" {
			if t, ok := parseCTOC(f.body); ok {
				anyTOC = true
				for _, c := range t.children {
					listed[c] = true
				}
			}
		}
	}
	var list []chapters.Chapter
	for _, f := range frames {
		if f.id != "CHAP" {
			continue
		}
		c, ok := parseCHAP(f.body)
		if !ok {
			continue
		}
		ch := chapters.Chapter{
			Start:  time.Duration(c.start) * time.Millisecond,
			Title:  c.title,
			URL:    c.url,
			Image:  c.image,
			Hidden: anyTOC && !listed[c.id],
			Pos:    "ID3 CHAP " + c.id,
		}
		if c.end != 0xFFFFFFFF && c.end > c.start {
			ch.End = time.Duration(c.end) * time.Millisecond
		}
		list = append(list, ch)
	}
	slices.SortStableFunc(list, func(a, b chapters.Chapter) int { return cmp.Compare(a.Start, b.Start) })
	return list
}

// ReadChapters returns the chapters embedded in the ID3v2 tag of an MP3
// (v2.3 or v2.4 CHAP frames; v2.2 has none), in time order, with Pos set to
// "ID3 CHAP <element ID>". A chapter that no CTOC lists comes back Hidden.
// A file without a tag or without chapters gives none and no error.
func ReadChapters(r io.ReadSeeker) ([]chapters.Chapter, error) {
	t, err := readTags(r)
	if err != nil {
		return nil, err
	}
	return chaptersOf(t.frames), nil
}

// Read returns the tag of an MP3 as podpipe models it: the fields Tag
// has, read from v2.2, v2.3 or v2.4 frames, and the chapters.
func Read(r io.ReadSeeker) (Tag, error) {
	var tag Tag
	t, err := readTags(r)
	if err != nil {
		return tag, err
	}
	text := map[string]*string{"TIT2": &tag.Title, "TPE1": &tag.Artist, "TALB": &tag.Album,
		"TYER": &tag.Year, "TRCK": &tag.Track, "TCON": &tag.Genre}
	for _, f := range t.frames {
		if p, ok := text[f.id]; ok && *p == "" {
			*p = textValue(f.body)
			continue
		}
		if len(f.body) == 0 {
			continue
		}
		enc := f.body[0]
		switch f.id {
		case "COMM":
			if tag.Comment == "" && len(f.body) >= 4 {
				desc, text := cutString(enc, f.body[4:])
				if len(desc) == 0 {
					tag.Comment, tag.Language = decodeText(enc, text), string(f.body[1:4])
				}
			}
		case "WXXX":
			if tag.URL == "" {
				_, u := cutString(enc, f.body[1:])
				tag.URL = strings.TrimRight(string(u), "\x00")
			}
		case "APIC":
			mime, rest := cutString(encLatin1, f.body[1:])
			if len(rest) > 0 && string(mime) != "-->" && (tag.Artwork == nil || rest[0] == 3) {
				_, pic := cutString(enc, rest[1:])
				tag.Artwork, tag.ArtworkMIME = pic, string(mime)
			}
		}
	}
	tag.Chapters = chaptersOf(t.frames)
	return tag, nil
}
