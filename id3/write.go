// Package id3 reads and writes the ID3v2 tag of an MP3: the episode's own
// fields, its artwork, and its chapters as CHAP frames under one CTOC.
//
// It writes ID3v2.3 only: Apple Podcasts stopped showing chapters from a
// v2.4 tag with long titles, and every player reads v2.3. Tags of v2.2,
// v2.3 and v2.4 are read; what they hold beyond the fields podpipe sets is
// kept, converted to v2.3.
//
//	err := id3.WriteFile("public/01-x.mp3", "episodes/01-x.mp3", id3.Tag{
//		Title: "Episode 1", Artist: "The Show", Chapters: list,
//	})
//	inPlace, err := id3.Retag("public/01-x.mp3", tag) // after an edit
//
// Tagging is a stream: the new tag is written, then the audio is copied
// from the source file with io.Copy between two *os.File (copy_file_range
// on Linux, so the bytes need not pass through the process), into a temp
// file beside the destination that is synced and renamed into place. The
// audio bytes come out identical; the source is never written to. A tag is
// written with Padding bytes to spare, so that Retag can later rewrite it in
// place, in milliseconds, when the new tag fits.
//
// Frames of the source tag are kept, except:
//   - those the new tag replaces: TIT2, TPE1, TALB, TYER, TRCK, TCON for
//     every field set, the COMM and WXXX without description, the front
//     cover APIC, and all CHAP and CTOC frames when Tag.Chapters is set;
//   - frames whose tag-alter-preservation flag asks to be discarded when the
//     tag changes (the ID3 spec's rule);
//   - v2.4 frames with no v2.3 counterpart (ASPI, EQU2, RVA2, SEEK, SIGN,
//     TDEN, TDRL, TDTG, TMCL, TMOO, TPRO, TSST), and v2.4 frames that are
//     grouped, compressed or encrypted: v2.3 lays those out differently;
//   - v2.2 frames other than the common text, URL, comment, picture and
//     counter frames.
//
// From v2.4, TDRC and TDOR become TYER and TORY (the year), TIPL becomes
// IPLS, UTF-8 and UTF-16BE text is re-encoded as ISO-8859-1 or UTF-16, and
// multiple values are joined with "/".
package id3

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/mp3"
)

// Tag is what podpipe writes into an episode's MP3. Empty fields are not
// written, and the source's frame for them is kept.
type Tag struct {
	Title   string // TIT2
	Artist  string // TPE1
	Album   string // TALB: the show
	Year    string // TYER: four digits
	Track   string // TRCK: the episode number, "7" or "7/20"
	Genre   string // TCON; "Podcast" when empty
	Comment string // COMM without description
	// Language is the ISO 639-2 code of the comment, "eng" when empty.
	Language    string
	URL         string // WXXX without description: the episode's page
	Artwork     []byte // APIC front cover
	ArtworkMIME string // "image/jpeg" or "image/png"
	// Chapters become CHAP frames, in time order, under one top-level
	// ordered CTOC; hidden chapters get a CHAP but no CTOC entry. They go
	// through chapters.Validate against the probed duration first (run it
	// yourself to show its warnings: its corrections apply here too, its
	// errors stop the write). When empty, the source's chapters are kept
	// as they are.
	Chapters []chapters.Chapter
}

// Padding is the room left after the frames of a tag written anew, so that
// a later Retag with a few more chapters or longer titles fits in place.
const Padding = 4096

// MaxTOCEntries is the most chapters one CTOC can list (its count is a byte).
const MaxTOCEntries = 255

// ErrTooManyChapters means more chapters are visible than a CTOC can list.
var ErrTooManyChapters = errors.New("id3: too many chapters for one CTOC")

// appendFrame appends a v2.3 frame: ID, 32-bit size, flags, body.
func appendFrame(b []byte, f frame) []byte {
	b = append(b, f.id...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(f.body)))
	b = binary.BigEndian.AppendUint16(b, f.flags)
	return append(b, f.body...)
}

func ms(d time.Duration) uint32 {
	v := d.Round(time.Millisecond).Milliseconds()
	if v < 0 {
		return 0
	}
	if v >= 0xFFFFFFFF {
		return 0xFFFFFFFE
	}
	return uint32(v)
}

