// Package feed renders a show's podcast feed, RSS 2.0 with the iTunes,
// Podcasting 2.0 and Podlove Simple Chapters tags, from the show's config and
// the manifest of what is published; and validates any podcast feed against
// Apple's requirements and the Podcasting 2.0 spec.
//
// The feed is a pure function of its inputs: the same show and manifest
// give the same bytes. Episode guids and the podcast:guid come from the
// manifest, so republishing never changes them. The package knows nothing
// of podpipe's config: the caller says what the show is in a Show, and
// what a feed may say is checked against package rules.
//
//	err := feed.Write(w, &feed.Show{Title: "Tea & Code", BaseURL: base, …}, m, time.Now())
//
//	findings, err := feed.Validate(ctx, r, feed.ValidateOptions{})
//	for _, f := range findings {
//		fmt.Println(f) // error: line 42: item 3 "Title" <enclosure>: …
//	}
package feed

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"net/mail"
	"net/url"
	"path"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eduncan911/podcast"
	"github.com/google/uuid"

	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/rules"
	clock "github.com/podpipe/podpipe/transcript" // its time notations
	"github.com/podpipe/podpipe/transcript/formats"
)

// guidNamespace is the Podcasting 2.0 namespace UUID for podcast:guid.
var guidNamespace = uuid.MustParse("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

// GUID returns the podcast:guid the Podcasting 2.0 spec derives from a feed
// URL: a version-5 UUID of the URL without its scheme and trailing slashes.
// The pipeline stores it in the manifest when the show is first published,
// so that it never changes even if the feed moves.
func GUID(feedURL string) string {
	s := feedURL
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.TrimRight(s, "/")
	return uuid.NewSHA1(guidNamespace, []byte(s)).String()
}

// Generator is the feed's <generator>.
const Generator = "podpipe (https://github.com/podpipe/podpipe)"

// Show is what the feed says about the show, and where its objects are
// seen. Empty optional fields get the defaults Apple and the Podcasting 2.0
// spec name (episodic, podcast, the title as author).
type Show struct {
	// Stylesheet is the URL of an XSL stylesheet that shows the feed as a
	// page in a browser (<?xml-stylesheet?>); none when empty. Apps ignore it.
	Stylesheet string

	Title       string
	Description string
	Link        string // the show's website; the base URL when empty
	Language    string
	Author      string
	OwnerName   string
	OwnerEmail  string
	// Image is the artwork as configured: an http(s) URL, or a file whose
	// name is published under BaseURL when the manifest has no ShowImage.
	Image      string
	Categories []string // "Parent" or "Parent/Child" (rules.Categories)
	Explicit   bool
	Type       string // itunes:type: episodic or serial
	Copyright  string
	GUID       string // podcast:guid when the manifest has none
	Medium     string // podcast:medium
	Locked     bool   // podcast:locked, owned by OwnerEmail

	// Hosts are the channel's podcast:person; when none are configured,
	// the hosts the episodes' transcripts name.
	Hosts   []manifest.Person
	Funding *Funding
	License *License

	Block           bool   // itunes:block: keep the show out of Apple's directory
	Complete        bool   // itunes:complete: no more episodes will come
	NewFeedURL      string // itunes:new-feed-url: the show has moved there
	Hub             string // WebSub hub: atom:link rel="hub"
	Location        *manifest.Location
	Txt             []manifest.Txt
	UpdateFrequency *UpdateFrequency
	Trailers        []Trailer
	Podroll         []RemoteItem

	// BaseURL is the public URL of the storage root: each object's URL is
	// manifest.URL(BaseURL, key). FeedURL is where the feed itself is
	// served (atom:link rel="self", and the podcast:guid derived from it).
	BaseURL string
	FeedURL string
}

// Funding is podcast:funding.
type Funding struct {
	URL  string
	Text string // "Support the show" when empty
}

// UpdateFrequency is podcast:updateFrequency: how often episodes come.
type UpdateFrequency struct {
	Text     string    // what apps show, e.g. "Every Monday"
	RRule    string    // RFC 5545 recurrence rule, e.g. FREQ=WEEKLY;BYDAY=MO
	DTStart  time.Time // zero when not given
	Complete bool
}

// Trailer is podcast:trailer: a trailer of the show, wherever it is kept.
type Trailer struct {
	Title   string
	URL     string
	PubDate time.Time
	Length  int64  // bytes
	Type    string // MIME type
	Season  int
}

// RemoteItem is a podcast:remoteItem of the podroll: another feed the show
// recommends.
type RemoteItem struct {
	FeedGUID string
	FeedURL  string
	Medium   string
}

// License is podcast:license.
type License struct {
	Name string // SPDX identifier or a name
	URL  string
}

func (s *Show) urlFor(key string) string { return manifest.URL(s.BaseURL, key) }

// Source is the episodes of a feed, each read when its item is written:
// a big show's episodes need not all be in memory at once.
// *manifest.Index is one; Episodes makes one of episodes in memory.
type Source interface {
	// Len is the number of episodes.
	Len() int
	// Summary is what orders episode i and names its hosts.
	Summary(i int) manifest.Summary
	// Episode returns episode i whole. It is called from several
	// goroutines at once: a big feed's items are rendered on every core.
	Episode(i int) (*manifest.Episode, error)
}

// Episodes is a Source of episodes in memory.
type Episodes []manifest.Episode

// Len implements Source.
func (eps Episodes) Len() int { return len(eps) }

// Summary implements Source.
func (eps Episodes) Summary(i int) manifest.Summary { return manifest.SummaryOf(&eps[i]) }

// Episode implements Source.
func (eps Episodes) Episode(i int) (*manifest.Episode, error) { return &eps[i], nil }

// Write renders the feed of the show cfg with the episodes published in m,
// newest first, to w. now is the lastBuildDate. Episodes are rendered and
// written one at a time, so memory does not grow with the number of
// episodes.
func Write(w io.Writer, show *Show, m *manifest.Manifest, now time.Time) error {
	return WriteFrom(w, show, m, Episodes(m.Episodes), now)
}

// WriteFrom is Write with the episodes of src, each asked for as its
// item is written; m.Episodes is not read.
func WriteFrom(w io.Writer, show *Show, m *manifest.Manifest, src Source, now time.Time) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := io.WriteString(bw, xml.Header); err != nil {
		return fmt.Errorf("feed: %w", err)
	}
	if show.Stylesheet != "" {
		var href strings.Builder
		xml.EscapeText(&href, []byte(show.Stylesheet))
		if _, err := fmt.Fprintf(bw, "<?xml-stylesheet type=\"text/xsl\" href=\"%s\"?>\n", strings.ReplaceAll(href.String(), `"`, "&#34;")); err != nil {
			return fmt.Errorf("feed: %w", err)
		}
	}
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	doc := rss{
		Version:   "2.0",
		NSiTunes:  NSiTunes,
		NSPodcast: NSPodcast,
		NSContent: NSContent,
		NSAtom:    NSAtom,
		NSPSC:     NSPSC,
		Channel:   newChannel(bw, show, m, src, now),
	}
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("feed: %w", err)
	}
	if _, err := io.WriteString(bw, "\n"); err != nil {
		return fmt.Errorf("feed: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("feed: %w", err)
	}
	return nil
}

