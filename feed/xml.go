package feed

import (
	"encoding/xml"

	"github.com/eduncan911/podcast"
)

// Namespace URIs declared on <rss>.
const (
	NSiTunes  = "http://www.itunes.com/dtds/podcast-1.0.dtd"
	NSPodcast = "https://podcastindex.org/namespace/1.0"
	NSContent = "http://purl.org/rss/1.0/modules/content/"
	NSAtom    = "http://www.w3.org/2005/Atom"
	NSPSC     = "http://podlove.org/simple-chapters"

	// NSPodcastOld is the namespace's first URI, which readers still accept.
	NSPodcastOld = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
)

// rss is the document element. The library's own wrapper declares only
// itunes and atom, so podpipe declares every namespace it uses itself.
type rss struct {
	XMLName   xml.Name `xml:"rss"`
	Version   string   `xml:"version,attr"`
	NSiTunes  string   `xml:"xmlns:itunes,attr"`
	NSPodcast string   `xml:"xmlns:podcast,attr"`
	NSContent string   `xml:"xmlns:content,attr"`
	NSAtom    string   `xml:"xmlns:atom,attr"`
	NSPSC     string   `xml:"xmlns:psc,attr"`
	Channel   *channel
}

// channel is the library's channel with the tags it lacks. Fields named like
// one of podcast.Podcast's win over it (encoding/xml keeps the shallower).
type channel struct {
	podcast.Podcast

	IType   string     `xml:"itunes:type,omitempty"`
	GUID    string     `xml:"podcast:guid,omitempty"`
	Locked  *locked    `xml:"podcast:locked,omitempty"`
	Medium  string     `xml:"podcast:medium,omitempty"`
	Persons []person   `xml:"podcast:person"`
	Funding *funding   `xml:"podcast:funding,omitempty"`
	License *license   `xml:"podcast:license,omitempty"`
	Items   itemWriter `xml:"item"`
}

type locked struct {
	Owner string `xml:"owner,attr,omitempty"`
	Value string `xml:",chardata"`
}

type person struct {
	Role  string `xml:"role,attr,omitempty"`
	Group string `xml:"group,attr,omitempty"`
	Img   string `xml:"img,attr,omitempty"`
	Href  string `xml:"href,attr,omitempty"`
	Name  string `xml:",chardata"`
}

type funding struct {
	URL  string `xml:"url,attr"`
	Text string `xml:",chardata"`
}

type license struct {
	URL  string `xml:"url,attr,omitempty"`
	Name string `xml:",chardata"`
}

// item is the library's item with the tags it lacks; guid and description
// replace the library's to add isPermaLink and CDATA.
type item struct {
	podcast.Item

	GUID         guid         `xml:"guid"`
	Description  cdata        `xml:"description"`
	Content      cdata        `xml:"content:encoded"`
	IEpisode     int          `xml:"itunes:episode,omitempty"`
	ISeason      int          `xml:"itunes:season,omitempty"`
	IEpisodeType string       `xml:"itunes:episodeType,omitempty"`
	Episode      int          `xml:"podcast:episode,omitempty"`
	Season       int          `xml:"podcast:season,omitempty"`
	Persons      []person     `xml:"podcast:person"`
	Transcripts  []transcript `xml:"podcast:transcript"`
	Chapters     *chapters    `xml:"podcast:chapters,omitempty"`
	PSC          *pscChapters `xml:"psc:chapters,omitempty"`
}

type guid struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type cdata struct {
	Text string `xml:",cdata"`
}

type transcript struct {
	URL      string `xml:"url,attr"`
	Type     string `xml:"type,attr"`
	Language string `xml:"language,attr,omitempty"`
	Rel      string `xml:"rel,attr,omitempty"`
}

type chapters struct {
	URL  string `xml:"url,attr"`
	Type string `xml:"type,attr"`
}

type pscChapters struct {
	Version  string       `xml:"version,attr"`
	Chapters []pscChapter `xml:"psc:chapter"`
}

type pscChapter struct {
	Start string `xml:"start,attr"`
	Title string `xml:"title,attr"`
	Href  string `xml:"href,attr,omitempty"`
	Image string `xml:"image,attr,omitempty"`
}
