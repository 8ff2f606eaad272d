package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
)

// cacheNone is the manifest's Cache-Control: publishers read it to update
// it, so no cache may answer for it.
const cacheNone = "no-cache"

// readManifest returns the published manifest and its ETag, or an empty
// manifest and "" when nothing is published yet.
func (w *publisher) readManifest(ctx context.Context) (*manifest.Manifest, string, error) {
	m, etag, _, err := w.readManifestRaw(ctx)
	return m, etag, err
}

// readManifestRaw is readManifest that also returns the sha256 of the
// bytes read (nil when nothing is published yet).
func (w *publisher) readManifestRaw(ctx context.Context) (*manifest.Manifest, string, []byte, error) {
	if w.planned != nil {
		// A dry run reads the manifest it would have written, as the real
		// run reads the one it wrote.
		data, err := encodeManifest(w.planned)
		if err != nil {
			return nil, "", nil, err
		}
		m, err := manifest.Read(bytes.NewReader(data))
		sum := sha256.Sum256(data)
		return m, "planned", sum[:], err
	}
	rc, info, err := w.store.Get(ctx, manifest.Key)
	if errors.Is(err, fs.ErrNotExist) {
		return &manifest.Manifest{Version: manifest.CurrentVersion}, "", nil, nil
	}
	if err != nil {
		return nil, "", nil, fmt.Errorf("read manifest from %s: %w", w.store, err)
	}
	defer rc.Close()
	// Decoded as it is read, and hashed on the way, for updateManifest to
	// tell whether a change changed anything.
	h := sha256.New()
	tee := io.TeeReader(rc, h)
	m, err := manifest.Read(tee)
	if err == nil {
		_, err = io.Copy(io.Discard, io.LimitReader(tee, 1<<20)) // what follows the JSON: its newline
	}
	if err != nil {
		return nil, "", nil, fmt.Errorf("%s/%s: %w", w.store, manifest.Key, err)
	}
	return m, info.ETag, h.Sum(nil), nil
}

// readManifestIndex is readManifest that keeps the episodes in the JSON
// read (manifest.Index), each decoded again when it is asked for, rather
// than all of them decoded at once: the published file itself when the
// store is local, else a copy written into work as it is read. It returns
// a nil Index when nothing is published yet or in a dry run that planned
// a manifest. done closes what the Index reads from. Unlike
// readManifestRaw it hashes nothing: an Index is never written back.
func (w *publisher) readManifestIndex(ctx context.Context, work string) (x *manifest.Index, etag string, done func(), err error) {
	done = func() {}
	if w.planned != nil {
		return nil, "", done, nil
	}
	rc, info, err := w.store.Get(ctx, manifest.Key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", done, nil
	}
	if err != nil {
		return nil, "", done, fmt.Errorf("read manifest from %s: %w", w.store, err)
	}
	var r io.Reader = rc
	// The local store's file is read from its start, as the decoder reads
	// it; the store replaces a file by renaming another over it, so the
	// open file keeps the bytes indexed whatever a publisher does.
	src, isFile := rc.(*os.File)
	var spool *bufio.Writer
	if isFile {
		done = func() { rc.Close() }
	} else {
		defer rc.Close()
		if src, err = os.Create(filepath.Join(work, manifest.Key)); err != nil {
			return nil, "", done, err
		}
		done = func() { src.Close() }
		spool = bufio.NewWriterSize(src, 256<<10)
		r = io.TeeReader(r, spool)
	}
	x, err = manifest.ReadIndex(r, src)
	if err == nil && spool != nil {
		err = spool.Flush()
	}
	if err != nil {
		done()
		return nil, "", func() {}, fmt.Errorf("%s/%s: %w", w.store, manifest.Key, err)
	}
	return x, info.ETag, done, nil
}

// updateManifest applies change to the published manifest with a
// conditional write, re-reading and retrying when another publisher wrote
// it in between, so that neither loses the other's episodes (step 7,
// manifest). showGUID is the show's podcast:guid should the manifest have
// none yet. It writes nothing when change leaves the manifest as it was.
// Each write takes the next generation, which the feed and the pages
// rendered from it carry. A dry run returns the manifest it would write.
func (w *publisher) updateManifest(ctx context.Context, showGUID string, change func(*manifest.Manifest)) (*manifest.Manifest, error) {
	return w.updateManifestFrom(ctx, showGUID, nil, change)
}

// manifestRead is a manifest as readManifestRaw read it.
type manifestRead struct {
	m    *manifest.Manifest
	etag string
	raw  []byte // the sha256 of what was read
}

