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
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/progress"
	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/transcript"
)

// Options change how a Pipeline publishes.
type Options struct {
	Log    io.Writer // progress and the plan; os.Stdout in the CLI
	DryRun bool      // build and compare, upload nothing
	Force  bool      // upload even what is unchanged
	Align  string    // auto (default), none, pauses, tts
	Jobs   int       // episodes built at once; 0 is one per CPU
	Shard  Shard     // PublishAll's share of the episodes; the zero value is all
	Now    func() time.Time
	// Progress is shown long work (aligning, large uploads); nil shows
	// none.
	Progress progress.Reporter
}

// Pipeline publishes a show's episodes to its store.
type Pipeline struct {
	cfg  *config.Config
	opt  Options
	sums sumCache // what the audio files hold, by their identity
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
	return &Pipeline{cfg: cfg, opt: opt, sums: defaultSumCache(), publisher: publisher{store: st, force: opt.Force, dryRun: opt.DryRun, log: opt.Log, now: opt.Now, progress: opt.Progress}}
}

// Result says what a publish did.
type Result struct {
	DryRun        bool     // nothing was written: Uploaded and Deleted say what would be
	Uploaded      []string // keys
	Skipped       []string // keys already published with the same content
	Deleted       []string
	Removed       []string // what interrupted runs left behind: temporary files, incomplete uploads
	BytesUploaded int64
	FeedURL       string
}

func (r *Result) add(o *Result) {
	r.Uploaded = append(r.Uploaded, o.Uploaded...)
	r.Skipped = append(r.Skipped, o.Skipped...)
	r.Deleted = append(r.Deleted, o.Deleted...)
	r.Removed = append(r.Removed, o.Removed...)
	r.BytesUploaded += o.BytesUploaded
}

