package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/progress"
	"github.com/podpipe/podpipe/storage"
)

// publisher writes to the show's store: the steps upload, manifest and
// feed, and the deletions after them. It knows nothing of the config.
type publisher struct {
	store  storage.Store
	force  bool // upload even what is unchanged
	dryRun bool // say what would be written, write nothing
	log    io.Writer
	now    func() time.Time
	// progress is shown the upload of large files.
	progress progress.Reporter
	// planned is the manifest a dry run would have written, which the
	// rest of the run reads in its place.
	planned *manifest.Manifest
	// wouldPut is the sha256 of each stable-name page a dry run would
	// have put, which a later put in the same run compares against.
	wouldPut map[string]string
}

func (w *publisher) logf(format string, args ...any) { fmt.Fprintf(w.log, format+"\n", args...) }

// upload puts each artifact unless the store already holds the same
// content under its key (the sha256 or recipe stored with the object
// decides)
// (step 6, upload). A large artifact (the audio) goes up while the small
// ones do, one after the other, beside it: their round trips then cost no
// time of their own. The log and res list them in the order of arts.
func (w *publisher) upload(ctx context.Context, arts []*artifact, res *Result) error {
	outs := make([]uploaded, len(arts))
	// The first failure stops the others and is the one returned (the
	// others' then only say they were stopped).
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
		cancel()
	}
	var wg sync.WaitGroup
	for i, a := range arts {
		if a.size < progressMin || w.dryRun {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = w.uploadOne(ctx, a)
			if outs[i].err != nil {
				fail(outs[i].err)
			}
		}()
	}
	for i, a := range arts {
		if a.size < progressMin || w.dryRun {
			if outs[i] = w.uploadOne(ctx, a); outs[i].err != nil {
				fail(outs[i].err)
				break
			}
		}
	}
	wg.Wait()
	for i, a := range arts {
		o := outs[i]
		switch {
		case o.err != nil, o.line == "": // failed, or not reached
			continue
		case o.skipped:
			res.Skipped = append(res.Skipped, a.key)
		default:
			res.Uploaded = append(res.Uploaded, a.key)
			res.BytesUploaded += a.size
		}
		w.logf("%s", o.line)
	}
	return first
}

// uploaded is what uploadOne did with one artifact: its log line, and
// whether the store had it already.
type uploaded struct {
	line    string
	skipped bool
	err     error
}

// uploadOne puts an artifact unless the store holds it already (upload).
func (w *publisher) uploadOne(ctx context.Context, a *artifact) uploaded {
	if !w.force {
		info, err := w.store.Stat(ctx, a.key)
		switch {
		case err == nil && a.storedAs(info):
			if a.staged {
				os.Remove(a.path)
			}
			return uploaded{line: "unchanged: " + a.key, skipped: true}
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return uploaded{err: err}
		}
	}
	if w.dryRun {
		return uploaded{line: fmt.Sprintf("would upload: %s (%s, %s)", a.key, FormatBytes(a.size), a.contentType)}
	}
	if err := w.put(ctx, a); err != nil {
		return uploaded{err: err}
	}
	return uploaded{line: fmt.Sprintf("uploaded: %s (%s)", a.key, FormatBytes(a.size))}
}

// audioFile is where the published audio is written: in the store's
// staging place when it has one (a local store then takes the file by
// rename: the audio is written once); nil when it has none (S3) or in a
// dry run, which writes nothing: the audio is then streamed into the
// store's Put (or not read at all).
func (w *publisher) audioFile() audioFile {
	sg, ok := w.store.(storage.Stager)
	if _, fp := w.store.(storage.FilePutter); !ok || !fp || w.dryRun {
		return nil
	}
	return sg.CreateStaged
}

// partSummer is the store when it signs the parts of an upload with
// their SHA-256 and takes them from the caller (storage.PartSummer); nil
// otherwise, and in a dry run, which uploads nothing.
func (w *publisher) partSummer() storage.PartSummer {
	ps, ok := w.store.(storage.PartSummer)
	if !ok || w.dryRun {
		return nil
	}
	return ps
}

func (w *publisher) put(ctx context.Context, a *artifact) error {
	opts := storage.PutOptions{
		ContentType:  a.contentType,
		CacheControl: a.cacheControl,
		Metadata:     a.metadata(),
	}
	if a.stream != nil {
		return w.putStream(ctx, a, opts)
	}
	if fp, ok := w.store.(storage.FilePutter); ok && a.staged {
		r := w.progress
		if a.size < progressMin {
			r = nil
		}
		st := progress.Start(r, "uploading "+a.key, progress.Bytes, a.size)
		defer st.Done()
		if _, err := fp.PutFile(ctx, a.key, a.path, a.size, a.sum(), opts); err != nil {
			return fmt.Errorf("upload %s to %s: %w", a.key, w.store, err)
		}
		st.Set(a.size)
		return nil
	}
	f, err := os.Open(a.path)
	if err != nil {
		return err
	}
	defer f.Close()
	var body io.Reader = f
	if a.size >= progressMin {
		st := progress.Start(w.progress, "uploading "+a.key, progress.Bytes, a.size)
		defer st.Done()
		body = &countingFile{readSeekerAt: f, size: a.size, stage: st}
	}
	_, err = w.store.Put(ctx, a.key, body, a.size, opts)
	if err != nil {
		return fmt.Errorf("upload %s to %s: %w", a.key, w.store, err)
	}
	return nil
}