func newChannel(w *bufio.Writer, show *Show, m *manifest.Manifest, src Source, now time.Time) *channel {
	feedURL := show.FeedURL
	link := show.Link
	if link == "" {
		link = show.urlFor("")
	}
	c := &channel{
		Podcast: podcast.Podcast{
			Title:         clean(show.Title),
			Link:          link,
			Description:   clean(show.Description),
			Copyright:     clean(show.Copyright),
			Generator:     Generator,
			Language:      show.Language,
			LastBuildDate: now.UTC().Format(time.RFC1123Z),
			IExplicit:     strconv.FormatBool(show.Explicit),
			INewFeedURL:   show.NewFeedURL,
		},
		AtomLinks: []atomLink{{Href: feedURL, Rel: "self", Type: "application/rss+xml"}},
		IType:     show.Type,
		GUID:      m.GUID,
		Medium:    show.Medium,
		Items:     itemWriter{show: show, m: m, src: src, w: w},
	}
	// Only title, description, owner_email, image and categories are
	// required: a show without author or owner_name is still by someone,
	// and Apple lists it under that name.
	c.IAuthor = clean(cmp.Or(show.Author, show.OwnerName, show.Title))
	if c.IType == "" {
		c.IType = "episodic"
	}
	if c.Medium == "" {
		c.Medium = "podcast"
	}
	if c.GUID == "" {
		c.GUID = show.GUID
	}
	if c.GUID == "" {
		c.GUID = GUID(feedURL)
	}
	if img := showImageURL(show, m); img != "" {
		c.Image = &podcast.Image{URL: img, Title: c.Title, Link: link}
		c.IImage = &podcast.IImage{HREF: img}
	}
	if show.OwnerEmail != "" {
		name := cmp.Or(show.OwnerName, show.Author, show.Title)
		c.IOwner = &podcast.Author{Name: clean(name), Email: show.OwnerEmail}
	}
	for _, cat := range show.Categories {
		parent, child := rules.SplitCategory(cat)
		ic := &podcast.ICategory{Text: parent}
		if child != "" {
			ic.ICategories = []*podcast.ICategory{{Text: child}}
		}
		c.ICategories = append(c.ICategories, ic)
	}
	lock := "no"
	if show.Locked {
		lock = "yes"
	}
	c.Locked = &locked{Owner: show.OwnerEmail, Value: lock}
	c.Persons = showPersons(show.Hosts)
	if len(c.Persons) == 0 {
		c.Persons = showPersons(namedHosts(src))
	}
	c.Items.hosts = c.Persons
	if show.Block {
		c.IBlock = "Yes"
	}
	if show.Complete {
		c.IComplete = "Yes"
	}
	if show.Hub != "" {
		c.AtomLinks = append(c.AtomLinks, atomLink{Href: show.Hub, Rel: "hub"})
	}
	c.Location = newLocation(show.Location)
	c.Txt = newTxt(show.Txt)
	if f := show.UpdateFrequency; f != nil {
		c.UpdateFrequency = &updateFrequency{Text: clean(f.Text), RRule: f.RRule}
		if f.Complete {
			c.UpdateFrequency.Complete = "true"
		}
		if !f.DTStart.IsZero() {
			c.UpdateFrequency.DTStart = f.DTStart.UTC().Format(time.RFC3339)
		}
	}
	for _, t := range show.Trailers {
		c.Trailers = append(c.Trailers, trailer{
			URL: t.URL, PubDate: t.PubDate.UTC().Format(time.RFC1123Z), Length: t.Length,
			Type: t.Type, Season: t.Season, Title: clean(t.Title),
		})
	}
	if len(show.Podroll) > 0 {
		c.Podroll = &podroll{}
		for _, r := range show.Podroll {
			c.Podroll.Items = append(c.Podroll.Items, remoteItem{FeedGUID: r.FeedGUID, FeedURL: r.FeedURL, Medium: r.Medium})
		}
	}
	if f := show.Funding; f != nil && f.URL != "" {
		text := f.Text
		if text == "" {
			text = "Support the show"
		}
		c.Funding = &funding{URL: f.URL, Text: clean(text)}
	}
	if l := show.License; l != nil && l.Name != "" {
		c.License = &license{URL: l.URL, Name: clean(l.Name)}
	}
	return c
}

