package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/podpipe/podpipe/align"
	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
)

// Options change how a Pipeline publishes.
type Options struct {
	Log    io.Writer // progress and the plan; os.Stdout in the CLI
	DryRun bool      // build and compare, upload nothing
	Force  bool      // upload even what is unchanged
	Align  string    // auto (default), none, pauses, tts
	Now    func() time.Time
}

// Pipeline publishes a show's episodes to its store.
type Pipeline struct {
	cfg   *config.Config
	store storage.Store
	opt   Options

	lastAligner *align.Aligner // the aligner of the last episode built, for the log
}

// New opens the show's store.
func New(ctx context.Context, cfg *config.Config, opt Options) (*Pipeline, error) {
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Pipeline{cfg: cfg, store: st, opt: opt}, nil
}

// NewWithStore is New with a store the caller opened.
func NewWithStore(cfg *config.Config, st storage.Store, opt Options) *Pipeline {
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Pipeline{cfg: cfg, store: st, opt: opt}
}

func (p *Pipeline) logf(format string, args ...any) { fmt.Fprintf(p.opt.Log, format+"\n", args...) }

// rel shortens a path for messages: relative to the working directory when
// it is below it.
func (p *Pipeline) rel(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return path
}

// Result says what a publish did.
type Result struct {
	DryRun        bool     // nothing was written: Uploaded and Deleted say what would be
	Uploaded      []string // keys
	Skipped       []string // keys already published with the same content
	Deleted       []string
	BytesUploaded int64
	FeedURL       string
}

// Publish builds and uploads the episodes named by slug or path, then
// updates the manifest and replaces the feed, in that order: a failure at
// any point leaves the published feed as it was, linking only objects that
// exist.
func (p *Pipeline) Publish(ctx context.Context, episodes []string) (*Result, error) {
	var srcs []*Source
	for _, arg := range episodes {
		s, err := FindEpisode(p.cfg, arg)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	return p.publish(ctx, srcs)
}

// PublishAll publishes every episode in the episodes folder.
func (p *Pipeline) PublishAll(ctx context.Context) (*Result, error) {
	srcs, err := ListEpisodes(p.cfg)
	if err != nil {
		return nil, err
	}
	return p.publish(ctx, srcs)
}

func (p *Pipeline) publish(ctx context.Context, srcs []*Source) (*Result, error) {
	res := &Result{FeedURL: p.cfg.FeedURL(), DryRun: p.opt.DryRun}
	// Read and check every source before anything is built or uploaded.
	var ls []*loaded
	for _, s := range srcs {
		l, err := p.load(s)
		if err != nil {
			return nil, err
		}
		if err := p.checkPublishable(l); err != nil {
			return nil, err
		}
		ls = append(ls, l)
	}
	old, _, err := p.readManifest(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.checkGUIDs(ls, old); err != nil {
		return nil, err
	}
	batch := map[string]bool{}
	for _, l := range ls {
		batch[l.src.Slug] = true
	}
	if err := p.checkSerial(old, batch); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "podpipe-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)

	var episodes []manifest.Episode
	var stale []string // objects of the previous publish no longer linked
	for _, l := range ls {
		hash, err := p.sourceHash(l)
		if err != nil {
			return nil, err
		}
		if prev := old.Find(l.src.Slug); prev != nil && prev.SourceHash == hash && !p.opt.Force {
			if ok, err := p.allExist(ctx, objectsOf(prev)); err != nil {
				return nil, err
			} else if ok {
				p.logf("unchanged: %s (sources as published; nothing to upload)", l.src.Slug)
				for _, o := range objectsOf(prev) {
					res.Skipped = append(res.Skipped, o.Key)
				}
				continue
			}
		}
		b, err := p.build(ctx, l, work)
		if err != nil {
			return nil, err
		}
		for _, w := range b.warnings {
			p.logf("warning: %s", w)
		}
		p.logf("built: %s (%s, %d chapters from %s, timing: %s)", l.src.Slug, fmtDuration(b.duration), len(b.chapters), b.chapterSource, p.timerDescription())
		if err := p.upload(ctx, b.artifacts, res); err != nil {
			return nil, err
		}
		b.episode.SourceHash = hash
		if prev := old.Find(l.src.Slug); prev != nil {
			stale = append(stale, unlinked(objectsOf(prev), objectsOf(&b.episode))...)
		}
		episodes = append(episodes, b.episode)
	}

	cover, err := p.uploadCover(ctx, work, res)
	if err != nil {
		return nil, err
	}
	if p.opt.DryRun {
		p.logf("dry run: nothing was written")
		return res, nil
	}
	m, err := p.updateManifest(ctx, func(m *manifest.Manifest) {
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
					e.Date = p.opt.Now().UTC().Truncate(time.Second)
				}
			}
			m.Upsert(e)
		}
		m.ShowImage = cover
	})
	if err != nil {
		return nil, err
	}
	if err := p.writeFeed(ctx, m, work, res); err != nil {
		return nil, err
	}
	p.deleteStale(ctx, m, stale, "superseded", res)
	return res, nil
}

