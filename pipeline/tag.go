package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/podpipe/podpipe/id3"
	"github.com/podpipe/podpipe/progress"
	"github.com/podpipe/podpipe/storage"
)

// tagging is what the published audio's tag says besides the episode
// (step 4, tag).
type tagging struct {
	artist  string     // show.author
	album   string     // show.title
	pageURL string     // the episode's page
	artwork sourceFile // the episode's own, else the show's cover
}

// tagAudio makes the published audio of the episode (step 4, tag): an
// MP3 with its ID3v2.3 tag and chapters, an MPEG-4 file as it is. The
// source is only read, and at most once here.
//
// With create (a store that takes a file by rename, storage.Stager) the
// copy is written once, into the file create makes, not synced: the store
// makes it durable by renaming this very file into place. Without it (an
// S3 store, a dry run) nothing is written: the artifact streams the tag
// and then the source's audio into the store's Put (taggedAudio).
//
// Either way the content is not hashed as a whole. What names it is its
// recipe (recipeSum): the source's SHA-256, computed as the audio is
// copied (or, with no copy to make, read once beforehand) unless known
// has it already (change detection read the source), and the new tag's
// bytes. An MPEG-4 file published as it is is named by its SHA-256, the
// source's. The source's sum and version are returned for the change
// detection's source hash.
//
// When the source is read to hash it and parts is not nil (a store that
// signs the parts of an upload with their SHA-256), the same read hashes
// the content's parts too, cut where parts says, for the upload to sign
// them with (storage.PutOptions.PartSHA256) rather than read them once
// more.
//
// Work of progressMin bytes or more is reported to rep as it goes.
func tagAudio(e *episode, chs chapterList, tg tagging, create audioFile, parts storage.PartSummer, known audioSum, rep progress.Reporter) (a *artifact, sum audioSum, err error) {
	ext := e.audio.ext()
	var tag []byte
	var audioStart int64
	var ct string
	src, err := os.Open(e.audio.path)
	if err != nil {
		return nil, sum, fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return nil, sum, fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
	}
	if known.sum != "" && !known.ver.same(st) {
		return nil, sum, fmt.Errorf("%s changed while it was published; publish it again", e.audio.name)
	}
	sum = audioSum{sum: known.sum, ver: versionOf(st)}
	if ext == ".mp3" {
		t, err := id3Tag(e, chs, tg)
		if err != nil {
			return nil, sum, err
		}
		if tag, audioStart, err = id3.Encode(src, t); err != nil {
			return nil, sum, fmt.Errorf("%s: tagging: %w", e.audio.name, err)
		}
		ct = "audio/mpeg"
	} else {
		// MPEG-4 audio is published as it is: its chapters would need a
		// QuickTime chapter track, which podpipe does not write yet.
		ct = "audio/x-m4a"
	}
	frames := st.Size() - audioStart
	a = &artifact{role: "audio", contentType: ct, size: int64(len(tag)) + frames}

	// Read from the start when the source's sum is wanted: the source's
	// old tag, which the copy replaces, counts in it.
	var h hash.Hash
	from := audioStart
	if sum.sum == "" {
		h, from = sha256.New(), 0
	}
	if _, err := src.Seek(from, io.SeekStart); err != nil {
		return nil, sum, fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
	}
	if h != nil {
		if _, err := io.CopyN(h, src, audioStart); err != nil {
			return nil, sum, fmt.Errorf("%s: %w", e.audio.name, eofIsChange(err))
		}
	}
	var hashes []io.Writer
	if h != nil {
		hashes = append(hashes, h)
	}
	if create != nil {
		out, err := create()
		if err != nil {
			return nil, sum, err
		}
		a.path, a.staged = out.Name(), true
		defer func() {
			if err != nil {
				out.Close()
				os.Remove(out.Name())
			}
		}()
		if _, err := out.Write(tag); err != nil {
			return nil, sum, fmt.Errorf("write the published copy of %s: %w", e.audio.name, unwrapPath(err))
		}
		// The store will sync this very file: have the disk write it
		// while the copy goes on, not all at the end.
		dst := &writeBehind{f: out, off: int64(len(tag))}
		n, hashed, err := stageCopy(dst, src, audioStart, frames, hashes, "tagging "+e.audio.name, rep)
		if err != nil {
			return nil, sum, fmt.Errorf("copy the audio of %s: %w", e.audio.name, unwrapPath(err))
		}
		if n != frames || (h != nil && hashed != frames) {
			return nil, sum, fmt.Errorf("%s changed while it was copied: %d bytes of audio, %d copied", e.audio.name, frames, min(n, hashed))
		}
		if err := out.Close(); err != nil {
			return nil, sum, fmt.Errorf("write the published copy of %s: %w", e.audio.name, unwrapPath(err))
		}
	} else {
		var ph *partHasher
		if h != nil {
			// The store reads the source as it uploads, and the key
			// the upload goes to needs the sum first. The parts'
			// sums, which the upload would read the source again
			// for, come from the same read, on a core of their own.
			if parts != nil {
				ph = &partHasher{size: parts.PartSize(a.size)}
				ph.Write(tag)
				hashes = append(hashes, ph)
			}
			stage := progressStage(rep, "reading "+e.audio.name, frames)
			n, err := hashRange(src, audioStart, frames, stage.Set, hashes...)
			stage.Done()
			if err != nil {
				return nil, sum, fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
			}
			if n != frames {
				return nil, sum, fmt.Errorf("%s changed while it was read: %d bytes of audio, %d read", e.audio.name, frames, n)
			}
		}
		a.stream = &taggedAudio{name: e.audio.name, tag: tag, src: e.audio.path, start: audioStart, n: frames, ver: sum.ver}
		if ph != nil {
			a.stream.partSums = ph.sums()
		}
	}
	if h != nil {
		sum.sum = hex.EncodeToString(h.Sum(nil))
	}
	// What was read is the file as it was when the tag was made from it.
	if fi, err := src.Stat(); err != nil || !sum.ver.same(fi) {
		return nil, sum, fmt.Errorf("%s changed while it was read; publish it again", e.audio.name)
	}
	if ext == ".mp3" {
		a.recipe = recipeSum(sum.sum, audioStart, tag)
	} else {
		a.sha256 = sum.sum // published as it is: the same bytes
	}
	a.name(episodeDir(e.slug), e.slug, ext, true)
	return a, sum, nil
}

