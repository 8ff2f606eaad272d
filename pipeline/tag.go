package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
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
// recipe (recipeSum): the source's sum (blockSums.treeSum), computed
// beside the copy (or, with no copy to make, read once beforehand) unless
// known has it already (change detection read the source), and the new
// tag's bytes; an MPEG-4 file's, with no tag. The source's sum and
// version are returned for the change detection's source hash.
//
// When the source is read to hash it and parts is not nil (a store that
// signs the parts of an upload with their SHA-256), the upload is cut so
// that its parts but the first are the source's blocks (uploadParts):
// their sums sign them, and the upload does not read them once more to
// hash them.
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

	// The source's sum, when it is not known yet, is of the whole file:
	// its old tag, which the copy replaces, counts in it.
	var blocks *blockSums
	sumBlocks := func(workers int, report func(int64)) error {
		b, err := hashBlocks(src, st.Size(), workers, report)
		if err != nil {
			return err
		}
		blocks = &b
		return nil
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
		var beside func() error
		if sum.sum == "" {
			// The copy keeps a core busy: the hash takes the others.
			beside = func() error { return sumBlocks(max(1, runtime.GOMAXPROCS(0)-1), nil) }
		}
		// The store will sync this very file: have the disk write it
		// while the copy goes on, not all at the end.
		dst := &writeBehind{f: out, off: int64(len(tag))}
		n, err := stageCopy(dst, src, audioStart, frames, beside, "tagging "+e.audio.name, rep)
		if err != nil {
			return nil, sum, fmt.Errorf("copy the audio of %s: %w", e.audio.name, unwrapPath(err))
		}
		if n != frames {
			return nil, sum, fmt.Errorf("%s changed while it was copied: %d bytes of audio, %d copied", e.audio.name, frames, n)
		}
		if err := out.Close(); err != nil {
			return nil, sum, fmt.Errorf("write the published copy of %s: %w", e.audio.name, unwrapPath(err))
		}
	} else {
		a.stream = &taggedAudio{name: e.audio.name, tag: tag, src: e.audio.path, start: audioStart, n: frames, ver: sum.ver}
		if sum.sum == "" {
			// The store reads the source as it uploads, and the key
			// the upload goes to needs the sum first. The parts'
			// sums, which the upload would read the source again
			// for, are mostly the blocks' own.
			stage := progressStage(rep, "reading "+e.audio.name, st.Size())
			err := sumBlocks(0, stage.Set)
			stage.Done()
			if err != nil {
				return nil, sum, fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
			}
			if parts != nil {
				a.stream.partSums, a.stream.firstPart, err = uploadParts(src, tag, audioStart, *blocks, parts.PartSize(a.size))
				if err != nil {
					return nil, sum, fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
				}
			}
		}
	}
	if blocks != nil {
		sum.sum = blocks.treeSum()
	}
	// What was read is the file as it was when the tag was made from it.
	if fi, err := src.Stat(); err != nil || !sum.ver.same(fi) {
		return nil, sum, fmt.Errorf("%s changed while it was read; publish it again", e.audio.name)
	}
	// An MPEG-4 file published as it is is named the same way, with
	// nothing in front of its audio.
	a.recipe = recipeSum(sum.sum, audioStart, tag)
	a.name(episodeDir(e.slug), e.slug, ext, true)
	return a, sum, nil
}

// minFirstPart is S3's smallest part but the last.
const minFirstPart = 5 << 20

