package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
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
	rc, info, err := w.store.Get(ctx, manifest.Key)
	if errors.Is(err, fs.ErrNotExist) {
		return &manifest.Manifest{Version: 1}, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read manifest from %s: %w", w.store, err)
	}
	defer rc.Close()
	m, err := manifest.Read(rc)
	if err != nil {
		return nil, "", fmt.Errorf("%s/%s: %w", w.store, manifest.Key, err)
	}
	return m, info.ETag, nil
}

// updateManifest applies change to the published manifest with a
// conditional write, re-reading and retrying when another publisher wrote
// it in between, so that neither loses the other's episodes (step 7,
// manifest). showGUID is the show's podcast:guid should the manifest have
// none yet. It writes nothing when change leaves the manifest as it was.
func (w *publisher) updateManifest(ctx context.Context, showGUID string, change func(*manifest.Manifest)) (*manifest.Manifest, error) {
	for attempt := 0; ; attempt++ {
		m, etag, err := w.readManifest(ctx)
		if err != nil {
			return nil, err
		}
		before, err := encodeManifest(m)
		if err != nil {
			return nil, err
		}
		if m.GUID == "" {
			m.GUID = showGUID
		}
		change(m)
		after, err := encodeManifest(m)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(before, after) && etag != "" {
			return m, nil
		}
		m.Updated = w.now().UTC().Truncate(time.Second)
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
// with, and the show's cover.
func upsertEpisodes(episodes []manifest.Episode, cover *manifest.Object, now func() time.Time) func(*manifest.Manifest) {
	return func(m *manifest.Manifest) {
		for _, e := range episodes {
			if prev := m.Find(e.Slug); prev != nil && prev.GUID != "" {
				e.GUID = prev.GUID
			} else if e.GUID == "" {
				e.GUID = episodeGUID(m.GUID, e.Slug)
			}
			if e.Date.IsZero() {
				if prev := m.Find(e.Slug); prev != nil {
					e.Date = prev.Date
				} else {
					e.Date = now().UTC().Truncate(time.Second)
				}
			}
			m.Upsert(e)
		}
		m.ShowImage = cover
	}
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