// recipeVersion changes whenever what recipeSum hashes does.
const recipeVersion = "1"

// recipeSum names a tagged MP3 by what it is made of: tag, then the
// audio of the source whose SHA-256 is sourceSum from audioStart on. The
// same three make the same bytes, and different bytes come from different
// ones, so it changes whenever the content does, as a SHA-256 of the
// content would, without a pass over the content.
func recipeSum(sourceSum string, audioStart int64, tag []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "podpipe tagged audio %s\nsource %s\naudio from %d\ntag %d\n", recipeVersion, sourceSum, audioStart, len(tag))
	h.Write(tag)
	return hex.EncodeToString(h.Sum(nil))
}

// progressStage starts reporting work of size bytes to rep when it is
// progressMin bytes or more, and only to nobody otherwise.
func progressStage(rep progress.Reporter, what string, size int64) progress.Stage {
	if size < progressMin {
		rep = nil
	}
	return progress.Start(rep, what, progress.Bytes, size)
}

// audioSum is the SHA-256 of an episode's source audio, as a whole, and
// the version of the file it was computed from.
type audioSum struct {
	sum string
	ver fileVersion
}

// hashAudio computes the audio's audioSum, or takes it from sums.
func hashAudio(f sourceFile, sums sumCache) (audioSum, error) {
	began := time.Now()
	src, err := os.Open(f.path)
	if err != nil {
		return audioSum{}, fmt.Errorf("%s: %w", f.name, unwrapPath(err))
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return audioSum{}, fmt.Errorf("%s: %w", f.name, unwrapPath(err))
	}
	if sum := sums.lookup(st); sum != "" {
		return audioSum{sum: sum, ver: versionOf(st)}, nil
	}
	h := sha256.New()
	n, err := hashRange(src, 0, st.Size(), nil, h)
	if err != nil {
		return audioSum{}, fmt.Errorf("%s: %w", f.name, unwrapPath(err))
	}
	if fi, err := src.Stat(); err != nil || n != st.Size() || !versionOf(st).same(fi) {
		return audioSum{}, fmt.Errorf("%s changed while it was read; publish it again", f.name)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	sums.remember(st, began, sum)
	return audioSum{sum: sum, ver: versionOf(st)}, nil
}

// fileVersion tells, without reading it, that a file is still the one
// read before: the same file, size and modification time. A sum computed
// from it names what is read from it later only while it is.
type fileVersion struct {
	fi    os.FileInfo
	size  int64
	mtime time.Time
}

func versionOf(fi os.FileInfo) fileVersion {
	return fileVersion{fi: fi, size: fi.Size(), mtime: fi.ModTime()}
}

func (v fileVersion) same(fi os.FileInfo) bool {
	return v.fi != nil && os.SameFile(v.fi, fi) && fi.Size() == v.size && fi.ModTime().Equal(v.mtime)
}

// taggedAudio is published audio that is not written anywhere before the
// store reads it: the tag, then the source's audio, n bytes from start.
type taggedAudio struct {
	name  string // the source's, for messages
	tag   []byte
	src   string
	start int64
	n     int64
	ver   fileVersion // the source's, as the tag and the sum were made from it
	// partSums are the SHA-256 of the content's parts, as the store
	// cuts them (storage.PartSummer), from the read that made the sum;
	// nil when the content was not read.
	partSums []string
}

// open opens the content for reading, at offsets too (the S3 store reads
// the parts of a large object at once); the caller closes it.
func (t *taggedAudio) open() (*taggedReader, error) {
	f, err := os.Open(t.src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.name, unwrapPath(err))
	}
	if err := t.check(f.Stat()); err != nil {
		f.Close()
		return nil, err
	}
	return &taggedReader{t: t, f: f, size: int64(len(t.tag)) + t.n}, nil
}