// putStream puts the tagged audio straight from its source (the S3 store
// reads the parts where they lie in the source and hashes each as it
// signs it, as for a file). Should the source change while it is read,
// the object is not what its key says: it is deleted again, and the
// publish fails.
func (w *publisher) putStream(ctx context.Context, a *artifact, opts storage.PutOptions) error {
	r, err := a.stream.open()
	if err != nil {
		return err
	}
	defer r.Close()
	var body readSeekerAt = r
	if a.size >= progressMin {
		st := progress.Start(w.progress, "uploading "+a.key, progress.Bytes, a.size)
		defer st.Done()
		body = &countingFile{readSeekerAt: r, size: a.size, stage: st}
	}
	opts.PartSHA256, opts.FirstPart = a.stream.partSums, a.stream.firstPart
	if _, err := w.store.Put(ctx, a.key, body, a.size, opts); err != nil {
		return fmt.Errorf("upload %s to %s: %w", a.key, w.store, err)
	}
	if err := a.stream.check(r.f.Stat()); err != nil {
		if derr := w.store.Delete(context.WithoutCancel(ctx), a.key); derr != nil {
			return fmt.Errorf("%w (and %s, uploaded from it, could not be deleted: %v)", err, a.key, derr)
		}
		return err
	}
	return nil
}

// progressMin is the size from which an upload is shown as it goes.
const progressMin = 4 << 20

// readSeekerAt is what the S3 store reads a large object from in parts,
// several at once, as from a file.
type readSeekerAt interface {
	io.Reader
	io.ReaderAt
	io.Seeker
}

// countingFile is a file (or a taggedReader) being uploaded that tells its
// stage how much has been read. It keeps ReadAt and Seek, with which the
// S3 store reads parts straight from disk; a part read again (a retry)
// counts again, so the count is capped at the size.
type countingFile struct {
	readSeekerAt
	size  int64
	read  atomic.Int64
	stage progress.Stage
}

func (c *countingFile) Read(p []byte) (int, error) {
	n, err := c.readSeekerAt.Read(p)
	c.add(n)
	return n, err
}

func (c *countingFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.readSeekerAt.ReadAt(p, off)
	c.add(n)
	return n, err
}

func (c *countingFile) add(n int) {
	c.stage.Set(min(c.size, c.read.Add(int64(n))))
}

// genKey is the metadata that carries the manifest generation a
// stable-named object (the feed, an episode's page) was rendered from.
const genKey = "generation"

// putStable puts an object with a stable name (the feed, an episode's
// page) rendered from the manifest of generation gen, with a conditional
// write, unless the store holds one rendered from a newer manifest: a
// publisher whose upload is delayed past another's never puts back an
// older rendering. The same generation is replaced only when its content
// differs (or with force).
func (w *publisher) putStable(ctx context.Context, a *artifact, gen int64, res *Result) error {
	for attempt := 0; ; attempt++ {
		opts := storage.PutOptions{
			ContentType:  a.contentType,
			CacheControl: a.cacheControl,
			Metadata:     map[string]string{sha256Key: a.sha256, genKey: strconv.FormatInt(gen, 10)},
		}
		info, err := w.store.Stat(ctx, a.key)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			opts.IfNoneMatch = true
		case err != nil:
			return err
		default:
			have, _ := strconv.ParseInt(info.Metadata[genKey], 10, 64)
			same := info.Size == a.size && info.Metadata[sha256Key] == a.sha256
			if sum, ok := w.wouldPut[a.key]; ok {
				same = sum == a.sha256
			}
			if have > gen {
				res.Skipped = append(res.Skipped, a.key)
				w.logf("newer: %s (rendered from manifest generation %d; this one is %d)", a.key, have, gen)
				return nil
			}
			if same && (have == gen || a.sameIsCurrent) && !w.force {
				res.Skipped = append(res.Skipped, a.key)
				w.logf("unchanged: %s", a.key)
				return nil
			}
			opts.IfMatch = info.ETag
		}
		if w.dryRun {
			w.logf("would upload: %s (%s, %s)", a.key, FormatBytes(a.size), a.contentType)
			res.Uploaded = append(res.Uploaded, a.key)
			res.BytesUploaded += a.size
			if w.wouldPut == nil {
				w.wouldPut = map[string]string{}
			}
			w.wouldPut[a.key] = a.sha256
			return nil
		}
		f, err := os.Open(a.path)
		if err != nil {
			return err
		}
		_, err = w.store.Put(ctx, a.key, f, a.size, opts)
		f.Close()
		if errors.Is(err, storage.ErrPreconditionFailed) && attempt < 10 {
			w.logf("%s changed while publishing; comparing again", a.key)
			continue
		}
		if err != nil {
			return fmt.Errorf("upload %s to %s: %w", a.key, w.store, err)
		}
		res.Uploaded = append(res.Uploaded, a.key)
		res.BytesUploaded += a.size
		w.logf("uploaded: %s (%s)", a.key, FormatBytes(a.size))
		return nil
	}
}