// uploadParts returns the SHA-256 of each part the tagged audio (tag,
// then src from audioStart on: blocks.size-audioStart bytes) is uploaded
// in, cut by a store whose parts are partSize, and the size of the first
// part (storage.PutOptions.FirstPart; 0 when the parts are all
// partSize but the last). When partSize is the blocks' size, the first
// part is the tag and the audio up to a block's end, and every other
// part is one of the source's blocks, whose sum blocks has: only the
// first part is read here. Otherwise (an object of more than 10,000
// blocks, or of one part) the parts are hashed as the store cuts them.
func uploadParts(src *os.File, tag []byte, audioStart int64, blocks blockSums, partSize int64) (sums []string, first int64, err error) {
	tl, size := int64(len(tag)), blocks.size
	// The first block boundary the first part can end on.
	j := (audioStart + treeBlock - 1) / treeBlock
	for tl+j*treeBlock-audioStart < minFirstPart {
		j++
	}
	if partSize != treeBlock || tl+size-audioStart <= partSize || j*treeBlock >= size {
		ph := &partHasher{size: partSize}
		ph.Write(tag)
		if err := hashRange(src, audioStart, size-audioStart, ph); err != nil {
			return nil, 0, err
		}
		return ph.sums(), 0, nil
	}
	h := sha256.New()
	h.Write(tag)
	if err := hashRange(src, audioStart, j*treeBlock-audioStart, h); err != nil {
		return nil, 0, err
	}
	sums = append(sums, hex.EncodeToString(h.Sum(nil)))
	for i := int(j); i < len(blocks.sums); i++ {
		sums = append(sums, blocks.hex(i))
	}
	return sums, tl + j*treeBlock - audioStart, nil
}

// recipeVersion changes whenever what recipeSum hashes does.
const recipeVersion = "2"

// recipeSum names the published audio by what it is made of: tag, then
// the audio of the source whose sum (blockSums.treeSum) is sourceSum from
// audioStart on. The same three make the same bytes, and different bytes
// come from different ones, so it changes whenever the content does, as
// a SHA-256 of the content would, without a pass over the content.
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

// audioSum is the sum of an episode's source audio (blockSums.treeSum),
// and the version of the file it was computed from.
type audioSum struct {
	sum string
	ver fileVersion
}

// hashAudio computes the audio's audioSum, or takes it from sums.
func hashAudio(f sourceFile, sums sumCache) (audioSum, error) {
	return hashAudioAs(f, sums, sumTree)
}

// hashAudioWhole is hashAudio for the SHA-256 of the whole file, which
// older podpipes named the audio by: what an episode they published is
// compared with.
func hashAudioWhole(f sourceFile, sums sumCache) (audioSum, error) {
	return hashAudioAs(f, sums, sumWhole)
}

func hashAudioAs(f sourceFile, sums sumCache, kind string) (audioSum, error) {
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
	if sum := sums.lookup(st, kind); sum != "" {
		return audioSum{sum: sum, ver: versionOf(st)}, nil
	}
	var sum string
	if kind == sumTree {
		b, err := hashBlocks(src, st.Size(), 0, nil)
		if err != nil {
			return audioSum{}, fmt.Errorf("%s: %w", f.name, unwrapPath(err))
		}
		sum = b.treeSum()
	} else {
		h := sha256.New()
		if err := hashRange(src, 0, st.Size(), h); err != nil {
			return audioSum{}, fmt.Errorf("%s: %w", f.name, unwrapPath(err))
		}
		sum = hex.EncodeToString(h.Sum(nil))
	}
	if fi, err := src.Stat(); err != nil || !versionOf(st).same(fi) {
		return audioSum{}, fmt.Errorf("%s changed while it was read; publish it again", f.name)
	}
	sums.remember(st, began, kind, sum)
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
	// cuts them (storage.PartSummer) with the first part firstPart bytes
	// (storage.PutOptions.FirstPart; 0: as long as the others), from the
	// read that made the sum; nil when the content was not read.
	partSums  []string
	firstPart int64
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
// file, while beside (when not nil) runs in a goroutine of its own. The
// kernel copies (copy_file_range), writeBehindChunk at a time, each
// handed to the disk as it is written: the audio never passes through
// podpipe's memory. Copies through a buffer (read, then write) took from
// 1 to 4 times as long as cp's on the project's machines, run to run,
// where the kernel's copy kept to cp's pace. beside hashes the source
// (hashBlocks), from the page cache the copy reads too, on the other
// cores. It returns the bytes copied, and beside's error if the copy
// had none.
func stageCopy(w *writeBehind, src *os.File, from, frames int64, beside func() error, what string, rep progress.Reporter) (copied int64, err error) {
	stage := progressStage(rep, what, frames)
	defer stage.Done()
	var besideErr error
	var wg sync.WaitGroup
	if beside != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			besideErr = beside()
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
		err = besideErr
	}
	return copied, err
}

// eofIsChange words a source that ends before its probe said it would.
func eofIsChange(err error) error {
	if err == io.EOF {
		return errors.New("the file got shorter while it was read")
	}
	return unwrapPath(err)
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