// checkGUIDs refuses a front matter guid that another episode already has,
// published or in this batch (an episode copied with its front matter):
// apps key episodes by guid and would merge the two or drop one. An
// episode published before keeps the guid it has.
func (p *Pipeline) checkGUIDs(ls []*loaded, old *manifest.Manifest) error {
	owner := map[string]string{} // guid → slug
	for _, e := range old.Episodes {
		owner[e.GUID] = e.Slug
	}
	for _, l := range ls {
		g := l.t.GUID
		if prev := old.Find(l.src.Slug); prev != nil && prev.GUID != "" {
			g = prev.GUID
		}
		if g == "" {
			continue
		}
		if s, ok := owner[g]; ok && s != l.src.Slug {
			return fmt.Errorf("%s: guid %q is already the guid of episode %s: every episode needs its own, or apps merge the two or drop one", p.rel(l.src.Markdown), g, s)
		}
		owner[g] = l.src.Slug
	}
	return nil
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

// checkSerial refuses to render a serial show's feed while a published
// episode (other than those in batch, which are being republished) has no
// number: Apple requires itunes:episode on every item of a serial show. It
// happens when show.type changes to serial after episodes were published.
func (p *Pipeline) checkSerial(m *manifest.Manifest, batch map[string]bool) error {
	if p.cfg.Show.Type != "serial" {
		return nil
	}
	var missing []string
	for _, e := range m.Episodes {
		if e.Number <= 0 && !batch[e.Slug] {
			missing = append(missing, e.Slug)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("the show is serial (show.type in %s), which numbers every episode, but the published %s have no number: set episode in their front matter and publish them again, or unpublish them", p.rel(p.cfg.File), strings.Join(missing, ", "))
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

// deleteStale removes objects that the feed no longer links, after the new
// feed is in place. A failure only leaves garbage behind, so it warns.
func (p *Pipeline) deleteStale(ctx context.Context, m *manifest.Manifest, keys []string, why string, res *Result) {
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
		if err := p.store.Delete(ctx, k); err != nil {
			p.logf("warning: could not delete the %s %s: %v", why, k, err)
			continue
		}
		res.Deleted = append(res.Deleted, k)
		p.logf("deleted: %s (%s)", k, why)
	}
}

func (p *Pipeline) allExist(ctx context.Context, objs []manifest.Object) (bool, error) {
	for _, o := range objs {
		info, err := p.store.Stat(ctx, o.Key)
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

// upload puts each artifact unless the store already holds the same
// content under its key (the sha256 stored with the object decides).
func (p *Pipeline) upload(ctx context.Context, arts []*artifact, res *Result) error {
	for _, a := range arts {
		if !p.opt.Force {
			info, err := p.store.Stat(ctx, a.key)
			switch {
			case err == nil && info.Size == a.size && info.Metadata["sha256"] == a.sha256:
				res.Skipped = append(res.Skipped, a.key)
				p.logf("unchanged: %s", a.key)
				continue
			case err != nil && !errors.Is(err, fs.ErrNotExist):
				return err
			}
		}
		if p.opt.DryRun {
			p.logf("would upload: %s (%s, %s)", a.key, FormatBytes(a.size), a.contentType)
			res.Uploaded = append(res.Uploaded, a.key)
			res.BytesUploaded += a.size
			continue
		}
		if err := p.put(ctx, a); err != nil {
			return err
		}
		res.Uploaded = append(res.Uploaded, a.key)
		res.BytesUploaded += a.size
		p.logf("uploaded: %s (%s)", a.key, FormatBytes(a.size))
	}
	return nil
}

func (p *Pipeline) put(ctx context.Context, a *artifact) error {
	f, err := os.Open(a.path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = p.store.Put(ctx, a.key, f, a.size, storage.PutOptions{
		ContentType:  a.contentType,
		CacheControl: a.cacheControl,
		Metadata:     map[string]string{"sha256": a.sha256},
	})
	if err != nil {
		return fmt.Errorf("upload %s to %s: %w", a.key, p.store, err)
	}
	return nil
}

// uploadCover publishes the show's artwork under a content-hashed name.
func (p *Pipeline) uploadCover(ctx context.Context, work string, res *Result) (*manifest.Object, error) {
	src := p.cfg.Path(p.cfg.Show.Image)
	art, err := p.artwork(src)
	if err != nil {
		return nil, fmt.Errorf("%s: show.image: %w", p.cfg.File, err)
	}
	if msg := art.Advice(); msg != "" {
		p.logf("warning: %s (show.image): %s", p.rel(src), msg)
	}
	ext := strings.ToLower(filepath.Ext(src))
	a := &artifact{role: "image", path: filepath.Join(work, "cover"+ext), contentType: art.MIME()}
	if err := copyFile(a.path, src); err != nil {
		return nil, fmt.Errorf("%s: show.image: %w", p.cfg.File, err)
	}
	if err := a.finish("", "cover", ext, true); err != nil {
		return nil, err
	}
	if err := p.upload(ctx, []*artifact{a}, res); err != nil {
		return nil, err
	}
	o := a.object()
	return &o, nil
}

// readManifest returns the published manifest and its ETag, or an empty
// manifest and "" when nothing is published yet.
func (p *Pipeline) readManifest(ctx context.Context) (*manifest.Manifest, string, error) {
	rc, info, err := p.store.Get(ctx, manifest.Key)
	if errors.Is(err, fs.ErrNotExist) {
		return &manifest.Manifest{Version: 1}, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read manifest from %s: %w", p.store, err)
	}
	defer rc.Close()
	m, err := manifest.Read(rc)
	if err != nil {
		return nil, "", fmt.Errorf("%s/%s: %w", p.store, manifest.Key, err)
	}
	return m, info.ETag, nil
}

// updateManifest applies change to the published manifest with a
// conditional write, re-reading and retrying when another publisher wrote
// it in between, so that neither loses the other's episodes. It writes
// nothing when change leaves the manifest as it was.
func (p *Pipeline) updateManifest(ctx context.Context, change func(*manifest.Manifest)) (*manifest.Manifest, error) {
	for attempt := 0; ; attempt++ {
		m, etag, err := p.readManifest(ctx)
		if err != nil {
			return nil, err
		}
		before, err := encodeManifest(m)
		if err != nil {
			return nil, err
		}
		if m.GUID == "" {
			m.GUID = p.cfg.Show.GUID
			if m.GUID == "" {
				m.GUID = feed.GUID(p.cfg.FeedURL())
			}
		}
		change(m)
		after, err := encodeManifest(m)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(before, after) && etag != "" {
			return m, nil
		}
		m.Updated = p.opt.Now().UTC().Truncate(time.Second)
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
		_, err = p.store.Put(ctx, manifest.Key, bytes.NewReader(data), int64(len(data)), opts)
		if errors.Is(err, storage.ErrPreconditionFailed) && attempt < 10 {
			p.logf("manifest changed while publishing; reading it again")
			time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("write manifest to %s: %w", p.store, err)
		}
		return m, nil
	}
}

// encodeManifest encodes m as it is stored.
func encodeManifest(m *manifest.Manifest) ([]byte, error) {
	var buf bytes.Buffer
	err := m.Write(&buf)
	return buf.Bytes(), err
}

// writeFeed renders the feed from config and manifest and replaces the
// published one unless it is the same.
func (p *Pipeline) writeFeed(ctx context.Context, m *manifest.Manifest, work string, res *Result) error {
	// podcast:guid never changes once published: apps and directories
	// follow a show by it. Say so rather than ignore the config silently.
	if g := p.cfg.Show.GUID; g != "" && m.GUID != "" && !strings.EqualFold(g, m.GUID) {
		p.logf("warning: show.guid %s in %s differs from the published podcast:guid %s, which is kept (it never changes once published; edit %s in storage to replace it)", g, p.rel(p.cfg.File), m.GUID, manifest.Key)
	}
	a := &artifact{role: "feed", path: filepath.Join(work, "feed.xml"), contentType: "application/rss+xml; charset=utf-8"}
	err := writeFile(a.path, func(w io.Writer) error { return feed.Write(w, feedShow(p.cfg), m, m.Updated) })
	if err != nil {
		return fmt.Errorf("feed: %w", err)
	}
	if err := a.finish("", "feed", ".xml", false); err != nil {
		return err
	}
	a.cacheControl = storage.CacheShort
	return p.upload(ctx, []*artifact{a}, res)
}

// BuildFeed rebuilds the feed from the manifest and config alone.
func (p *Pipeline) BuildFeed(ctx context.Context) (*Result, error) {
	res := &Result{FeedURL: p.cfg.FeedURL(), DryRun: p.opt.DryRun}
	if cur, _, err := p.readManifest(ctx); err != nil {
		return nil, err
	} else if err := p.checkSerial(cur, nil); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "podpipe-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	// show.image is config like the rest: a new cover is uploaded under its
	// new name and recorded, else the feed would keep showing the old one.
	cover, err := p.uploadCover(ctx, work, res)
	if err != nil {
		return nil, err
	}
	var m *manifest.Manifest
	if p.opt.DryRun {
		if m, _, err = p.readManifest(ctx); err != nil {
			return nil, err
		}
		m.ShowImage = cover
	} else if m, err = p.updateManifest(ctx, func(m *manifest.Manifest) { m.ShowImage = cover }); err != nil {
		return nil, err
	}
	if err := p.writeFeed(ctx, m, work, res); err != nil {
		return nil, err
	}
	return res, nil
}

// Unpublish removes an episode from the manifest and the feed; with
// deleteObjects it then deletes the episode's objects.
func (p *Pipeline) Unpublish(ctx context.Context, arg string, deleteObjects bool) (*Result, error) {
	res := &Result{FeedURL: p.cfg.FeedURL(), DryRun: p.opt.DryRun}
	cur, _, err := p.readManifest(ctx)
	if err != nil {
		return nil, err
	}
	slug := unpublishSlug(cur, arg)
	ep := cur.Find(slug)
	if ep == nil {
		return nil, fmt.Errorf("%s: not published (not in %s/%s)", slug, p.store, manifest.Key)
	}
	objs := objectsOf(ep)
	if p.opt.DryRun {
		// The plan, as publish's dry run prints one; nothing is written.
		p.logf("would remove %s from the feed", slug)
		if deleteObjects {
			for _, o := range objs {
				p.logf("would delete: %s (%s)", o.Key, FormatBytes(o.Size))
				res.Deleted = append(res.Deleted, o.Key)
			}
		}
		return res, nil
	}
	m, err := p.updateManifest(ctx, func(m *manifest.Manifest) { m.Remove(slug) })
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "podpipe-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	if err := p.writeFeed(ctx, m, work, res); err != nil {
		return nil, err
	}
	p.logf("removed from the feed: %s", slug)
	if deleteObjects {
		var keys []string
		for _, o := range objs {
			keys = append(keys, o.Key)
		}
		p.deleteStale(ctx, m, keys, "unpublished", res)
	}
	return res, nil
}

// unpublishSlug is the slug an unpublish argument names: a slug as it is
// (slugs may hold dots: 01.intro), or a path to one of the episode's files
// (episodes/01.intro.md), whose sources may be gone by now.
func unpublishSlug(m *manifest.Manifest, arg string) string {
	base := filepath.Base(arg)
	if m.Find(base) != nil {
		return base
	}
	slug := strings.TrimSuffix(base, filepath.Ext(base))
	return strings.TrimSuffix(slug, ".chapters")
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

func fmtDuration(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
