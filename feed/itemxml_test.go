package feed

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eduncan911/podcast"
)

// reflectItems writes items as encoding/xml writes them by reflection over
// the item structs, inside <rss><channel> indented as Write indents: what
// the feed's items were before appendXML, and what it must match.
func reflectItems(t testing.TB, items []*item) string {
	t.Helper()
	type channel struct {
		Items []*item `xml:"item"`
	}
	type doc struct {
		XMLName xml.Name `xml:"rss"`
		Channel channel  `xml:"channel"`
	}
	var b strings.Builder
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc{Channel: channel{Items: items}}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// handItems is reflectItems with the items written by appendXML.
func handItems(items []*item) string {
	b := []byte("<rss>\n  <channel>")
	for _, it := range items {
		b = it.appendXML(b)
	}
	if len(items) == 0 {
		return string(b) + "</channel>\n</rss>"
	}
	return string(b) + "\n  </channel>\n</rss>"
}

// fullItem sets every field of an item, text fields to s.
func fullItem(s string) *item {
	n := 0
	return &item{
		Item: podcast.Item{
			Title: s, Link: s, AuthorFormatted: s, Category: s, Comments: s, Source: s,
			PubDateFormatted: s,
			Enclosure:        &podcast.Enclosure{URL: s, LengthFormatted: s, TypeFormatted: s},
			IAuthor:          s, ISubtitle: s,
			ISummary:  &podcast.ISummary{Text: s},
			IImage:    &podcast.IImage{HREF: s},
			IDuration: s, IExplicit: s, IIsClosedCaptioned: s, IOrder: s,
		},
		GUID:          guid{IsPermaLink: s, Value: s},
		Description:   cdata{s},
		Content:       cdata{s},
		ITitle:        s,
		IEpisode:      -3,
		ISeason:       7,
		IEpisodeType:  s,
		IBlock:        s,
		Episode:       &n,
		Season:        &season{Name: s, Number: 2},
		Persons:       []person{{Role: s, Group: s, Img: s, Href: s, Name: s}, {}},
		Soundbites:    []soundbite{{Start: s, Duration: s, Title: s}, {}},
		Location:      &location{Geo: s, OSM: s, Name: s},
		Txt:           []txt{{Purpose: s, Value: s}, {}},
		AltEnclosures: []altEnclosure{{Type: s, Length: 5, Bitrate: s, Title: s, Lang: s, Codecs: s, Sources: []altSource{{URI: s}, {}}}, {}},
		Transcripts:   []transcript{{URL: s, Type: s, Language: s, Rel: s}, {}},
		Chapters:      &chapters{URL: s, Type: s},
		PSC:           &pscChapters{Version: s, Chapters: []pscChapter{{Start: s, Title: s, Href: s, Image: s}, {}}},
	}
}

// TestItemXMLAsEncodingXML: appendXML writes what encoding/xml writes of
// the same item, byte for byte: the sample show's items, an item with
// every field set and one with none, and text that needs escaping.
func TestItemXMLAsEncodingXML(t *testing.T) {
	show, m := sampleShow("https://cdn.example.com/tea/")
	var items []*item
	dates := PubDates(m.Episodes)
	for i := range m.Episodes {
		items = append(items, newItem(show, m, &m.Episodes[i], dates[i], showPersons(show.Hosts)))
	}
	items = append(items, &item{})
	for _, s := range []string{
		"plain", "",
		`<a href="x?a=1&b=2">'t'</a>`,
		"tab\tnew\nline\r\n",
		"ctrl\x00\x01\x1f\x7f end",
		"]]> and ]]]> and ]]>]]>",
		"茶與程式 🍵 \u2028 \ufffd \ufffe \uffff",
		"bad utf-8 \xff\xfe \xed\xa0\x80 \xc3",
	} {
		items = append(items, fullItem(s))
	}
	for i, it := range items {
		want := reflectItems(t, []*item{it})
		if got := handItems([]*item{it}); got != want {
			t.Errorf("item %d:\nappendXML:\n%s\nencoding/xml:\n%s", i, got, want)
		}
	}
	if got, want := handItems(items), reflectItems(t, items); got != want {
		t.Errorf("items together differ")
	}
}

func FuzzItemXML(f *testing.F) {
	f.Add("plain", "<&>\"'", 1, false)
	f.Add("]]>", "\xff\t\n\r", 0, true)
	f.Fuzz(func(t *testing.T, a, b string, n int, none bool) {
		it := fullItem(a)
		it.Description.Text, it.Title, it.Persons[1].Name = b, b, b
		it.IEpisode, it.ISeason = n, -n
		if none {
			it.Season, it.PSC.Chapters, it.AltEnclosures[0].Sources = nil, nil, nil
		}
		want := reflectItems(t, []*item{it})
		if got := handItems([]*item{it}); got != want {
			t.Errorf("appendXML:\n%q\nencoding/xml:\n%q", got, want)
		}
	})
}

// TestHasNonXMLChar: the byte scan finds what isXMLChar refuses of the
// runes a range over the string decodes.
func TestHasNonXMLChar(t *testing.T) {
	for _, s := range []string{
		"", "plain", "tab\tnl\ncr\r", "\x00", "a\x1fb", "\x7f", "茶 🍵", "\ufffd", "\ufffe", "x\uffffy",
		"\xef\xbf", "\xef\xbf\xbe", "\xe2\xef\xbf\xbe", "\xef\xbf\xbd", "\xed\xa0\x80", "\xff\xfe", "\xf4\x90\x80\x80",
	} {
		checkNonXMLChar(t, s)
	}
}

// checkNonXMLChar checks hasNonXMLChar against isXMLChar over the runes a
// range over s decodes.
func checkNonXMLChar(t *testing.T, s string) {
	t.Helper()
	want := false
	for _, r := range s {
		if !isXMLChar(r) {
			want = true
		}
	}
	if got := hasNonXMLChar(s); got != want {
		t.Errorf("hasNonXMLChar(%q) = %v, want %v", s, got, want)
	}
}

func FuzzHasNonXMLChar(f *testing.F) {
	f.Add("\xe2\xef\xbf\xbe")
	f.Fuzz(checkNonXMLChar)
}

// TestWriteManyItems: a feed of more items than one worker renders at a
// time has every item in the feed's order, each as encoding/xml writes
// it.
func TestWriteManyItems(t *testing.T) {
	show, m := sampleShow("https://cdn.example.com/tea/")
	proto := m.Episodes
	m.Episodes = nil
	for i := range 10*itemBatch + 5 {
		e := proto[i%len(proto)]
		e.Slug = fmt.Sprintf("ep-%03d", i)
		e.GUID = "guid-" + e.Slug
		e.Number = i % 7 // some numbers shared, some episodes unnumbered
		// Some days have several episodes, spaced by PubDates.
		e.Date = time.Date(2026, 1, 1+i/3, 0, 0, 0, 0, time.UTC)
		m.Episodes = append(m.Episodes, e)
	}
	var got strings.Builder
	if err := Write(&got, show, m, buildTime); err != nil {
		t.Fatal(err)
	}
	dates := PubDates(m.Episodes)
	var items []*item
	for _, i := range newestFirst(summaries(Episodes(m.Episodes)), dates) {
		items = append(items, newItem(show, m, &m.Episodes[i], dates[i], showPersons(show.Hosts)))
	}
	want := reflectItems(t, items)
	want = strings.TrimPrefix(want, "<rss>\n  <channel>")
	want = strings.TrimSuffix(want, "\n  </channel>\n</rss>")
	if !strings.HasSuffix(got.String(), want+"\n  </channel>\n</rss>\n") {
		t.Errorf("the feed's items are not encoding/xml's of the episodes, newest first")
	}
}
