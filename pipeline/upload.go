package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/podpipe/podpipe/manifest"
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
}

func (w *publisher) logf(format string, args ...any) { fmt.Fprintf(w.log, format+"\n", args...) }

// upload puts each artifact unless the store already holds the same
// content under its key (the sha256 stored with the object decides)
// (step 6, upload).
func (w *publisher) upload(ctx context.Context, arts []*artifact, res *Result) error {
	for _, a := range arts {
		if !w.force {
			info, err := w.store.Stat(ctx, a.key)
			switch {
			case err == nil && info.Size == a.size && info.Metadata["sha256"] == a.sha256:
				res.Skipped = append(res.Skipped, a.key)
				w.logf("unchanged: %s", a.key)
				continue
			case err != nil && !errors.Is(err, fs.ErrNotExist):
				return err
			}
		}
		if w.dryRun {
			w.logf("would upload: %s (%s, %s)", a.key, FormatBytes(a.size), a.contentType)
			res.Uploaded = append(res.Uploaded, a.key)
			res.BytesUploaded += a.size
			continue
		}
		if err := w.put(ctx, a); err != nil {
			return err
		}
		res.Uploaded = append(res.Uploaded, a.key)
		res.BytesUploaded += a.size
		w.logf("uploaded: %s (%s)", a.key, FormatBytes(a.size))
	}
	return nil
}

func (w *publisher) put(ctx context.Context, a *artifact) error {
	f, err := os.Open(a.path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = w.store.Put(ctx, a.key, f, a.size, storage.PutOptions{
		ContentType:  a.contentType,
		CacheControl: a.cacheControl,
		Metadata:     map[string]string{"sha256": a.sha256},
	})
	if err != nil {
		return fmt.Errorf("upload %s to %s: %w", a.key, w.store, err)
	}
	return nil
}

// allExist says whether the store holds every object, at its size: an
// episode whose sources are as published is then skipped whole.
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
	}
	return true, nil
}

// deleteStale removes objects that the feed no longer links, after the new
// feed is in place. A failure only leaves garbage behind, so it warns.
func (w *publisher) deleteStale(ctx context.Context, m *manifest.Manifest, keys []string, why string, res *Result) {
	linked := map[string]bool{}
	for i := range m.Episodes {
		for _, o := range m.Episodes[i].Objects() {
			linked[o.Key] = true
		}
	}
	done := map[string]bool{}
	for _, k := range keys {
		if linked[k] || done[k] {
			continue
		}
		done[k] = true
		if err := w.store.Delete(ctx, k); err != nil {
			w.logf("warning: could not delete the %s %s: %v", why, k, err)
			continue
		}
		res.Deleted = append(res.Deleted, k)
		w.logf("deleted: %s (%s)", k, why)
	}
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