// Publish builds and uploads the episodes named by slug or path, then
// updates the manifest and replaces the episodes' pages and the feed, in
// that order: a failure at any point leaves the published feed and pages
// as they were, linking only objects that exist. An unpublished episode
// named here is published again.
func (p *Pipeline) Publish(ctx context.Context, episodes []string) (*Result, error) {
	var srcs []*Source
	for _, arg := range episodes {
		s, err := FindEpisode(p.cfg, arg)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	return p.publish(ctx, srcs, false, nil, nil)
}

// PublishAll publishes every episode in the episodes folder but those
// unpublished, which it names.
func (p *Pipeline) PublishAll(ctx context.Context) (*Result, error) {
	srcs, err := ListEpisodes(p.cfg)
	if err != nil {
		return nil, err
	}
	if p.opt.Shard.all() {
		return p.publish(ctx, srcs, true, nil, nil)
	}
	// The other shards publish the rest: the pages link them as
	// published, which they will be once every shard is done.
	var mine []*Source
	var others []string
	for _, s := range srcs {
		if p.opt.Shard.has(s.Slug) {
			mine = append(mine, s)
		} else {
			others = append(others, s.Slug)
		}
	}
	p.logf("shard %s: %d of the show's %d episodes", p.opt.Shard, len(mine), len(srcs))
	return p.publish(ctx, mine, true, nil, others)
}

// publish publishes the episodes of srcs (all: every one of the show's,
// which passes the unpublished over) over old, the published manifest
// (read when nil), and rebuilds the pages of the published episodes whose
// previous/next link starts or stops leading to a published page. others
// are the slugs of the episodes other shards publish at the same time,
// which the pages may link (PublishAll with a Shard).
func (p *Pipeline) publish(ctx context.Context, srcs []*Source, all bool, old *manifest.Manifest, others []string) (*Result, error) {
	res := &Result{FeedURL: p.cfg.FeedURL(), DryRun: p.opt.DryRun}
	show, err := p.showFolder()
	if err != nil {
		return nil, err
	}
	var first *manifestRead // the manifest as read here, which the update starts from
	if old == nil {
		var etag string
		var raw []byte
		if old, etag, raw, err = p.readManifestRaw(ctx); err != nil {
			return nil, err
		}
		first = &manifestRead{m: old, etag: etag, raw: raw}
	}
	cover, eps, batch, err := p.check(show, srcs, all, old)
	if err != nil {
		return nil, err
	}
	p.noteBaseURL(eps, old)
	// A page links the pages of the published episodes only: the rest
	// would be a 404.
	live := map[string]bool{}
	for _, e := range old.Episodes {
		live[e.Slug] = true
	}
	for s := range batch {
		live[s] = true
	}
	for _, s := range others {
		if old.FindUnpublished(s) == nil {
			live[s] = true
		}
	}
	work, err := newWorkDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)

	tm := p.timing()
	inputs := showInputs{timing: tm.tier.String(), show: p.cfg.Show, baseURL: p.cfg.Publish.BaseURL, cover: cover}
	var published []manifest.Episode
	var pages []*artifact              // uploaded once the manifest that links them is written
	var stale []string                 // objects of the previous publish no longer linked
	var kept []string                  // slugs of the episodes unchanged
	rehashed := map[string][2]string{} // slug: a kept episode's source hash, as an older podpipe made it and as this one does
	// Build: each episode's load→time→chapters→tag→render runs in a pool
	// of p.jobs() workers, its log lines kept together in its own buffer;
	// here, in the order of eps, each one's lines are printed and its
	// files uploaded as soon as it and those before it are built.
	builds := p.buildAll(ctx, eps, tm, inputs, live, cover, work, old)
	defer builds.stop()
	for i := range eps {
		b, err := builds.wait(ctx, i)
		if _, werr := p.opt.Log.Write(b.log.Bytes()); werr != nil && err == nil {
			err = werr
		}
		if err != nil {
			return nil, err
		}
		if b.unchanged {
			kept = append(kept, eps[i].slug)
			if b.rehashed != "" {
				rehashed[eps[i].slug] = [2]string{b.prev.SourceHash, b.rehashed}
			}
			for _, o := range objectsOf(b.prev) {
				res.Skipped = append(res.Skipped, o.Key)
			}
			continue
		}
		hashed, stable := splitStable(b.r.artifacts)
		if err := p.upload(ctx, hashed, res); err != nil {
			return nil, err
		}
		pages = append(pages, stable...)
		if b.prev != nil {
			stale = append(stale, unlinked(objectsOf(b.prev), objectsOf(&b.r.episode))...)
		}
		published = append(published, b.r.episode)
	}

	coverObj, err := p.publishCover(ctx, cover, work, res)
	if err != nil {
		return nil, err
	}
	expired := p.deleteExpired(ctx, old, res)
	m, err := p.updateManifestFrom(ctx, p.showGUID(), first, func(m *manifest.Manifest) {
		upsertEpisodes(published, coverObj, stale, p.opt.Now())(m)
		recordBaseURL(m, kept, p.cfg.URLFor(""))
		for slug, h := range rehashed {
			if e := m.Find(slug); e != nil && e.SourceHash == h[0] {
				e.SourceHash = h[1]
			}
		}
		m.Forget(expired)
	})
	if err != nil {
		return nil, err
	}
	if err := p.publishStable(ctx, m, pages, work, res); err != nil {
		return nil, err
	}
	p.sweep(ctx, res)
	if p.opt.DryRun {
		p.logf("dry run: nothing was written")
	}
	return res, nil
}

// check loads the episodes of srcs (but, when all, those unpublished,
// which it names) and the published ones whose pages link them
// (neighbours), and checks everything that can be checked without
// decoding audio: the show's artwork, each episode's transcript, front
// matter, sources, probed duration, chapters file and artwork, and the
// guids and numbering across them. It reports every problem at once, one
// a line, before anything is decoded, aligned, tagged or uploaded: an
// editor fixes them all in one go rather than one per run, each found
// after minutes of decoding.
func (p *Pipeline) check(show *showFolder, srcs []*Source, all bool, old *manifest.Manifest) (sourceFile, []*episode, map[string]bool, error) {
	var problems []error
	cover, err := p.cover(show)
	if err == nil {
		_, err = artwork(cover)
		err = wrapIf("show.image", err)
	}
	if err != nil {
		problems = append(problems, err)
	}
	serial := p.cfg.Show.Type == "serial"
	var eps []*episode
	batch := map[string]bool{}
	for _, s := range srcs {
		if u := old.FindUnpublished(s.Slug); u != nil {
			if all {
				p.logf("skipped: %s (unpublished on %s; `podpipe publish episode %s` publishes it again)", s.Slug, fmtDate(u.At), s.Slug)
				continue
			}
			p.logf("publishing again: %s (unpublished on %s)", s.Slug, fmtDate(u.At))
		}
		e, err := load(show, s)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		problems = append(problems, checkEpisode(e, serial, p.cfg)...)
		eps = append(eps, e)
		batch[e.slug] = true
	}
	if !all {
		nb, err := p.neighbours(show, old, batch, newlyPublished(old, batch))
		if err != nil {
			return cover, nil, nil, err
		}
		for _, e := range nb {
			problems = append(problems, checkEpisode(e, serial, p.cfg)...)
			eps = append(eps, e)
			batch[e.slug] = true
		}
	}
	if err := checkGUIDs(eps, old); err != nil {
		problems = append(problems, err)
	}
	if err := checkSerial(old, batch, serial, p.cfg.File); err != nil {
		problems = append(problems, err)
	}
	if len(problems) > 0 {
		return cover, nil, nil, errors.Join(problems...)
	}
	return cover, eps, batch, nil
}

