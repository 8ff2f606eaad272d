package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/rules"
	"github.com/podpipe/podpipe/site"
	"github.com/podpipe/podpipe/storage"
)

// feedShow is what the feed says about the show, from its config: package
// feed renders any show and imports no podpipe config.
func feedShow(cfg *config.Config) *feed.Show {
	s := cfg.Show
	fs := &feed.Show{
		Stylesheet:  site.XSLKey, // beside the feed; publishSite uploads it
		Title:       s.Title,
		Description: s.Description,
		Link:        s.Link,
		Language:    s.Language,
		Author:      s.Author,
		OwnerName:   s.OwnerName,
		OwnerEmail:  s.OwnerEmail,
		Image:       s.Image,
		Categories:  s.Categories,
		Explicit:    s.Explicit,
		Type:        s.Type,
		Copyright:   s.Copyright,
		GUID:        s.GUID,
		Medium:      s.Medium,
		Locked:      s.Locked,
		Block:       s.Block,
		Complete:    s.Complete,
		Hub:         cfg.Publish.Hub,
		BaseURL:     cfg.Publish.BaseURL,
		FeedURL:     cfg.FeedURL(),
	}
	// A show that moved keeps the podcast:guid of where it started, so
	// that directories see the same show at the new address.
	if fs.GUID == "" && len(cfg.Publish.PreviousURLs) > 0 {
		fs.GUID = feed.GUID(cfg.Publish.PreviousURLs[0])
	}
	for _, h := range s.Hosts {
		fs.Hosts = append(fs.Hosts, manifest.Person{Name: h.Name, Role: h.Role, Group: h.Group, Href: h.Href, Img: h.Img})
	}
	if f := s.Funding; f != nil {
		fs.Funding = &feed.Funding{URL: f.URL, Text: f.Text}
	}
	if l := s.License; l != nil {
		fs.License = &feed.License{Name: l.Name, URL: l.URL}
	}
	if l := s.Location; l != nil {
		fs.Location = &manifest.Location{Name: l.Name, Geo: l.Geo, OSM: l.OSM}
	}
	for _, t := range s.Txt {
		fs.Txt = append(fs.Txt, manifest.Txt{Purpose: t.Purpose, Value: t.Value})
	}
	if f := s.UpdateFrequency; f != nil {
		fs.UpdateFrequency = &feed.UpdateFrequency{Text: f.Text, RRule: f.RRule, Complete: f.Complete}
		if f.DTStart != nil {
			fs.UpdateFrequency.DTStart, _ = config.Date(f.DTStart) // checked by config.Check
		}
	}
	for _, t := range s.Trailers {
		d, _ := config.Date(t.PubDate) // checked by config.Check
		fs.Trailers = append(fs.Trailers, feed.Trailer{Title: t.Title, URL: t.URL, PubDate: d, Length: t.Length, Type: t.Type, Season: t.Season})
	}
	for _, r := range s.Podroll {
		fs.Podroll = append(fs.Podroll, feed.RemoteItem{FeedGUID: r.FeedGUID, FeedURL: r.FeedURL, Medium: r.Medium})
	}
	return fs
}

// movedFeedShow is the show as the final feed left at an earlier address
// says it: the same show, telling apps where it now lives.
func movedFeedShow(cfg *config.Config, previousURL string) *feed.Show {
	fs := feedShow(cfg)
	fs.NewFeedURL = fs.FeedURL
	fs.FeedURL = previousURL
	return fs
}

// addFeedTags sets the episode's feed-only tags from its source's front
// matter: a source numbered 0 (by front matter or a 00- file name), season
// name, itunes:title and block, soundbites, location, txt, alternate
// enclosures, and the links and groups of its people.
func addFeedTags(e *episode, rec *manifest.Episode) {
	ft := e.t.Feed
	if ft.EpisodeZero {
		// The front matter's episode = 0 wins over the file name's
		// number, as any episode it gives does.
		rec.Number, rec.NumberZero = 0, true
	} else if rec.Number == 0 {
		if m := leadingNumber.FindStringSubmatch(e.slug); m != nil && e.t.Episode == 0 {
			n, err := strconv.Atoi(m[1])
			rec.NumberZero = err == nil && n == 0
		}
	}
	rec.SeasonName = ft.SeasonName
	rec.ITunesTitle = ft.ITunesTitle
	rec.Block = ft.Block
	for _, b := range ft.Soundbites {
		rec.Soundbites = append(rec.Soundbites, manifest.Soundbite{Start: b.Start.Seconds(), Duration: b.Duration.Seconds(), Title: b.Title})
	}
	if l := ft.Location; l != nil {
		rec.Location = &manifest.Location{Name: l.Name, Geo: l.Geo, OSM: l.OSM}
	}
	for _, t := range ft.Txt {
		rec.Txt = append(rec.Txt, manifest.Txt{Purpose: t.Purpose, Value: t.Value})
	}
	for _, a := range ft.AltEnclosures {
		rec.AltEnclosures = append(rec.AltEnclosures, manifest.AltEnclosure{
			URL: a.URL, Type: a.Type, Length: a.Length, Bitrate: a.Bitrate, Title: a.Title, Codecs: a.Codecs, Lang: a.Lang,
		})
	}
	for i, p := range rec.Persons {
		for name, l := range ft.People {
			if strings.EqualFold(name, p.Name) {
				rec.Persons[i].Href, rec.Persons[i].Img, rec.Persons[i].Group = l.Href, l.Img, l.Group
			}
		}
	}
}