// check says whether the source is still the one read for the sum.
func (t *taggedAudio) check(fi os.FileInfo, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", t.name, unwrapPath(err))
	}
	if !t.ver.same(fi) {
		return fmt.Errorf("%s changed while it was published; publish it again", t.name)
	}
	return nil
}

// taggedReader reads a taggedAudio: an io.ReadSeeker and an io.ReaderAt
// whose ReadAt may be called at once from several goroutines.
type taggedReader struct {
	t    *taggedAudio
	f    *os.File
	size int64
	off  int64 // of Read and Seek
}

func (r *taggedReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= r.size {
		return 0, io.EOF
	}
	want := len(p)
	if rest := r.size - off; int64(want) > rest {
		p = p[:rest]
	}
	n := 0
	if tl := int64(len(r.t.tag)); off < tl {
		n = copy(p, r.t.tag[off:])
	}
	if n < len(p) {
		m, err := r.f.ReadAt(p[n:], r.t.start+off+int64(n)-int64(len(r.t.tag)))
		n += m
		if err != nil && n < len(p) {
			return n, fmt.Errorf("%s: %w", r.t.name, eofIsChange(err))
		}
	}
	if n < want {
		return n, io.EOF
	}
	return n, nil
}

func (r *taggedReader) Read(p []byte) (int, error) {
	n, err := r.ReadAt(p, r.off)
	r.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (r *taggedReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.size
	default:
		return 0, errors.New("invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("negative position")
	}
	r.off = offset
	return offset, nil
}

func (r *taggedReader) Close() error { return r.f.Close() }

// countingReader reports how much has been read through it.
type countingReader struct {
	r      io.Reader
	n      int64
	report func(int64)
}

// reporting is r, telling report (when not nil) how much has been read.
func reporting(r io.Reader, report func(int64)) io.Reader {
	if report == nil {
		return r
	}
	return &countingReader{r: r, report: report}
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.report(c.n)
	return n, err
}

// audioFile creates the file the published audio is written to, in the
// store's staging place, for storage.FilePutter to take.
type audioFile func() (*os.File, error)

// writeBehind writes to f and hands each writeBehindChunk bytes written
// to the disk as soon as they are (startWriteback), without waiting.
type writeBehind struct {
	f            *os.File
	off, started int64
}

const writeBehindChunk = 16 << 20

func (w *writeBehind) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.wrote(int64(n))
	return n, err
}

// wrote counts n bytes written to the file and hands what was written
// since the last hint to the disk once it is writeBehindChunk or more.
func (w *writeBehind) wrote(n int64) {
	w.off += n
	if w.off-w.started >= writeBehindChunk {
		startWriteback(w.f, w.started, w.off-w.started)
		w.started = w.off
	}
}

// stageCopy appends frames bytes of src, from its offset (from), to w's
// file, and writes the same stretch to each of hashes. The kernel copies
// (copy_file_range), writeBehindChunk at a time, each handed to the disk
// as it is written: the audio never passes through podpipe's memory.
// Copies through a buffer (read, then write) took from 1 to 4 times as
// long as cp's on the project's machines, run to run, where the kernel's
// copy kept to cp's pace. The hashes read the stretch on their own
// (hashRange, from the page cache the copy reads too), beside the copy,
// on another core. It returns the bytes copied and the bytes hashed
// (frames when there are no hashes).
func stageCopy(w *writeBehind, src *os.File, from, frames int64, hashes []io.Writer, what string, rep progress.Reporter) (copied, hashed int64, err error) {
	stage := progressStage(rep, what, frames)
	defer stage.Done()
	hashed = frames
	var hashErr error
	var wg sync.WaitGroup
	if len(hashes) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hashed, hashErr = hashRange(src, from, frames, nil, hashes...)
		}()
	}
	if _, err = src.Seek(from, io.SeekStart); err == nil {
		for copied < frames {
			var n int64
			n, err = io.CopyN(w.f, src, min(writeBehindChunk, frames-copied))
			copied += n
			w.wrote(n)
			stage.Set(copied)
			if err != nil {
				if err == io.EOF {
					err = nil // shorter than its probe said: the caller says so
				}
				break
			}
		}
	}
	wg.Wait()
	if err == nil {
		err = hashErr
	}
	return copied, hashed, err
}