// latin1 is s for a field ID3 keeps in ISO-8859-1 (URLs, MIME types):
// anything else is percent-encoded, so the bytes stay what they mean.
func latin1(s string) []byte {
	var b []byte
	for _, c := range []byte(s) {
		if c < 0x80 {
			b = append(b, c)
		} else {
			b = append(b, fmt.Sprintf("%%%02X", c)...)
		}
	}
	return b
}

func wxxx(url string) frame {
	return frame{id: "WXXX", body: append([]byte{encLatin1, 0}, latin1(url)...)}
}

// chapterFrames builds the CTOC and the CHAP frames.
func chapterFrames(list []chapters.Chapter, tocTitle string) ([]frame, error) {
	var visible []string
	var chaps []frame
	firstOver := 0 // the first visible chapter past MaxTOCEntries
	for i, c := range list {
		id := "chp" + strconv.Itoa(i)
		b := append([]byte(id), 0)
		b = binary.BigEndian.AppendUint32(b, ms(c.Start))
		b = binary.BigEndian.AppendUint32(b, ms(c.End))
		b = binary.BigEndian.AppendUint32(b, 0xFFFFFFFF)
		b = binary.BigEndian.AppendUint32(b, 0xFFFFFFFF)
		b = appendFrame(b, frame{id: "TIT2", body: textFrame(c.Title)})
		if c.URL != "" {
			b = appendFrame(b, wxxx(c.URL))
		}
		if c.Image != "" {
			// An APIC whose MIME type is "-->" holds a link to the image.
			pic := append([]byte{encLatin1}, "-->"...)
			pic = append(append(pic, 0, 3, 0), latin1(c.Image)...)
			b = appendFrame(b, frame{id: "APIC", body: pic})
		}
		chaps = append(chaps, frame{id: "CHAP", body: b})
		if !c.Hidden {
			visible = append(visible, id)
			if len(visible) == MaxTOCEntries+1 {
				firstOver = i
			}
		}
	}
	if len(visible) > MaxTOCEntries {
		err := fmt.Errorf("%w: %d chapters are in the table of contents, a CTOC lists at most %d (hide some, or merge them)", ErrTooManyChapters, len(visible), MaxTOCEntries)
		// Point the editor at the first chapter that does not fit, in the
		// chapters file it came from.
		if pos := list[firstOver].Pos; pos != "" {
			err = fmt.Errorf("%s: %w", pos, err)
		}
		return nil, err
	}
	b := append([]byte("toc"), 0, 0x03, byte(len(visible))) // top-level, ordered
	for _, id := range visible {
		b = append(append(b, id...), 0)
	}
	b = appendFrame(b, frame{id: "TIT2", body: textFrame(tocTitle)})
	return append([]frame{{id: "CTOC", body: b}}, chaps...), nil
}

// build returns the frames of the new tag: the fields of tag, the kept
// frames of the old one, then the CTOC and CHAPs, then the artwork.
func build(tag Tag, old []frame, duration time.Duration) ([]frame, error) {
	var head, tail []frame
	replaced := map[string]bool{}
	text := func(id, v string) {
		if v != "" {
			head = append(head, frame{id: id, body: textFrame(v)})
			replaced[id] = true
		}
	}
	text("TIT2", tag.Title)
	text("TPE1", tag.Artist)
	text("TALB", tag.Album)
	text("TYER", tag.Year)
	text("TRCK", tag.Track)
	genre := tag.Genre
	if genre == "" {
		genre = "Podcast"
	}
	text("TCON", genre)
	if tag.Comment != "" {
		lang := tag.Language
		if len(lang) != 3 {
			lang = "eng"
		}
		enc, b := encodeText(tag.Comment)
		body := append([]byte{enc}, lang...)
		// The empty description is a string too: in UTF-16 it needs its
		// byte order mark, or readers such as ffmpeg reject the frame.
		body = append(append(append(body, encodeIn(enc, "")...), terminator(enc)...), b...)
		head = append(head, frame{id: "COMM", body: body})
	}
	if tag.URL != "" {
		head = append(head, wxxx(tag.URL))
	}
	if len(tag.Artwork) > 0 {
		mime := tag.ArtworkMIME
		if mime == "" {
			mime = "image/jpeg"
		}
		body := append([]byte{encLatin1}, latin1(mime)...)
		body = append(append(body, 0, 3, 0), tag.Artwork...) // front cover, no description
		tail = append(tail, frame{id: "APIC", body: body})
	}
	if len(tag.Chapters) > 0 {
		list, _, err := chapters.Validate(tag.Chapters, duration)
		if err != nil {
			return nil, fmt.Errorf("id3: %w", err)
		}
		title := tag.Title
		if title == "" {
			title = "Chapters"
		}
		cf, err := chapterFrames(list, title)
		if err != nil {
			return nil, err
		}
		tail = append(cf, tail...)
		replaced["CHAP"], replaced["CTOC"] = true, true
	}

	seen := map[string]bool{}
	var kept []frame
	for _, f := range old {
		if replaced[f.id] || drop(tag, f) {
			continue
		}
		// A text frame appears once: several leading tags may each
		// have one; the first wins.
		if f.id[0] == 'T' && f.id != "TXXX" {
			if seen[f.id] {
				continue
			}
			seen[f.id] = true
		}
		kept = append(kept, f)
	}
	return append(append(head, kept...), tail...), nil
}

