package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
)

// renderFeed writes the feed of the manifest m with the episodes of src
// into work (step 8, feed), with
// a warning when show.guid is not the podcast:guid the feed keeps, and
// returns its lastBuildDate (feedBuilt). It takes the whole config because
// feed.Write does: the feed says all of the show.
func (p *Pipeline) renderFeed(ctx context.Context, m *manifest.Manifest, src feed.Source, work string) (*artifact, time.Time, []string, error) {
	cfg := p.cfg
	var warnings []string
	// podcast:guid never changes once published: apps and directories
	// follow a show by it. Say so rather than ignore the config silently.
	if g := cfg.Show.GUID; g != "" && m.GUID != "" && !strings.EqualFold(g, m.GUID) {
		warnings = append(warnings, fmt.Sprintf("show.guid %s in %s differs from the published podcast:guid %s, which is kept (it never changes once published; edit %s in storage to replace it)", g, rel(cfg.File), m.GUID, manifest.Key))
	}
	a := &artifact{role: "feed", path: filepath.Join(work, "feed.xml"), contentType: "application/rss+xml; charset=utf-8"}
	show := feedShow(cfg)
	now := p.opt.Now().UTC().Truncate(time.Second)
	// The feed keeps the published one's lastBuildDate when it renders
	// to the same bytes with it. The published feed is compared as this
	// one is written, so that a big show's unchanged feed is rendered
	// once; a feed that changed most often differs near its top (the
	// generation), where the rendering stops, to start again with now.
	built, same := now, false
	if published, date, ok := p.publishedFeed(ctx); ok {
		cw := &compareWriter{want: published}
		err := writeFile(a.path, func(w io.Writer) error {
			return feed.WriteFrom(io.MultiWriter(w, cw), show, m, src, date)
		})
		if err == nil {
			built, same = date, cw.atEnd()
		}
		published.Close()
		if err != nil && !errors.Is(err, errDiffers) {
			return nil, now, warnings, fmt.Errorf("feed: %w", err)
		}
	}
	if !same {
		built = now
		err := writeFile(a.path, func(w io.Writer) error { return feed.WriteFrom(w, show, m, src, built) })
		if err != nil {
			return nil, now, warnings, fmt.Errorf("feed: %w", err)
		}
	}
	if err := a.finish("", "feed", ".xml", false); err != nil {
		return nil, built, warnings, err
	}
	a.cacheControl = storage.CacheShort
	return a, built, warnings, nil
}

// feedLeavesManifest says whether feed build's change to the manifest,
// upsertEpisodes with no episodes (the show's podcast:guid, its cover and
// what the old cover leaves superseded), is sure to leave m as it was
// read with etag: then the manifest, 44 MB at 10,000 episodes, need not
// be encoded again to find out. When unsure (a cover or guid to record,
// superseded objects, an older version) updateManifest's comparison of
// the encodings decides.
func feedLeavesManifest(m *manifest.Manifest, etag string, cover *manifest.Object) bool {
	sameCover := m.ShowImage == nil && cover == nil || m.ShowImage != nil && cover != nil && *m.ShowImage == *cover
	return etag != "" && m.Version == manifest.CurrentVersion && m.GUID != "" && len(m.Superseded) == 0 && sameCover
}

// renderCover copies the show's artwork into work, to be published under
// a content-hashed name that the manifest records and the feed links, with
// what Apple would reject in it.
func renderCover(cover sourceFile, work string) (*artifact, []string, error) {
	var warnings []string
	art, err := artwork(cover)
	if err != nil {
		return nil, nil, fmt.Errorf("show.image: %w", err)
	}
	if msg := art.Advice(); msg != "" {
		warnings = append(warnings, fmt.Sprintf("%s (show.image): %s", cover.name, msg))
	}
	ext := cover.ext()
	a := &artifact{role: "image", path: filepath.Join(work, "cover"+ext), contentType: art.MIME()}
	if err := copyFile(a.path, cover.path); err != nil {
		return nil, warnings, fmt.Errorf("%s (show.image): %w", cover.name, unwrapPath(err))
	}
	if err := a.finish("", "cover", ext, true); err != nil {
		return nil, warnings, err
	}
	return a, warnings, nil
}