// feedBuilt is the feed's lastBuildDate: the time its content last
// changed, whatever changed it (an episode, or only the config). The
// published feed keeps its date when the feed rendered with that date is
// the same bytes; otherwise the content changed now.
func (p *Pipeline) feedBuilt(ctx context.Context, show *feed.Show, m *manifest.Manifest) time.Time {
	now := p.opt.Now().UTC().Truncate(time.Second)
	published, built, ok := p.publishedFeed(ctx)
	if !ok {
		return now
	}
	defer published.Close()
	// Compared as it is rendered and read, never whole in memory.
	cw := &compareWriter{want: published}
	if err := feed.Write(cw, show, m, built); err == nil && cw.atEnd() {
		return built
	}
	return now
}

// publishedFeed opens the published feed, to be read from its start, with
// the lastBuildDate in its head; ok is false when there is none or it has
// no date.
func (p *Pipeline) publishedFeed(ctx context.Context) (published *publishedReader, built time.Time, ok bool) {
	rc, _, err := p.store.Get(ctx, config.FeedKey)
	if err != nil {
		return nil, time.Time{}, false
	}
	// The channel's lastBuildDate is in its head, before the items.
	br := bufio.NewReaderSize(rc, 256<<10)
	head, _ := br.Peek(256 << 10)
	built, ok = feed.LastBuildDate(head)
	if !ok {
		rc.Close()
		return nil, time.Time{}, false
	}
	return &publishedReader{Reader: br, Closer: rc}, built, true
}

// publishedReader is the published feed, buffered.
type publishedReader struct {
	*bufio.Reader
	io.Closer
}

// compareWriter fails the write that first differs from what want reads.
type compareWriter struct {
	want    *publishedReader
	scratch []byte
}

var errDiffers = errors.New("differs")

func (c *compareWriter) Write(p []byte) (int, error) {
	if cap(c.scratch) < len(p) {
		c.scratch = make([]byte, len(p))
	}
	got := c.scratch[:len(p)]
	if _, err := io.ReadFull(c.want, got); err != nil || !bytes.Equal(p, got) {
		return 0, errDiffers
	}
	return len(p), nil
}

// atEnd says whether all of want was written: a published feed longer
// than what was written is not the same either.
func (c *compareWriter) atEnd() bool {
	_, err := c.want.ReadByte()
	return err == io.EOF
}

// pingHub tells the configured WebSub hub that the feed changed, when this
// run uploaded it. The feed is published by then: a hub that fails is a
// warning, not an error.
func (p *Pipeline) pingHub(ctx context.Context, client *http.Client, res *Result) {
	hub := p.cfg.Publish.Hub
	if hub == "" || p.opt.DryRun || !slices.Contains(res.Uploaded, config.FeedKey) {
		return
	}
	if err := feed.PingHub(ctx, client, hub, p.cfg.FeedURL()); err != nil {
		p.logf("warning: %v (the feed is published; apps will see it when they next poll)", err)
		return
	}
	p.logf("pinged WebSub hub %s", hub)
}

// WriteMovedFeed writes the final feed for an earlier address of the show
// (publish.previous_urls): the whole feed, telling apps with
// itunes:new-feed-url that the show now lives at the configured feed URL.
// Serve it at previousURL until the directories have moved (Apple asks for
// four weeks), or redirect that URL with HTTP 301.
func (p *Pipeline) WriteMovedFeed(ctx context.Context, previousURL string, w io.Writer) error {
	m, _, err := p.readManifest(ctx)
	if err != nil {
		return err
	}
	show := movedFeedShow(p.cfg, previousURL)
	return feed.Write(w, show, m, p.feedBuilt(ctx, feedShow(p.cfg), m))
}

// movedFeeds renders the final feed of each earlier address that lies in
// this store (under publish.base_url), to be uploaded with the feed; an
// address elsewhere is one podpipe cannot write, and the log says so.
func (p *Pipeline) movedFeeds(m *manifest.Manifest, src feed.Source, built time.Time, work string) ([]*artifact, error) {
	var arts []*artifact
	for i, u := range p.cfg.Publish.PreviousURLs {
		rest, ok := strings.CutPrefix(u, p.cfg.Publish.BaseURL)
		key, err := url.PathUnescape(rest)
		if !ok || err != nil || key == "" || key == config.FeedKey || strings.ContainsAny(key, "?#") {
			p.logf("note: the feed moved from %s, which is outside %s: redirect it there with HTTP 301 to %s, or serve the final feed of `podpipe feed moved`", u, p.cfg.Publish.BaseURL, p.cfg.FeedURL())
			continue
		}
		a := &artifact{role: "feed", key: key, path: filepath.Join(work, fmt.Sprintf("moved-%d.xml", i)), contentType: "application/rss+xml; charset=utf-8"}
		err = writeFile(a.path, func(w io.Writer) error { return feed.WriteFrom(w, movedFeedShow(p.cfg, u), m, src, built) })
		if err != nil {
			return nil, fmt.Errorf("feed for %s: %w", u, err)
		}
		if err := a.finish("", strings.TrimSuffix(key, path.Ext(key)), path.Ext(key), false); err != nil {
			return nil, err
		}
		a.cacheControl = storage.CacheShort
		arts = append(arts, a)
	}
	return arts, nil
}

// checkSoundbites refuses a soundbite of the front matter that does not
// lie within the audio, which the front matter alone cannot tell.
func checkSoundbites(e *episode) error {
	for _, b := range e.t.Feed.Soundbites {
		if err := rules.CheckSoundbite(b.Start.Seconds(), b.Duration.Seconds(), e.info.Duration.Seconds()); err != nil {
			return fmt.Errorf("%s: front matter: soundbites: %w", e.md.name, err)
		}
	}
	return nil
}