// drop reports whether an old frame is one the new tag replaces although
// its ID is not replaced as a whole.
func drop(tag Tag, f frame) bool {
	if len(f.body) == 0 {
		return false
	}
	enc := f.body[0]
	switch f.id {
	case "COMM":
		if tag.Comment != "" && len(f.body) >= 4 {
			desc, _ := cutString(enc, f.body[4:])
			return len(decodeText(enc, desc)) == 0
		}
	case "WXXX":
		if tag.URL != "" {
			desc, _ := cutString(enc, f.body[1:])
			return len(decodeText(enc, desc)) == 0
		}
	case "APIC":
		if len(tag.Artwork) > 0 {
			_, rest := cutString(encLatin1, f.body[1:])
			return len(rest) > 0 && rest[0] == 3
		}
	}
	return false
}

// encode returns the whole v2.3 tag: header, frames and padding, size bytes
// long when size > 0, otherwise with Padding bytes of padding.
func encode(frames []frame, size int64) ([]byte, error) {
	var b []byte
	b = append(b, "ID3\x03\x00\x00\x00\x00\x00\x00"...)
	for _, f := range frames {
		b = appendFrame(b, f)
	}
	if size == 0 {
		size = int64(len(b)) + Padding
	}
	if int64(len(b)) > size {
		return nil, fmt.Errorf("id3: the tag needs %d bytes, %d fit", len(b), size)
	}
	if size-10 > maxTagSize {
		return nil, fmt.Errorf("id3: a tag of %d bytes is larger than ID3v2 allows (256 MiB)", size)
	}
	n := uint32(size - 10)
	b[6], b[7], b[8], b[9] = byte(n>>21&0x7F), byte(n>>14&0x7F), byte(n>>7&0x7F), byte(n&0x7F)
	return append(b, make([]byte, size-int64(len(b)))...), nil
}

// prepare probes src (it must be an MP3: a file of something else or a
// truncated one is refused before anything is written) and returns the new
// tag's frames and where the source's audio part starts.
func prepare(f *os.File, tag Tag) ([]frame, int64, error) {
	frames, end, err := prepareFrom(f, tag)
	var pe *probeError
	if errors.As(err, &pe) {
		return nil, 0, fmt.Errorf("id3: %s: %w", f.Name(), pe.err)
	}
	return frames, end, err
}

// probeError is a failure to read the source as an MP3, which prepare
// words with the file's name.
type probeError struct{ err error }

func (e *probeError) Error() string { return e.err.Error() }
func (e *probeError) Unwrap() error { return e.err }

func prepareFrom(r io.ReadSeeker, tag Tag) ([]frame, int64, error) {
	info, err := mp3.Probe(r)
	if err != nil {
		return nil, 0, &probeError{err}
	}
	old, err := readTags(r)
	if err != nil {
		return nil, 0, &probeError{err}
	}
	frames, err := build(tag, old.frames, info.Duration)
	if err != nil {
		return nil, 0, err
	}
	return frames, old.end, nil
}

// Encode returns what WriteFile writes before the audio of the MP3 src,
// the new tag merged with src's (padding included), and the offset in src
// at which that audio starts. A caller that copies the audio itself (to
// hash it on the way, say) writes data, then src from audio to its end:
// the result is byte for byte what WriteFile writes. src is probed and
// its tag read (it is refused when it is not an MP3); its position after
// Encode is unspecified.
func Encode(src io.ReadSeeker, tag Tag) (data []byte, audio int64, err error) {
	frames, end, err := prepareFrom(src, tag)
	var pe *probeError
	if errors.As(err, &pe) {
		return nil, 0, fmt.Errorf("id3: %w", pe.err)
	}
	if err != nil {
		return nil, 0, err
	}
	data, err = encode(frames, alignedSize(frames, end))
	if err != nil {
		return nil, 0, err
	}
	return data, end, nil
}

