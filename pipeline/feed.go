package pipeline

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
)

// renderFeed writes the feed of the manifest into work (step 8, feed), with
// a warning when show.guid is not the podcast:guid the feed keeps. It
// takes the whole config because feed.Write does: the feed says all of the
// show.
func renderFeed(cfg *config.Config, m *manifest.Manifest, built time.Time, work string) (*artifact, []string, error) {
	var warnings []string
	// podcast:guid never changes once published: apps and directories
	// follow a show by it. Say so rather than ignore the config silently.
	if g := cfg.Show.GUID; g != "" && m.GUID != "" && !strings.EqualFold(g, m.GUID) {
		warnings = append(warnings, fmt.Sprintf("show.guid %s in %s differs from the published podcast:guid %s, which is kept (it never changes once published; edit %s in storage to replace it)", g, rel(cfg.File), m.GUID, manifest.Key))
	}
	a := &artifact{role: "feed", path: filepath.Join(work, "feed.xml"), contentType: "application/rss+xml; charset=utf-8"}
	err := writeFile(a.path, func(w io.Writer) error { return feed.Write(w, feedShow(cfg), m, built) })
	if err != nil {
		return nil, warnings, fmt.Errorf("feed: %w", err)
	}
	if err := a.finish("", "feed", ".xml", false); err != nil {
		return nil, warnings, err
	}
	a.cacheControl = storage.CacheShort
	return a, warnings, nil
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