// showPersons are the show's configured hosts as podcast:person.
func showPersons(hosts []manifest.Person) []person {
	var out []person
	for _, h := range hosts {
		role := strings.ToLower(h.Role)
		if role == "" {
			role = "host"
		}
		out = append(out, person{Role: role, Group: strings.ToLower(h.Group), Img: h.Img, Href: h.Href, Name: clean(h.Name)})
	}
	return out
}

// namedHosts are the hosts the episodes' transcripts name, for a show that
// configures none: those named in the most episodes first, then by name,
// each as the newest episode spells them, with the newest link, picture
// and group given for them.
func namedHosts(src Source) []manifest.Person {
	count := map[string]int{}
	first := map[string]manifest.Person{}
	sums := summaries(src)
	for _, i := range newestFirst(sums, pubDates(sums)) {
		seen := map[string]bool{}
		for _, p := range sums[i].Hosts {
			k := strings.ToLower(strings.TrimSpace(p.Name))
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			count[k]++
			f, ok := first[k]
			if !ok {
				f = manifest.Person{Name: strings.TrimSpace(p.Name), Role: p.Role, Group: p.Group}
			}
			f.Href, f.Img, f.Group = cmp.Or(f.Href, p.Href), cmp.Or(f.Img, p.Img), cmp.Or(f.Group, p.Group)
			first[k] = f
		}
	}
	keys := make([]string, 0, len(first))
	for k := range first {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := make([]manifest.Person, 0, len(keys))
	for _, k := range keys {
		// A host's note is what the transcript says of them in this
		// episode, not their role in the show.
		out = append(out, first[k])
	}
	return out
}

func newLocation(l *manifest.Location) *location {
	if l == nil || l.Name == "" {
		return nil
	}
	return &location{Geo: l.Geo, OSM: l.OSM, Name: clean(l.Name)}
}

func newTxt(ts []manifest.Txt) []txt {
	var out []txt
	for _, t := range ts {
		out = append(out, txt{Purpose: clean(t.Purpose), Value: clean(t.Value)})
	}
	return out
}

// showImageURL is the artwork's public URL: the object the pipeline
// published, else the configured image itself when it is a URL, else the
// image's file name under the base URL.
func showImageURL(show *Show, m *manifest.Manifest) string {
	if m.ShowImage != nil {
		return show.urlFor(m.ShowImage.Key)
	}
	img := show.Image
	if img == "" {
		return ""
	}
	if u, err := url.Parse(img); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		return img
	}
	return show.urlFor(path.Base(strings.ReplaceAll(img, `\`, "/")))
}

// itemWriter writes the episodes as <item> elements in the order of the
// feed, a few at a time, so the whole feed is never held in memory.
type itemWriter struct {
	show  *Show
	m     *manifest.Manifest
	src   Source
	hosts []person      // the channel's persons, for items that name only guests
	w     *bufio.Writer // what enc writes to
}

// MarshalXML writes the items to iw.w itself, past enc: encoding/xml's
// reflection over 10,000 items took half a second, item.appendXML writes
// the same bytes in a sixth of that. enc is at the items' depth after
// the channel's last element, and goes on from there.
func (iw itemWriter) MarshalXML(enc *xml.Encoder, _ xml.StartElement) error {
	if err := enc.Flush(); err != nil {
		return err
	}
	sums := summaries(iw.src)
	dates := pubDates(sums)
	order := newestFirst(sums, dates)
	return renderItems(iw.w, len(order), func(b []byte, k int) ([]byte, error) {
		i := order[k]
		e, err := iw.src.Episode(i)
		if err != nil {
			return b, err
		}
		// Apps key episodes by guid and play the enclosure: without either
		// the item is worse than no item.
		if e.GUID == "" {
			return b, fmt.Errorf("episode %s: no guid", e.Slug)
		}
		if e.Audio.Key == "" {
			return b, fmt.Errorf("episode %s: no audio", e.Slug)
		}
		return newItem(iw.show, iw.m, e, dates[i], iw.hosts).appendXML(b), nil
	})
}

// itemBatch is how many items one worker renders at a time: enough to
// make the hand-over cheap beside the rendering, few enough that the
// batches in flight stay small (some 4 KB an item).
const itemBatch = 32

// renderItems writes the items 0 to n-1 to w in order, each rendered by
// render (appended to the buffer given), on as many cores as there are:
// decoding an episode again and rendering its item is most of a big
// feed's time. Batches of items are rendered ahead of the one written,
// a few per core. The first error in the feed's order is returned, after
// the items before the failing one are written; render is called from
// several goroutines at once.
func renderItems(w io.Writer, n int, render func(b []byte, k int) ([]byte, error)) error {
	workers := min(runtime.GOMAXPROCS(0), (n+itemBatch-1)/itemBatch, 8)
	if workers <= 1 {
		var b []byte
		for k := range n {
			var err error
			b, err = render(b[:0], k)
			if _, werr := w.Write(b); werr != nil {
				return werr
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	type batch struct {
		from int
		b    []byte
		err  error
		done chan struct{}
	}
	ahead := 2 * workers
	ordered := make(chan *batch, ahead) // in the feed's order, for the writer
	todo := make(chan *batch, ahead)    // for the workers
	free := make(chan []byte, ahead)    // written batches' buffers
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// Nothing renders once this returns.
	defer wg.Wait()
	defer close(stop)
	wg.Go(func() {
		defer close(todo)
		defer close(ordered)
		for from := 0; from < n; from += itemBatch {
			bt := &batch{from: from, done: make(chan struct{})}
			select {
			case ordered <- bt:
			case <-stop:
				return
			}
			todo <- bt // the workers take every batch, stopped or not
		}
	})
	for range workers {
		wg.Go(func() {
			for bt := range todo {
				select {
				case bt.b = <-free:
				default:
				}
				for k := bt.from; k < min(bt.from+itemBatch, n) && bt.err == nil; k++ {
					select {
					case <-stop:
						bt.err = errStopped
					default:
						bt.b, bt.err = render(bt.b, k)
					}
				}
				close(bt.done)
			}
		})
	}
	for bt := range ordered {
		<-bt.done
		if _, err := w.Write(bt.b); err != nil {
			return err
		}
		if bt.err != nil {
			return bt.err
		}
		select {
		case free <- bt.b[:0]:
		default:
		}
	}
	return nil
}

// errStopped is the error of a batch rendered after the writing stopped;
// never returned, since the writer stopped at an earlier error.
var errStopped = errors.New("feed: stopped")

// DaySpacing is how far apart PubDates puts the episodes of one day whose
// source gives the day only.
const DaySpacing = time.Minute

// PubDates returns each episode's pubDate. A source that gives the day
// only is dated midnight UTC; episodes of the same such day are spaced
// DaySpacing apart in slug order, so that apps, which sort by pubDate,
// list them in the order the show numbers them, and the same episodes get
// the same dates at every republish. A date with a time is kept as it is.
func PubDates(eps []manifest.Episode) []time.Time {
	return pubDates(summaries(Episodes(eps)))
}

// summaries are the Summaries of src's episodes.
func summaries(src Source) []manifest.Summary {
	sums := make([]manifest.Summary, src.Len())
	for i := range sums {
		sums[i] = src.Summary(i)
	}
	return sums
}

func pubDates(eps []manifest.Summary) []time.Time {
	dates := make([]time.Time, len(eps))
	byDay := map[time.Time][]int{}
	for i, e := range eps {
		dates[i] = e.Date
		if d := e.Date.UTC(); d.Equal(d.Truncate(24 * time.Hour)) {
			byDay[d] = append(byDay[d], i)
		}
	}
	for day, idx := range byDay {
		if len(idx) < 2 {
			continue
		}
		sort.Slice(idx, func(a, b int) bool { return eps[idx[a]].Slug < eps[idx[b]].Slug })
		for k, i := range idx {
			dates[i] = day.Add(time.Duration(k) * DaySpacing)
		}
	}
	return dates
}

// newestFirst returns the indexes of eps in the feed's order (newest
// pubDate, then highest number, then slug), without reordering the
// caller's manifest.
func newestFirst(eps []manifest.Summary, dates []time.Time) []int {
	order := make([]int, len(eps))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := &eps[order[i]], &eps[order[j]]
		if da, db := dates[order[i]], dates[order[j]]; !da.Equal(db) {
			return da.After(db)
		}
		if a.Number != b.Number {
			return a.Number > b.Number
		}
		return a.Slug > b.Slug
	})
	return order
}

func newItem(show *Show, m *manifest.Manifest, e *manifest.Episode, pubDate time.Time, hosts []person) *item {
	explicit := show.Explicit
	if e.Explicit != nil {
		explicit = *e.Explicit
	}
	lang := e.Language
	if lang == "" {
		lang = show.Language
	}
	notes := e.NotesHTML
	if notes == "" && e.Description != "" {
		notes = "<p>" + html.EscapeString(e.Description) + "</p>"
	}
	list := chapterList(e.ChapterList)
	if notes == "" && list == "" {
		// Apps show the description in the episode list; the title
		// is better than nothing there.
		notes = "<p>" + html.EscapeString(e.Title) + "</p>"
	}
	content := joinDescription(notes, list)
	it := &item{
		Item: podcast.Item{
			Title:            clean(e.Title),
			Link:             show.urlFor(e.Page.Key),
			PubDateFormatted: pubDate.Format(time.RFC1123Z),
			Enclosure: &podcast.Enclosure{
				URL:             show.urlFor(e.Audio.Key),
				LengthFormatted: strconv.FormatInt(e.Audio.Size, 10),
				TypeFormatted:   enclosureType(e.Audio),
			},
			IDuration: strconv.FormatInt(int64(math.Round(e.Duration)), 10),
			IExplicit: strconv.FormatBool(explicit),
		},
		GUID:         guid{IsPermaLink: "false", Value: e.GUID},
		Description:  cdata{clean(fitDescription(notes, list))},
		Content:      cdata{clean(content)},
		IEpisodeType: e.EpisodeType,
	}
	if it.IEpisodeType == "" {
		it.IEpisodeType = "full"
	}
	// Apple numbers from 1; the namespace's episode may be 0.
	if e.Number > 0 {
		it.IEpisode = e.Number
	}
	if e.Number > 0 || e.NumberZero {
		n := e.Number
		it.Episode = &n
	}
	if e.Season > 0 {
		it.ISeason = e.Season
		it.Season = &season{Number: e.Season, Name: clean(e.SeasonName)}
	}
	it.ITitle = clean(e.ITunesTitle)
	if e.Block {
		it.IBlock = "Yes"
	}
	for _, b := range e.Soundbites {
		it.Soundbites = append(it.Soundbites, soundbite{
			Start: formatSeconds(b.Start), Duration: formatSeconds(b.Duration), Title: clean(b.Title),
		})
	}
	it.Location = newLocation(e.Location)
	it.Txt = newTxt(e.Txt)
	for _, a := range e.AltEnclosures {
		ae := altEnclosure{Type: a.Type, Length: a.Length, Title: clean(a.Title), Lang: a.Lang, Codecs: a.Codecs, Sources: []altSource{{URI: a.URL}}}
		if a.Bitrate > 0 {
			ae.Bitrate = formatSeconds(a.Bitrate)
		}
		it.AltEnclosures = append(it.AltEnclosures, ae)
	}
	if e.Image != nil {
		it.IImage = &podcast.IImage{HREF: show.urlFor(e.Image.Key)}
	} else if img := showImageURL(show, m); img != "" {
		it.IImage = &podcast.IImage{HREF: img}
	}
	for _, p := range e.Persons {
		role := strings.ToLower(p.Role)
		if role == "" {
			role = "host"
		}
		// An item's persons replace the channel's, so a host the
		// transcript names would lose the link and picture the show
		// configures for them.
		href, img, group := p.Href, p.Img, p.Group
		for _, h := range show.Hosts {
			if strings.EqualFold(strings.TrimSpace(h.Name), strings.TrimSpace(p.Name)) {
				href, img, group = cmp.Or(href, h.Href), cmp.Or(img, h.Img), cmp.Or(group, h.Group)
				break
			}
		}
		it.Persons = append(it.Persons, person{Role: role, Group: strings.ToLower(group), Img: img, Href: href, Name: clean(p.Name)})
	}
	// An episode whose transcript names only guests is still hosted by
	// the show's hosts; without them here its list would drop them.
	if len(it.Persons) > 0 && !slices.ContainsFunc(it.Persons, func(p person) bool { return p.Role == "host" || p.Role == "co-host" }) {
		it.Persons = append(slices.Clone(hosts), it.Persons...)
	}
	for _, t := range e.Transcripts {
		typ, rel := transcriptType(t)
		it.Transcripts = append(it.Transcripts, transcript{
			URL: show.urlFor(t.Key), Type: typ, Language: lang, Rel: rel,
		})
	}
	if e.Chapters != nil {
		it.Chapters = &chapters{URL: show.urlFor(e.Chapters.Key), Type: "application/json+chapters"}
	}
	if psc := pscList(e.ChapterList); len(psc) > 0 {
		it.PSC = &pscChapters{Version: "1.2", Chapters: psc}
	}
	return it
}

// enclosureType is the audio's MIME type as Apple names it.
func enclosureType(o manifest.Object) string {
	switch strings.ToLower(path.Ext(o.Key)) {
	case ".mp3":
		return "audio/mpeg"
	case ".m4a", ".mp4", ".aac":
		return "audio/x-m4a"
	}
	if o.ContentType != "" {
		return o.ContentType
	}
	return "audio/mpeg"
}

// transcriptType is the podcast:transcript type and rel of a published
// transcript, as the formats table gives them.
func transcriptType(t manifest.Transcript) (typ, rel string) {
	if f, ok := transcriptTypes()[t.Format]; ok && f.MediaType != "" {
		return f.MediaType, f.Rel
	}
	return t.ContentType, ""
}

// transcriptTypes is the formats table's media type and rel by format
// name, looked up once: the table is copied on every lookup, once per
// transcript of every item otherwise.
var transcriptTypes = sync.OnceValue(func() map[string]struct{ MediaType, Rel string } {
	out := map[string]struct{ MediaType, Rel string }{}
	for _, f := range formats.All() {
		if _, ok := out[f.Name]; !ok {
			out[f.Name] = struct{ MediaType, Rel string }{f.MediaType, f.Rel}
		}
	}
	return out
})

// chapterList renders the visible chapters as the timestamp lines Apple and
// other apps turn into chapters. The first line is 00:00:00 whatever the
// first chapter's start, because Apple ignores a list that does not begin
// there; anything before it belongs to the first chapter. Lines must rise:
// of chapters that start within the same second only the last is listed,
// since it is the one that plays from that second on. Fewer than
// rules.MinTimestampChapters lines make no list: Apple would ignore it.
func chapterList(chs []manifest.Chapter) string {
	type line struct {
		at    int64 // whole seconds, as shown
		title string
	}
	var lines []line
	for _, c := range chs {
		if c.Hidden {
			continue
		}
		at := int64(c.Start)
		if len(lines) == 0 {
			at = 0
		}
		if n := len(lines); n > 0 && lines[n-1].at >= at {
			lines[n-1].title = c.Title
			continue
		}
		lines = append(lines, line{at, c.Title})
	}
	if len(lines) < rules.MinTimestampChapters {
		return ""
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("<p>" + clock.FormatHMS(time.Duration(l.at)*time.Second) + " " + html.EscapeString(l.title) + "</p>")
	}
	return b.String()
}

func joinDescription(notes, list string) string {
	if notes != "" && list != "" {
		return notes + "\n" + list
	}
	return notes + list
}

// fitDescription is the item's description within the rules.MaxDescription
// bytes Apple shows; content:encoded carries the notes whole.
// The chapter list stays whole, since Apple takes chapters from it; the
// notes keep as many whole top-level elements as fit, so no tag is left
// open, then an ellipsis. When not even the first fits, its text is cut.
func fitDescription(notes, list string) string {
	if d := joinDescription(notes, list); len(d) <= rules.MaxDescription {
		return d
	}
	const more = "<p>…</p>"
	list = fitLines(list, rules.MaxDescription)
	budget := rules.MaxDescription - len(list) - len("\n") - len(more)
	var kept strings.Builder
	for _, b := range htmlBlocks(notes) {
		if kept.Len()+len(b) > budget {
			break
		}
		kept.WriteString(b)
	}
	n := strings.TrimSpace(kept.String())
	if n == "" {
		n = cutText(notes, budget+len(more))
	} else {
		n += "\n" + more
	}
	if len(n)+len("\n")+len(list) > rules.MaxDescription {
		return list
	}
	return joinDescription(n, list)
}

// fitLines keeps the whole lines of s that fit in max bytes.
func fitLines(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := strings.LastIndexByte(s[:max+1], '\n')
	if i < 0 {
		return ""
	}
	return s[:i]
}

// htmlBlocks splits HTML into its top-level pieces: each element with
// what it holds, and the text between; joined they give s back.
func htmlBlocks(s string) []string {
	var blocks []string
	depth, start := 0, 0
	for i := 0; i < len(s); {
		if s[i] != '<' {
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			break
		}
		tag := s[i+1 : i+end]
		i += end + 1
		name := strings.TrimPrefix(tag, "/")
		if j := strings.IndexAny(name, " \t\r\n/"); j >= 0 {
			name = name[:j]
		}
		name = strings.ToLower(name)
		switch {
		case strings.HasPrefix(tag, "/"):
			depth--
		case strings.HasPrefix(tag, "!"), strings.HasSuffix(tag, "/"), voidElements[name]:
		default:
			depth++
		}
		if depth <= 0 {
			depth = 0
			blocks = append(blocks, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		blocks = append(blocks, s[start:])
	}
	return blocks
}

var voidElements = map[string]bool{"br": true, "hr": true, "img": true, "wbr": true, "input": true, "source": true, "meta": true, "link": true}

// cutText is the text of the HTML s, cut at a character boundary to fit in
// max bytes as one paragraph ending in an ellipsis.
func cutText(s string, max int) string {
	var text strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
			text.WriteByte(' ')
		case !in:
			text.WriteRune(r)
		}
	}
	plain := strings.Join(strings.Fields(html.UnescapeString(text.String())), " ")
	const open, end = "<p>", "…</p>"
	var b strings.Builder
	b.WriteString(open)
	for _, r := range plain {
		esc := html.EscapeString(string(r))
		if b.Len()+len(esc)+len(end) > max {
			break
		}
		b.WriteString(esc)
	}
	b.WriteString(end)
	return b.String()
}

// formatSeconds is seconds as the namespace writes them: a decimal with
// no more than the milliseconds it has.
func formatSeconds(sec float64) string {
	return strconv.FormatFloat(math.Round(sec*1000)/1000, 'f', -1, 64)
}

// secondsTime is a manifest's time in seconds as a duration, on whole
// milliseconds.
func secondsTime(sec float64) time.Duration {
	return time.Duration(math.Round(sec*1000)) * time.Millisecond
}

func pscList(chs []manifest.Chapter) []pscChapter {
	var out []pscChapter
	for _, c := range chs {
		if c.Hidden {
			continue
		}
		out = append(out, pscChapter{Start: clock.FormatTimestamp(secondsTime(c.Start)), Title: clean(c.Title), Href: c.URL})
	}
	return out
}

// clean drops the characters XML 1.0 cannot carry (control characters other
// than tab and newlines); encoding/xml writes them into CDATA as they are,
// which would make the whole feed unreadable.
func clean(s string) string {
	if !hasNonXMLChar(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isXMLChar(r) {
			return r
		}
		return -1
	}, s)
}

// hasNonXMLChar says whether s holds a rune that isXMLChar refuses, as a
// range over s decodes it, looking at bytes: the text of a feed is most
// of its bytes, and decoding it rune by rune was slower. Of the runes past
// ASCII only U+FFFE and U+FFFF (EF BF BE, EF BF BF) are refused: bytes
// that are not UTF-8 decode as U+FFFD, which is kept, and an EF byte is
// never part of the sequence before it.
func hasNonXMLChar(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20:
			if c != '\t' && c != '\n' && c != '\r' {
				return true
			}
		case c == 0xEF:
			if i+2 < len(s) && s[i+1] == 0xBF && (s[i+2] == 0xBE || s[i+2] == 0xBF) {
				return true
			}
		}
	}
	return false
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// LastBuildDate reads the channel's lastBuildDate back from a feed Write
// wrote; ok is false when it has none.
func LastBuildDate(feed []byte) (t time.Time, ok bool) {
	const open, end = "<lastBuildDate>", "</lastBuildDate>"
	i := bytes.Index(feed, []byte(open))
	if i < 0 {
		return time.Time{}, false
	}
	rest := feed[i+len(open):]
	j := bytes.Index(rest, []byte(end))
	if j < 0 {
		return time.Time{}, false
	}
	t, err := mail.ParseDate(string(rest[:j]))
	return t, err == nil
}