// alignedSize returns the size of a new tag: the frames, at least Padding
// bytes of padding, and as many more as make the audio start at the same
// offset modulo 4 KiB in the new file as in the source. With both copies
// page-aligned alike the kernel copies whole pages.
func alignedSize(frames []frame, srcEnd int64) int64 {
	size := int64(10) + Padding
	for _, f := range frames {
		size += 10 + int64(len(f.body))
	}
	const page = 4096
	return size + ((srcEnd-size)%page+page)%page
}

// copyChunk is how much audio is copied between two writeback hints.
const copyChunk = 32 << 20

// copyAudio copies src from its offset to its end into dst at off. Both
// are *os.File, so io.Copy lets the kernel copy (copy_file_range) without
// the bytes passing through the process. It writes behind: each chunk is
// handed to the disk as soon as it is copied, and the one before it is
// waited for, so at most two chunks are dirty at a time, the disk works
// while the copy goes on, and the final fsync has little left to wait for.
func copyAudio(dst *os.File, off int64, src *os.File) (int64, error) {
	var done int64
	prev := int64(-1)
	for {
		n, err := io.CopyN(dst, src, copyChunk)
		if n > 0 {
			writeBehind(dst, off+done, n, prev)
			prev = off + done
		}
		done += n
		if err == io.EOF {
			return done, nil
		}
		if err != nil {
			return done, err
		}
	}
}

// WriteFile writes dst: the MP3 src with its tag replaced by tag (merged
// with the frames of the source's tag that tag does not replace). The audio
// is streamed; dst appears complete or not at all; src is only read, even
// when dst is the same path (then src is replaced by the rename).
func WriteFile(dst, src string, tag Tag) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("id3: %w", err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return fmt.Errorf("id3: %w", err)
	}
	frames, end, err := prepare(in, tag)
	if err != nil {
		return err
	}
	data, err := encode(frames, alignedSize(frames, end))
	if err != nil {
		return err
	}

	dir, base := filepath.Split(dst)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("id3: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("id3: write %s: %w", dst, err)
	}
	if _, err := in.Seek(end, io.SeekStart); err != nil {
		return fmt.Errorf("id3: %w", err)
	}
	n, err := copyAudio(tmp, int64(len(data)), in)
	if err != nil {
		return fmt.Errorf("id3: copy the audio of %s: %w", src, err)
	}
	if n != st.Size()-end {
		return fmt.Errorf("id3: %s changed while it was copied: %d bytes of audio, %d copied", src, st.Size()-end, n)
	}
	if err := tmp.Chmod(st.Mode().Perm()); err != nil {
		return fmt.Errorf("id3: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("id3: sync %s: %w", dst, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("id3: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("id3: %w", err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("id3: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("id3: sync %s: %w", dir, err)
	}
	return nil
}

// Retag replaces the tag of the MP3 at path. When the new tag fits in the
// room the old one takes (its padding included), it is written over it in
// place, one write and an fsync, and inPlace is true; otherwise the file is
// rewritten through a temp file and a rename, as WriteFile does. The audio
// bytes are not touched either way.
func Retag(path string, tag Tag) (inPlace bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false, fmt.Errorf("id3: %w", err)
	}
	defer f.Close()
	frames, end, err := prepare(f, tag)
	if err != nil {
		return false, err
	}
	if end > 0 {
		if data, err := encode(frames, end); err == nil {
			if _, err := f.WriteAt(data, 0); err != nil {
				return false, fmt.Errorf("id3: write %s: %w", path, err)
			}
			if err := f.Sync(); err != nil {
				return false, fmt.Errorf("id3: sync %s: %w", path, err)
			}
			return true, f.Close()
		}
	}
	f.Close()
	return false, WriteFile(path, path, tag)
}

// Dropped lists the frames of the MP3's tag that WriteFile would not carry
// over, each with the reason, for a command to show an editor.
func Dropped(r io.ReadSeeker) ([]string, error) {
	t, err := readTags(r)
	return t.dropped, err
}