// allExist says whether the store holds every object, at its size and,
// where the store recorded it, its hash: an episode whose sources are as
// published is then skipped whole. A page whose upload failed after the
// manifest was written is not the manifest's, and the episode is rebuilt.
func (w *publisher) allExist(ctx context.Context, objs []manifest.Object) (bool, error) {
	for _, o := range objs {
		info, err := w.store.Stat(ctx, o.Key)
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if info.Size != o.Size {
			return false, nil
		}
		if sum := info.Metadata[sha256Key]; sum != "" && o.SHA256 != "" && sum != o.SHA256 {
			return false, nil
		}
		if r := info.Metadata[recipeKey]; r != "" && o.Recipe != "" && r != o.Recipe {
			return false, nil
		}
	}
	return true, nil
}

// deleteKeys deletes the objects (a dry run lists them), each once, saying
// why with each. A failure only leaves garbage behind, so it warns; it
// returns the keys deleted.
func (w *publisher) deleteKeys(ctx context.Context, keys []string, why func(key string) string, res *Result) []string {
	var deleted []string
	done := map[string]bool{}
	for _, k := range keys {
		if done[k] {
			continue
		}
		done[k] = true
		if w.dryRun {
			w.logf("would delete: %s (%s)", k, why(k))
			res.Deleted = append(res.Deleted, k)
			deleted = append(deleted, k)
			continue
		}
		if err := w.store.Delete(ctx, k); err != nil {
			w.logf("warning: could not delete the %s %s: %v", why(k), k, err)
			continue
		}
		res.Deleted = append(res.Deleted, k)
		deleted = append(deleted, k)
		w.logf("deleted: %s (%s)", k, why(k))
	}
	return deleted
}

// objectsOf lists the episode's objects once each: its page is also one of
// its transcripts (the html one), so manifest.Episode.Objects names it
// twice, and counting or deleting it twice would be wrong.
func objectsOf(e *manifest.Episode) []manifest.Object {
	seen := map[string]bool{}
	var out []manifest.Object
	for _, o := range e.Objects() {
		if !seen[o.Key] {
			seen[o.Key] = true
			out = append(out, o)
		}
	}
	return out
}

// unlinked returns the keys of old that are not in now.
func unlinked(old, now []manifest.Object) []string {
	keep := map[string]bool{}
	for _, o := range now {
		keep[o.Key] = true
	}
	var out []string
	for _, o := range old {
		if !keep[o.Key] {
			out = append(out, o.Key)
		}
	}
	return out
}

// FormatBytes formats a byte count for people: 1.6 MiB, 12.0 KiB, 300 B.
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// staleAfter is how old what an interrupted run left behind must be before
// a later run removes it: no publish runs for a day, so nothing younger is
// taken from a run still going.
const staleAfter = 24 * time.Hour

// workPrefix starts the names of the work folders in the system's
// temporary folder.
const workPrefix = "podpipe-work-"

// sweep removes (a dry run lists) what interrupted runs left behind longer
// than staleAfter ago: work folders in the system's temporary folder
// (a killed run cannot remove its own), temporary files in the store and
// incomplete multipart uploads. A failure only leaves garbage, so it
// warns.
func (w *publisher) sweep(ctx context.Context, res *Result) {
	// The files' times are the real clock's, whatever clock the publish
	// runs on (Options.Now).
	before := time.Now().Add(-staleAfter)
	verb := "removed"
	if w.dryRun {
		verb = "would remove"
	}
	tmp := os.TempDir()
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), workPrefix) {
			continue
		}
		if fi, err := e.Info(); err != nil || !fi.ModTime().Before(before) {
			continue
		}
		dir := filepath.Join(tmp, e.Name())
		if !w.dryRun {
			if err := os.RemoveAll(dir); err != nil {
				w.logf("warning: could not remove the work folder of an interrupted run: %v", err)
				continue
			}
		}
		w.logf("%s: %s (the work folder of an interrupted run)", verb, dir)
		res.Removed = append(res.Removed, dir)
	}
	sw, ok := w.store.(storage.Sweeper)
	if !ok {
		return
	}
	left, err := sw.Leftovers(ctx, before)
	if err != nil {
		w.logf("warning: could not look for what interrupted uploads left: %v", err)
		return
	}
	for _, l := range left {
		if !w.dryRun {
			if err := sw.RemoveLeftover(ctx, l); err != nil {
				w.logf("warning: could not remove what an interrupted upload left: %v", err)
				continue
			}
		}
		what := "an interrupted upload, begun " + fmtDate(l.Started)
		if l.Size >= 0 {
			what += ", " + FormatBytes(l.Size)
		}
		w.logf("%s: %s (%s)", verb, l.Name, what)
		res.Removed = append(res.Removed, l.Name)
	}
}