// updateManifestFrom is updateManifest starting from first, the manifest
// the caller read and has not changed, when not nil: a big show's
// manifest is then read and decoded once per run, not once per step. The
// conditional write still catches any write since first was read.
func (w *publisher) updateManifestFrom(ctx context.Context, showGUID string, first *manifestRead, change func(*manifest.Manifest)) (*manifest.Manifest, error) {
	for attempt := 0; ; attempt++ {
		// The manifest as read stands for itself before the change: one
		// podpipe wrote is byte for byte its encoding, and one written
		// otherwise is at worst written again, re-encoded. before is the
		// sha256 of what was read.
		var m *manifest.Manifest
		var etag string
		var before []byte
		var err error
		if attempt == 0 && first != nil && w.planned == nil {
			m, etag, before = first.m, first.etag, first.raw
		} else if m, etag, before, err = w.readManifestRaw(ctx); err != nil {
			return nil, err
		}
		if m.GUID == "" {
			m.GUID = showGUID
		}
		change(m)
		// Hashed as it is encoded: a big show's manifest, unchanged, is
		// never held encoded in memory.
		after := sha256.New()
		if err := m.Write(after); err != nil {
			return nil, err
		}
		if bytes.Equal(before, after.Sum(nil)) && etag != "" {
			return m, nil
		}
		m.Updated = w.now().UTC().Truncate(time.Second)
		m.Generation++
		if w.dryRun {
			w.logf("would update: %s (generation %d)", manifest.Key, m.Generation)
			w.planned = m
			return m, nil
		}
		data, err := encodeManifest(m)
		if err != nil {
			return nil, err
		}
		opts := storage.PutOptions{ContentType: "application/json", CacheControl: cacheNone}
		if etag == "" {
			opts.IfNoneMatch = true
		} else {
			opts.IfMatch = etag
		}
		_, err = w.store.Put(ctx, manifest.Key, bytes.NewReader(data), int64(len(data)), opts)
		if errors.Is(err, storage.ErrPreconditionFailed) && attempt < 10 {
			w.logf("manifest changed while publishing; reading it again")
			time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("write manifest to %s: %w", w.store, err)
		}
		return m, nil
	}
}

// upsertEpisodes is the change a publish makes to the manifest: the
// episodes built, each keeping the guid and date it was first published
// with (an unpublished one published again is restored), and the show's
// cover; what the episodes and the cover no longer link is recorded as
// superseded since now.
func upsertEpisodes(episodes []manifest.Episode, cover *manifest.Object, stale []string, now time.Time) func(*manifest.Manifest) {
	return func(m *manifest.Manifest) {
		stale := append([]string(nil), stale...) // the change may be applied again
		for _, e := range episodes {
			var guid string
			var date time.Time
			if prev := m.Find(e.Slug); prev != nil {
				guid, date = prev.GUID, prev.Date
			} else if u, ok := m.Restore(e.Slug); ok {
				guid, date = u.GUID, u.Date
				for _, o := range u.Objects {
					stale = append(stale, o.Key)
				}
			}
			if guid != "" {
				e.GUID = guid
			} else if e.GUID == "" {
				e.GUID = episodeGUID(m.GUID, e.Slug)
			}
			if e.Date.IsZero() {
				e.Date = date
				if e.Date.IsZero() {
					e.Date = now.UTC().Truncate(time.Second)
				}
			}
			m.Upsert(e)
		}
		stale = append(stale, replacedCover(m, cover)...)
		m.ShowImage = cover
		m.Supersede(stale, now.UTC().Truncate(time.Second))
	}
}

// replacedCover is the key of the show's artwork that cover replaces.
func replacedCover(m *manifest.Manifest, cover *manifest.Object) []string {
	if m.ShowImage != nil && (cover == nil || m.ShowImage.Key != cover.Key) {
		return []string{m.ShowImage.Key}
	}
	return nil
}

// encodeManifest encodes m as it is stored.
func encodeManifest(m *manifest.Manifest) ([]byte, error) {
	var buf bytes.Buffer
	err := m.Write(&buf)
	return buf.Bytes(), err
}

// episodeGUID is the guid of an episode published for the first time: a
// UUIDv5 of the show's podcast:guid and the slug, so that it is the same
// even if the manifest were lost.
func episodeGUID(showGUID, slug string) string {
	ns, err := uuid.Parse(showGUID)
	if err != nil {
		ns = uuid.NameSpaceURL
	}
	return uuid.NewSHA1(ns, []byte(slug)).String()
}
