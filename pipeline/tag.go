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

	"github.com/podpipe/podpipe/id3"
	"github.com/podpipe/podpipe/progress"
)

// tagging is what the published audio's tag says besides the episode
// (step 4, tag).
type tagging struct {
	artist  string     // show.author
	album   string     // show.title
	pageURL string     // the episode's page
	artwork sourceFile // the episode's own, else the show's cover
}

// tagAudio writes the published copy of the episode's audio (step 4,
// tag), an MP3 with its ID3v2.3 tag and chapters, an MPEG-4 file as it
// is, reading the source once: the copy's SHA-256 is computed as it is
// written and, with wantSourceSum, the source's too (the episode's source
// hash needs it; a publish that had to hash the source already does not
// ask again). The copy goes into the file create makes; it is not synced,
// for the store makes the object durable (a local store by renaming this
// very file into place). The source is only read.
//
// A copy of progressMin bytes or more is reported to rep as it goes.
func tagAudio(e *episode, chs chapterList, tg tagging, create audioFile, wantSourceSum bool, rep progress.Reporter) (a *artifact, sourceSum string, err error) {
	ext := e.audio.ext()
	var tag []byte
	var audioStart int64
	var ct string
	src, err := os.Open(e.audio.path)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
	}
	if ext == ".mp3" {
		t, err := id3Tag(e, chs, tg)
		if err != nil {
			return nil, "", err
		}
		if tag, audioStart, err = id3.Encode(src, t); err != nil {
			return nil, "", fmt.Errorf("%s: tagging: %w", e.audio.name, err)
		}
		ct = "audio/mpeg"
	} else {
		// MPEG-4 audio is published as it is: its chapters would need a
		// QuickTime chapter track, which podpipe does not write yet.
		ct = "audio/x-m4a"
	}

	out, staged, err := create(e.slug + ".audio" + ext)
	if err != nil {
		return nil, "", err
	}
	a = &artifact{role: "audio", path: out.Name(), contentType: ct, staged: staged}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()

	outHash := sha256.New()
	hashes := []hash.Hash{outHash}
	var srcHash hash.Hash
	if wantSourceSum && ext == ".mp3" { // else the copy is the source
		srcHash = sha256.New()
		hashes = append(hashes, srcHash)
	}
	// The source's old tag, which the copy replaces, counts in its sum.
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, "", fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
	}
	if srcHash != nil {
		if _, err := io.CopyN(srcHash, src, audioStart); err != nil {
			return nil, "", fmt.Errorf("%s: %w", e.audio.name, eofIsChange(err))
		}
	} else if _, err := src.Seek(audioStart, io.SeekStart); err != nil {
		return nil, "", fmt.Errorf("%s: %w", e.audio.name, unwrapPath(err))
	}
	if _, err := out.Write(tag); err != nil {
		return nil, "", fmt.Errorf("write the published copy of %s: %w", e.audio.name, unwrapPath(err))
	}
	outHash.Write(tag)
	var dst io.Writer = out
	if staged {
		// The store will sync this very file: have the disk write it
		// while the copy and the hashes go on, not all at the end.
		dst = &writeBehind{f: out, off: int64(len(tag))}
	}
	var body io.Reader = src
	if size := st.Size() - audioStart; size >= progressMin {
		stage := progress.Start(rep, "tagging "+e.audio.name, progress.Bytes, size)
		defer stage.Done()
		body = &countingReader{r: src, stage: stage}
	}
	n, err := copyHashed(dst, body, hashes...)
	if err != nil {
		return nil, "", fmt.Errorf("copy the audio of %s: %w", e.audio.name, unwrapPath(err))
	}
	if want := st.Size() - audioStart; n != want {
		return nil, "", fmt.Errorf("%s changed while it was copied: %d bytes of audio, %d copied", e.audio.name, want, n)
	}
	if err := out.Close(); err != nil {
		return nil, "", fmt.Errorf("write the published copy of %s: %w", e.audio.name, unwrapPath(err))
	}
	a.sha256, a.size = hex.EncodeToString(outHash.Sum(nil)), int64(len(tag))+n
	switch {
	case srcHash != nil:
		sourceSum = hex.EncodeToString(srcHash.Sum(nil))
	case wantSourceSum: // copied as it is: the same bytes
		sourceSum = a.sha256
	}
	a.name(episodeDir(e.slug), e.slug, ext, true)
	return a, sourceSum, nil
}

// countingReader reports to stage how much has been read through it.
type countingReader struct {
	r     io.Reader
	n     int64
	stage progress.Stage
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.stage.Set(c.n)
	return n, err
}

// audioFile creates the file the published audio is written to, named
// name unless the store names it; staged says it is in the store's
// staging place, for storage.FilePutter to take.
type audioFile func(name string) (f *os.File, staged bool, err error)

// writeBehind writes to f and hands each writeBehindChunk bytes written
// to the disk as soon as they are (startWriteback), without waiting.
type writeBehind struct {
	f            *os.File
	off, started int64
}

const writeBehindChunk = 16 << 20

func (w *writeBehind) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.off += int64(n)
	if w.off-w.started >= writeBehindChunk {
		startWriteback(w.f, w.started, w.off-w.started)
		w.started = w.off
	}
	return n, err
}

// eofIsChange words a source that ends before its probe said it would.
func eofIsChange(err error) error {
	if err == io.EOF {
		return errors.New("the file got shorter while it was read")
	}
	return unwrapPath(err)
}

// copyBuf is the size of the chunks copyHashed reads, and copyBufs how
// many it has in flight.
const (
	copyBuf  = 1 << 20
	copyBufs = 4
)

// copyHashed copies src to dst and writes every byte to each of hashes as
// well, reading src once: each hash runs in a goroutine of its own beside
// the writes, so on a machine with cores to spare the copy takes about as
// long as the slowest of them rather than as long as all of them.
func copyHashed(dst io.Writer, src io.Reader, hashes ...hash.Hash) (int64, error) {
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
				h.Write(c.b) // a hash.Hash never fails
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
			if _, err := dst.Write(b); err != nil {
				return n, err
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
