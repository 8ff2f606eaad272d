package pipeline

import (
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/site"
)

// homeKey is the show's home page, at the root of the store, which
// `podpipe serve` and a bucket website serve for "/".
const homeKey = "index.html"

// pageSite is what an episode's page needs of its show: its name, its
// cover, its home page and feed, and the public URL of any object.
type pageSite struct {
	title    string
	coverKey string // the show's published cover
	urlFor   func(key string) string
	feedURL  string
}

// pageSite describes the show for the episode pages: the cover's key is
// the content-hashed one publishCover uploads it under.
func (p *Pipeline) pageSite(cover sourceFile) pageSite {
	s := pageSite{title: p.cfg.Show.Title, urlFor: p.cfg.URLFor, feedURL: p.cfg.FeedURL()}
	if sum, _, err := hashFile(cover.path); err == nil {
		s.coverKey = "cover-" + sum[:12] + cover.ext()
	}
	return s
}

// renderSite writes the show's home page, from the manifest m with the
// episodes of src, and the feed's stylesheet into work.
func (p *Pipeline) renderSite(m *manifest.Manifest, src feed.Source, work string) (home, xsl *artifact, err error) {
	home = &artifact{role: "page", path: filepath.Join(work, homeKey), contentType: "text/html; charset=utf-8", sameIsCurrent: true}
	s, err := homeOf(p.cfg, m, src)
	if err != nil {
		return nil, nil, err
	}
	if err := writeFile(home.path, func(w io.Writer) error { return site.WriteIndex(w, s) }); err != nil {
		return nil, nil, err
	}
	if err := home.finish("", "index", ".html", false); err != nil {
		return nil, nil, err
	}
	xsl = &artifact{role: "stylesheet", path: filepath.Join(work, site.XSLKey), contentType: "text/xsl; charset=utf-8"}
	if err := writeFile(xsl.path, func(w io.Writer) error { _, err := w.Write(site.FeedXSL()); return err }); err != nil {
		return nil, nil, err
	}
	if err := xsl.finish("", "feed", ".xsl", false); err != nil {
		return nil, nil, err
	}
	return home, xsl, nil
}

// homeEpisodes is how many episodes the home page lists, the newest. A
// listener who opens a show's page looks for what is new and how to
// subscribe; the whole back catalogue is the feed's, which apps list
// and the feed's stylesheet shows as a page, and which the home page
// links. Listing 10,000 episodes made a page of megabytes that no one
// scrolls, and took a sixth of the time of a big show's feed build.
const homeEpisodes = 100

// homeOf is the home page of the show m publishes with the episodes of
// src: the newest homeEpisodes of them newest first, as apps list them.
func homeOf(cfg *config.Config, m *manifest.Manifest, src feed.Source) (site.Show, error) {
	s := site.Show{
		Title: cfg.Show.Title, Description: cfg.Show.Description, Author: cfg.Show.Author,
		Language: cfg.Show.Language, Link: cfg.Show.Link,
		FeedURL: cfg.FeedURL(), SelfURL: cfg.URLFor(homeKey),
	}
	if m.ShowImage != nil {
		s.CoverURL = manifest.EscapeKey(m.ShowImage.Key)
		s.AbsCoverURL = cfg.URLFor(m.ShowImage.Key)
	}
	for _, h := range cfg.Show.Hosts {
		s.Hosts = append(s.Hosts, h.Name)
	}
	sums := make([]manifest.Summary, src.Len())
	order := make([]int, len(sums))
	for i := range sums {
		sums[i], order[i] = src.Summary(i), i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := &sums[order[i]], &sums[order[j]]
		if !a.Date.Equal(b.Date) {
			return a.Date.After(b.Date)
		}
		return a.Slug > b.Slug
	})
	if len(order) > homeEpisodes {
		s.Earlier = len(order) - homeEpisodes
		order = order[:homeEpisodes]
	}
	for _, i := range order {
		e, err := src.Episode(i)
		if err != nil {
			return s, err
		}
		desc, _, _ := strings.Cut(e.Description, "\n\n")
		s.Episodes = append(s.Episodes, site.Episode{
			Title: e.Title, URL: manifest.EscapeKey(e.Page.Key), Date: e.Date, Description: strings.TrimSpace(desc),
			Number: e.Number, Duration: time.Duration(e.Duration * float64(time.Second)),
		})
	}
	return s, nil
}