// wrapIf is fmt.Errorf("%s: %w", what, err), nil when err is.
func wrapIf(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// newlyPublished lists the slugs of batch that old does not publish: the
// pages that link them gain a link.
func newlyPublished(old *manifest.Manifest, batch map[string]bool) map[string]bool {
	out := map[string]bool{}
	for s := range batch {
		if old.Find(s) == nil {
			out[s] = true
		}
	}
	return out
}

// neighbours loads the episodes m publishes, outside batch, whose sources
// link (previous/next) one of the slugs changed: their pages must gain or
// lose that link. One whose sources are gone keeps its page, with a
// warning.
func (p *Pipeline) neighbours(show *showFolder, m *manifest.Manifest, batch, changed map[string]bool) ([]*episode, error) {
	if len(changed) == 0 {
		return nil, nil
	}
	var out []*episode
	for _, pub := range m.Episodes {
		if batch[pub.Slug] {
			continue
		}
		src, err := FindEpisode(p.cfg, pub.Slug)
		if err != nil {
			continue // published from elsewhere, or its sources are gone
		}
		e, err := load(show, src)
		if err != nil {
			p.logf("warning: %s: its page may link an episode no longer published, and cannot be rebuilt: %v", pub.Slug, err)
			continue
		}
		if slices.ContainsFunc(e.t.Links, func(l transcript.Link) bool { return changed[l.Slug] }) {
			p.logf("rebuilding: %s (its page links %s)", e.slug, strings.Join(sortedKeys(changed), ", "))
			out = append(out, e)
		}
	}
	return out, nil
}

// keepLiveLinks drops the episode's previous/next links to pages not
// published, and returns the slugs of those it keeps, sorted, which its
// page depends on.
func keepLiveLinks(e *episode, live map[string]bool) []string {
	var kept []transcript.Link
	var slugs []string
	for _, l := range e.t.Links {
		if l.Slug == "" || live[l.Slug] {
			kept = append(kept, l)
			if l.Slug != "" {
				slugs = append(slugs, l.Rel+" "+l.Slug)
			}
		}
	}
	e.t.Links = kept
	slices.Sort(slugs)
	return slugs
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// splitStable separates the artifacts with stable names (the page), which
// follow the manifest, from the content-hashed ones, which precede it.
func splitStable(arts []*artifact) (hashed, stable []*artifact) {
	for _, a := range arts {
		if a.cacheControl == storage.CacheImmutable {
			hashed = append(hashed, a)
		} else {
			stable = append(stable, a)
		}
	}
	return hashed, stable
}

// Chapters reads and times an episode and returns its chapters, the source
// they came from, and warnings about corrections made.
func (p *Pipeline) Chapters(ctx context.Context, arg string) ([]chapters.Chapter, string, []string, error) {
	e, err := p.loadEpisode(arg)
	if err != nil {
		return nil, "", nil, err
	}
	// Only the headings' and the suggested chapters need the transcript
	// timed: with a chapters file or front matter, show the chapters
	// without decoding the audio (minutes for a long episode).
	if needsTiming(e) {
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

// loadEpisode loads the one episode arg names (a slug or a path), for the
// walks that look at an episode without publishing it.
func (p *Pipeline) loadEpisode(arg string) (*episode, error) {
	src, err := FindEpisode(p.cfg, arg)
	if err != nil {
		return nil, err
	}
	show, err := p.showFolder()
	if err != nil {
		return nil, err
	}
	return load(show, src)
}

// BuildFeed rebuilds the feed from the manifest and config alone. The
// manifest's episodes are read an episode at a time as the home page and
// the feed list them (a manifest.Index), never all decoded at once,
// unless the manifest changes too.
func (p *Pipeline) BuildFeed(ctx context.Context) (*Result, error) {
	res := &Result{FeedURL: p.cfg.FeedURL(), DryRun: p.opt.DryRun}
	work, err := newWorkDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	x, etag, done, err := p.readManifestIndex(ctx, work)
	if err != nil {
		return nil, err
	}
	defer done()
	var cur *manifest.Manifest
	var raw []byte
	var src feed.Source = x
	if x != nil {
		cur = x.Manifest
	} else {
		if cur, etag, raw, err = p.readManifestRaw(ctx); err != nil {
			return nil, err
		}
		src = feed.Episodes(cur.Episodes)
	}
	if err := checkSerialOf(src, nil, p.cfg.Show.Type == "serial", p.cfg.File); err != nil {
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
	// show.image is config like the rest: a new cover is uploaded under its
	// new name and recorded, else the feed would keep showing the old one.
	coverObj, err := p.publishCover(ctx, cover, work, res)
	if err != nil {
		return nil, err
	}
	if !feedLeavesManifest(cur, etag, coverObj) {
		// The manifest changes: it is read whole, to be written whole.
		var first *manifestRead
		if x == nil {
			first = &manifestRead{m: cur, etag: etag, raw: raw}
		}
		m, err := p.updateManifestFrom(ctx, p.showGUID(), first, upsertEpisodes(nil, coverObj, nil, p.opt.Now()))
		if err != nil {
			return nil, err
		}
		cur, src = m, feed.Episodes(m.Episodes)
	}
	if err := p.publishStableFrom(ctx, cur, src, nil, work, res); err != nil {
		return nil, err
	}
	return res, nil
}

// Unpublish takes an episode out of the feed and records it as unpublished
// in the manifest: publishing the show passes it over, and only publishing
// it by name brings it back. Its objects stay in storage unless
// deleteObjects, which deletes them once the feed no longer links them.
func (p *Pipeline) Unpublish(ctx context.Context, arg string, deleteObjects bool) (*Result, error) {
	res := &Result{FeedURL: p.cfg.FeedURL(), DryRun: p.opt.DryRun}
	cur, _, err := p.readManifest(ctx)
	if err != nil {
		return nil, err
	}
	slug := unpublishSlug(cur, arg)
	var objs []manifest.Object
	if ep := cur.Find(slug); ep != nil {
		objs = objectsOf(ep)
	} else if u := cur.FindUnpublished(slug); u != nil {
		if !deleteObjects || len(u.Objects) == 0 {
			p.logf("already unpublished: %s (on %s)", slug, fmtDate(u.At))
			return res, nil
		}
		objs = u.Objects
	} else {
		return nil, fmt.Errorf("%s: not published (not in %s/%s)", slug, p.store, manifest.Key)
	}
	now := p.opt.Now().UTC().Truncate(time.Second)
	m, err := p.updateManifest(ctx, p.showGUID(), func(m *manifest.Manifest) {
		if !m.Unpublish(slug, now, deleteObjects) && deleteObjects {
			if u := m.FindUnpublished(slug); u != nil {
				u.Objects = nil
			}
		}
	})
	if err != nil {
		return nil, err
	}
	work, err := newWorkDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	if err := p.publishStable(ctx, m, nil, work, res); err != nil {
		return nil, err
	}
	if p.opt.DryRun {
		p.logf("would remove %s from the feed", slug)
	} else {
		p.logf("removed from the feed: %s", slug)
	}
	// The pages that link it lose the link, before its page goes.
	show, err := p.showFolder()
	if err != nil {
		return nil, err
	}
	nb, err := p.neighbours(show, m, nil, map[string]bool{slug: true})
	if err != nil {
		return nil, err
	}
	if len(nb) > 0 {
		var srcs []*Source
		for _, e := range nb {
			src, err := FindEpisode(p.cfg, e.slug)
			if err != nil {
				return nil, err
			}
			srcs = append(srcs, src)
		}
		more, err := p.publish(ctx, srcs, false, m, nil)
		if err != nil {
			return nil, err
		}
		res.add(more)
	}
	if deleteObjects {
		linked := m.Linked()
		var keys []string
		for _, o := range objs {
			if !linked[o.Key] {
				keys = append(keys, o.Key)
			}
		}
		p.deleteKeys(ctx, keys, func(string) string { return "unpublished" }, res)
	}
	if p.opt.DryRun {
		p.logf("dry run: nothing was written")
	}
	return res, nil
}

// GC deletes the superseded objects whose grace period
// (publish.keep_superseded) has passed and what interrupted writes left in
// the store, as a publish does after its work.
func (p *Pipeline) GC(ctx context.Context) (*Result, error) {
	res := &Result{FeedURL: p.cfg.FeedURL(), DryRun: p.opt.DryRun}
	expired := p.deleteExpired(ctx, nil, res)
	if len(expired) > 0 {
		m, err := p.updateManifest(ctx, p.showGUID(), func(m *manifest.Manifest) { m.Forget(expired) })
		if err != nil {
			return nil, err
		}
		work, err := newWorkDir()
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(work)
		// The manifest's new generation is the feed's to carry.
		if err := p.publishStable(ctx, m, nil, work, res); err != nil {
			return nil, err
		}
	}
	p.sweep(ctx, res)
	if p.opt.DryRun {
		p.logf("dry run: nothing was written")
	}
	return res, nil
}

// deleteExpired deletes (a dry run lists) the superseded objects of the
// published manifest whose grace period has passed, and returns their
// keys, for the manifest to forget. Nothing links them: apps have had the
// grace period to fetch a feed that does not.
func (p *Pipeline) deleteExpired(ctx context.Context, m *manifest.Manifest, res *Result) []string {
	if m == nil {
		var err error
		if m, _, err = p.readManifest(ctx); err != nil {
			p.logf("warning: superseded objects not deleted: %v", err)
			return nil
		}
	}
	keep := p.cfg.Keep()
	since := map[string]time.Time{}
	var keys []string
	for _, s := range m.Expired(p.opt.Now(), keep) {
		keys = append(keys, s.Key)
		since[s.Key] = s.Since
	}
	return p.deleteKeys(ctx, keys, func(k string) string {
		return fmt.Sprintf("superseded on %s, kept %s", fmtDate(since[k]), fmtKeep(keep))
	}, res)
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
	return timing{tier: resolveTier(p.opt.Align), language: p.cfg.Show.Language, log: p.opt.Log, cache: defaultTimingCache().withSums(p.sums), progress: p.opt.Progress}
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

// publishStable puts the pages, the show's home page and then the feed
// rendered from m, the manifest just written, each unless the store holds
// one rendered from a newer manifest (putStable).
func (p *Pipeline) publishStable(ctx context.Context, m *manifest.Manifest, pages []*artifact, work string, res *Result) error {
	return p.publishStableFrom(ctx, m, feed.Episodes(m.Episodes), pages, work, res)
}

// publishStableFrom is publishStable with the episodes of src, m.Episodes
// unread.
func (p *Pipeline) publishStableFrom(ctx context.Context, m *manifest.Manifest, src feed.Source, pages []*artifact, work string, res *Result) error {
	// The home page lists what the feed does: it changes with it. The
	// stylesheet is the same for every manifest.
	home, xsl, err := p.renderSite(m, src, work)
	if err != nil {
		return err
	}
	if err := p.upload(ctx, []*artifact{xsl}, res); err != nil {
		return err
	}
	for _, a := range append(pages, home) {
		if err := p.putStable(ctx, a, m.Generation, res); err != nil {
			return err
		}
	}
	a, built, warnings, err := p.renderFeed(ctx, m, src, work)
	for _, w := range warnings {
		p.logf("warning: %s", w)
	}
	if err != nil {
		return err
	}
	// The final feeds at the show's earlier addresses (previous_urls)
	// are the same for every manifest that renders the same feed.
	moved, err := p.movedFeeds(m, src, built, work)
	if err != nil {
		return err
	}
	if err := p.upload(ctx, moved, res); err != nil {
		return err
	}
	if err := p.putStable(ctx, a, m.Generation, res); err != nil {
		return err
	}
	p.pingHub(ctx, nil, res)
	return nil
}

// newWorkDir makes the folder a run builds its files in, removed when the
// run ends, interrupted or not; one a killed run left behind is removed
// by a later run (sweep).
func newWorkDir() (string, error) {
	return os.MkdirTemp("", workPrefix+"*")
}

func fmtDate(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// fmtKeep writes a grace period as publish.keep_superseded may: in days
// when whole.
func fmtKeep(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
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
	if m.Find(base) != nil || m.FindUnpublished(base) != nil {
		return base
	}
	slug := strings.TrimSuffix(base, filepath.Ext(base))
	return strings.TrimSuffix(slug, ".chapters")
}