// eofIsChange words a source that ends before its probe said it would.
func eofIsChange(err error) error {
	if err == io.EOF {
		return errors.New("the file got shorter while it was read")
	}
	return unwrapPath(err)
}

// copyBuf is the size of the chunks readHashed reads, and copyBufs how
// many it has in flight.
const (
	copyBuf  = 1 << 20
	copyBufs = 4
)

// readHashed reads src to its end and writes every byte to each of hashes
// (a hash.Hash, a partHasher: writers that never fail), reading src once:
// each hash runs in a goroutine of its own beside the reads, so on a
// machine with cores to spare it takes about as long as the slowest of
// them rather than as long as all of them. It returns the bytes read.
func readHashed(src io.Reader, hashes ...io.Writer) (int64, error) {
	type chunk struct {
		b    []byte
		done *sync.WaitGroup
	}
	var workers sync.WaitGroup
	queues := make([]chan chunk, len(hashes))
	for i, h := range hashes {
		q := make(chan chunk, copyBufs)
		queues[i] = q
		workers.Add(1)
		go func() {
			defer workers.Done()
			for c := range q {
				h.Write(c.b) // never fails
				c.done.Done()
			}
		}()
	}
	defer func() {
		for _, q := range queues {
			close(q)
		}
		workers.Wait()
	}()
	var (
		bufs  [copyBufs][]byte
		inUse [copyBufs]sync.WaitGroup // the hashes still reading each buffer
		n     int64
	)
	for i := 0; ; i = (i + 1) % copyBufs {
		inUse[i].Wait()
		if bufs[i] == nil {
			bufs[i] = make([]byte, copyBuf)
		}
		m, rerr := io.ReadFull(src, bufs[i])
		if m > 0 {
			b := bufs[i][:m]
			inUse[i].Add(len(queues))
			for _, q := range queues {
				q <- chunk{b, &inUse[i]}
			}
			n += int64(m)
		}
		switch rerr {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			return n, nil
		default:
			return n, rerr
		}
	}
}

// partHasher hashes what is written to it in parts of size bytes, each
// with a SHA-256 of its own, as a store that signs the parts of an upload
// with their SHA-256 cuts the content (storage.PartSummer).
type partHasher struct {
	size int64
	h    hash.Hash // of the part being written, nil before its first byte
	n    int64     // bytes of it written
	done []string
}

func (p *partHasher) Write(b []byte) (int, error) {
	total := len(b)
	for len(b) > 0 {
		if p.h == nil {
			p.h, p.n = sha256.New(), 0
		}
		k := min(int64(len(b)), p.size-p.n)
		p.h.Write(b[:k])
		p.n += k
		b = b[k:]
		if p.n == p.size {
			p.done = append(p.done, hex.EncodeToString(p.h.Sum(nil)))
			p.h = nil
		}
	}
	return total, nil
}

// sums returns the parts' sums, the last part's however short; empty
// content is one empty part.
func (p *partHasher) sums() []string {
	if p.h != nil || len(p.done) == 0 {
		h := p.h
		if h == nil {
			h = sha256.New()
		}
		p.done = append(p.done, hex.EncodeToString(h.Sum(nil)))
		p.h = nil
	}
	return p.done
}

// id3Tag is the ID3 tag of the published audio.
func id3Tag(e *episode, chs chapterList, tg tagging) (id3.Tag, error) {
	t := e.t
	tag := id3.Tag{
		Title:    t.Title,
		Artist:   tg.artist,
		Album:    tg.album,
		Genre:    "Podcast",
		Comment:  t.Description,
		URL:      tg.pageURL,
		Chapters: chs.list,
	}
	if !t.Date.IsZero() {
		tag.Year = strconv.Itoa(t.Date.Year())
	}
	if n := e.number; n > 0 {
		tag.Track = strconv.Itoa(n)
	}
	if t.Episode > 0 {
		tag.Track = strconv.Itoa(t.Episode)
	}
	art, err := artwork(tg.artwork)
	if err != nil {
		return tag, err
	}
	data, err := os.ReadFile(tg.artwork.path)
	if err != nil {
		return tag, fmt.Errorf("%s: %w", tg.artwork.name, unwrapPath(err))
	}
	tag.Artwork, tag.ArtworkMIME = data, art.MIME()
	return tag, nil
}
