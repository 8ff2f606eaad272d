// Package pipeline is the steps of a publish. For each episode: load its
// sources (every one a file of the show), time the transcript against the
// audio, resolve the chapters, tag the audio, render the transcripts, the
// chapters JSON and the page, and upload what changed; then update the
// manifest with a conditional write and replace the feed last. Each step
// is a function of what the one before returned, with the few settings it
// needs; this file walks them.
//
//	p, err := pipeline.New(ctx, cfg, pipeline.Options{Log: os.Stdout})
//	res, err := p.Publish(ctx, []string{"01-some-slug"})
package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/podpipe/podpipe/chapters"
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
	cfg *config.Config
	opt Options
	publisher
}

// New opens the show's store.
func New(ctx context.Context, cfg *config.Config, opt Options) (*Pipeline, error) {
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return NewWithStore(cfg, st, opt), nil
}

// NewWithStore is New with a store the caller opened.
func NewWithStore(cfg *config.Config, st storage.Store, opt Options) *Pipeline {
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Pipeline{cfg: cfg, opt: opt, publisher: publisher{store: st, force: opt.Force, dryRun: opt.DryRun, log: opt.Log, now: opt.Now}}
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
	show, err := p.showFolder()
	if err != nil {
		return nil, err
	}
	cover, err := p.cover(show)
	if err != nil {
		return nil, err
	}
	serial := p.cfg.Show.Type == "serial"

	// Load: read and check every source before anything is built or
	// uploaded.
	var eps []*episode
	batch := map[string]bool{}
	for _, s := range srcs {
		e, err := load(show, s)
		if err != nil {
			return nil, err
		}
		if err := checkPublishable(e, serial, p.cfg.File); err != nil {
			return nil, err
		}
		eps = append(eps, e)
		batch[e.slug] = true
	}
	old, _, err := p.readManifest(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkGUIDs(eps, old); err != nil {
		return nil, err
	}
	if err := checkSerial(old, batch, serial, p.cfg.File); err != nil {
		return nil, err
	}
	siblings, err := siblingSlugs(eps)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "podpipe-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)

	tm := p.timing()
	inputs := showInputs{timing: tm.tier.String(), show: p.cfg.Show, baseURL: p.cfg.Publish.BaseURL, cover: cover}
	var published []manifest.Episode
	var stale []string // objects of the previous publish no longer linked
	for _, e := range eps {
		hash, err := sourceHash(e, inputs, siblings[e.dir])
		if err != nil {
			return nil, err
		}
		prev := old.Find(e.slug)
		if prev != nil && prev.SourceHash == hash && !p.opt.Force {
			if ok, err := p.allExist(ctx, objectsOf(prev)); err != nil {
				return nil, err
			} else if ok {
				p.logf("unchanged: %s (sources as published; nothing to upload)", e.slug)
				for _, o := range objectsOf(prev) {
					res.Skipped = append(res.Skipped, o.Key)
				}
				continue
			}
		}
		how, err := tm.time(ctx, e)
		if err != nil {
			return nil, err
		}
		chs, err := resolveChapters(e, p.cfg.Show.Language)
		if err != nil {
			return nil, err
		}
		audio, err := tagAudio(e, chs, p.tagging(e, cover), work)
		if err != nil {
			return nil, err
		}
		r, err := render(e, chs, audio, p.cfg.Show.Title, work)
		if err != nil {
			return nil, err
		}
		for _, w := range concat(how.warnings, chs.warnings, r.warnings) {
			p.logf("warning: %s", w)
		}
		p.logf("built: %s (%s, %d chapters from %s, timing: %s)", e.slug, fmtDuration(e.info.Duration), len(chs.list), chs.source, how.description)
		if err := p.upload(ctx, r.artifacts, res); err != nil {
			return nil, err
		}
		r.episode.SourceHash = hash
		if prev != nil {
			stale = append(stale, unlinked(objectsOf(prev), objectsOf(&r.episode))...)
		}
		published = append(published, r.episode)
	}

	coverObj, err := p.publishCover(ctx, cover, work, res)
	if err != nil {
		return nil, err
	}
	if p.opt.DryRun {
		p.logf("dry run: nothing was written")
		return res, nil
	}
	m, err := p.updateManifest(ctx, p.showGUID(), upsertEpisodes(published, coverObj, p.opt.Now))
	if err != nil {
		return nil, err
	}
	if err := p.publishFeed(ctx, m, work, res); err != nil {
		return nil, err
	}
	p.deleteStale(ctx, m, stale, "superseded", res)
	return res, nil
}

// Chapters reads and times an episode and returns its chapters, the source
// they came from, and warnings about corrections made.
func (p *Pipeline) Chapters(ctx context.Context, arg string) ([]chapters.Chapter, string, []string, error) {
	src, err := FindEpisode(p.cfg, arg)
	if err != nil {
		return nil, "", nil, err
	}
	show, err := p.showFolder()
	if err != nil {
		return nil, "", nil, err
	}
	e, err := load(show, src)
	if err != nil {
		return nil, "", nil, err
	}
	// Only the headings' chapters need the transcript timed: with a
	// chapters file or front matter, or no headings, show the chapters
	// without decoding the audio (minutes for a long episode).
	if !e.chapters.ok() && len(e.t.Chapters) == 0 && len(chapters.FromTranscript(e.t)) > 0 {
		how, err := p.timing().time(ctx, e)
		if err != nil {
			return nil, "", nil, err
		}
		for _, w := range how.warnings {
			p.logf("warning: %s", w)
		}
	}
	chs, err := resolveChapters(e, p.cfg.Show.Language)
	if err != nil {
		return nil, "", nil, err
	}
	return chs.list, chs.source, chs.warnings, nil
}

// BuildFeed rebuilds the feed from the manifest and config alone.
func (p *Pipeline) BuildFeed(ctx context.Context) (*Result, error) {
	res := &Result{FeedURL: p.cfg.FeedURL(), DryRun: p.opt.DryRun}
	cur, _, err := p.readManifest(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkSerial(cur, nil, p.cfg.Show.Type == "serial", p.cfg.File); err != nil {
		return nil, err
	}
	show, err := p.showFolder()
	if err != nil {
		return nil, err
	}
	cover, err := p.cover(show)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "podpipe-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	// show.image is config like the rest: a new cover is uploaded under its
	// new name and recorded, else the feed would keep showing the old one.
	coverObj, err := p.publishCover(ctx, cover, work, res)
	if err != nil {
		return nil, err
	}
	var m *manifest.Manifest
	if p.opt.DryRun {
		if m, _, err = p.readManifest(ctx); err != nil {
			return nil, err
		}
		m.ShowImage = coverObj
	} else if m, err = p.updateManifest(ctx, p.showGUID(), func(m *manifest.Manifest) { m.ShowImage = coverObj }); err != nil {
		return nil, err
	}
	if err := p.publishFeed(ctx, m, work, res); err != nil {
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
	m, err := p.updateManifest(ctx, p.showGUID(), func(m *manifest.Manifest) { m.Remove(slug) })
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "podpipe-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	if err := p.publishFeed(ctx, m, work, res); err != nil {
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

// The settings each step takes, drawn from the config here and nowhere
// else.

func (p *Pipeline) showFolder() (*showFolder, error) {
	return newShowFolder(p.cfg.Dir, p.cfg.EpisodesDir())
}

// cover is the show's artwork, show.image, a file of the show like an
// episode's sources.
func (p *Pipeline) cover(show *showFolder) (sourceFile, error) {
	f, err := show.file(p.cfg.Path(p.cfg.Show.Image))
	if err != nil {
		return f, fmt.Errorf("%s: show.image: %w", rel(p.cfg.File), err)
	}
	return f, nil
}

func (p *Pipeline) timing() timing {
	return timing{tier: resolveTier(p.opt.Align), language: p.cfg.Show.Language, log: p.opt.Log}
}

func (p *Pipeline) tagging(e *episode, cover sourceFile) tagging {
	art := cover
	if e.image.ok() {
		art = e.image
	}
	return tagging{artist: p.cfg.Show.Author, album: p.cfg.Show.Title, pageURL: p.cfg.URLFor(pageKey(e.slug)), artwork: art}
}

// showGUID is the show's podcast:guid for a manifest that has none yet:
// show.guid, else one derived from the feed's URL.
func (p *Pipeline) showGUID() string {
	return cmp.Or(feedShow(p.cfg).GUID, feed.GUID(p.cfg.FeedURL()))
}

// publishCover uploads the show's artwork and returns it as the manifest
// records it.
func (p *Pipeline) publishCover(ctx context.Context, cover sourceFile, work string, res *Result) (*manifest.Object, error) {
	a, warnings, err := renderCover(cover, work)
	for _, w := range warnings {
		p.logf("warning: %s", w)
	}
	if err != nil {
		return nil, err
	}
	if err := p.upload(ctx, []*artifact{a}, res); err != nil {
		return nil, err
	}
	o := a.object()
	return &o, nil
}

// publishFeed renders the feed of m and replaces the published one unless
// it is the same.
func (p *Pipeline) publishFeed(ctx context.Context, m *manifest.Manifest, work string, res *Result) error {
	built := p.feedBuilt(ctx, feedShow(p.cfg), m)
	a, warnings, err := renderFeed(p.cfg, m, built, work)
	for _, w := range warnings {
		p.logf("warning: %s", w)
	}
	if err != nil {
		return err
	}
	moved, err := p.movedFeeds(m, built, work)
	if err != nil {
		return err
	}
	if err := p.upload(ctx, append([]*artifact{a}, moved...), res); err != nil {
		return err
	}
	p.pingHub(ctx, nil, res)
	return nil
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
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

func fmtDuration(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
