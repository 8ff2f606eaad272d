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

	AtomLinks       []atomLink       `xml:"atom:link"`
	IType           string           `xml:"itunes:type,omitempty"`
	GUID            string           `xml:"podcast:guid,omitempty"`
	Locked          *locked          `xml:"podcast:locked,omitempty"`
	Medium          string           `xml:"podcast:medium,omitempty"`
	Persons         []person         `xml:"podcast:person"`
	Funding         *funding         `xml:"podcast:funding,omitempty"`
	License         *license         `xml:"podcast:license,omitempty"`
	Location        *location        `xml:"podcast:location,omitempty"`
	Txt             []txt            `xml:"podcast:txt"`
	UpdateFrequency *updateFrequency `xml:"podcast:updateFrequency,omitempty"`
	Trailers        []trailer        `xml:"podcast:trailer"`
	Podroll         *podroll         `xml:"podcast:podroll,omitempty"`
	Items           itemWriter       `xml:"item"`
}

// atomLink is atom:link: the feed's own URL (rel="self"), and the WebSub
// hub apps subscribe to for pushed updates (rel="hub"). It replaces the
// library's single AtomLink, whose element name it shares.
type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type location struct {
	Geo  string `xml:"geo,attr,omitempty"`
	OSM  string `xml:"osm,attr,omitempty"`
	Name string `xml:",chardata"`
}

type txt struct {
	Purpose string `xml:"purpose,attr,omitempty"`
	Value   string `xml:",chardata"`
}

type updateFrequency struct {
	Complete string `xml:"complete,attr,omitempty"`
	DTStart  string `xml:"dtstart,attr,omitempty"`
	RRule    string `xml:"rrule,attr,omitempty"`
	Text     string `xml:",chardata"`
}

type trailer struct {
	URL     string `xml:"url,attr"`
	PubDate string `xml:"pubdate,attr"`
	Length  int64  `xml:"length,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Season  int    `xml:"season,attr,omitempty"`
	Title   string `xml:",chardata"`
}

type podroll struct {
	Items []remoteItem `xml:"podcast:remoteItem"`
}

type remoteItem struct {
	FeedGUID string `xml:"feedGuid,attr"`
	FeedURL  string `xml:"feedUrl,attr,omitempty"`
	Medium   string `xml:"medium,attr,omitempty"`
}

type soundbite struct {
	Start    string `xml:"startTime,attr"`
	Duration string `xml:"duration,attr"`
	Title    string `xml:",chardata"`
}

type season struct {
	Name   string `xml:"name,attr,omitempty"`
	Number int    `xml:",chardata"`
}

type altEnclosure struct {
	Type    string      `xml:"type,attr"`
	Length  int64       `xml:"length,attr,omitempty"`
	Bitrate string      `xml:"bitrate,attr,omitempty"`
	Title   string      `xml:"title,attr,omitempty"`
	Lang    string      `xml:"lang,attr,omitempty"`
	Codecs  string      `xml:"codecs,attr,omitempty"`
	Sources []altSource `xml:"podcast:source"`
}

type altSource struct {
	URI string `xml:"uri,attr"`
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

	GUID          guid           `xml:"guid"`
	Description   cdata          `xml:"description"`
	Content       cdata          `xml:"content:encoded"`
	ITitle        string         `xml:"itunes:title,omitempty"`
	IEpisode      int            `xml:"itunes:episode,omitempty"`
	ISeason       int            `xml:"itunes:season,omitempty"`
	IEpisodeType  string         `xml:"itunes:episodeType,omitempty"`
	IBlock        string         `xml:"itunes:block,omitempty"`
	Episode       *int           `xml:"podcast:episode,omitempty"`
	Season        *season        `xml:"podcast:season,omitempty"`
	Persons       []person       `xml:"podcast:person"`
	Soundbites    []soundbite    `xml:"podcast:soundbite"`
	Location      *location      `xml:"podcast:location,omitempty"`
	Txt           []txt          `xml:"podcast:txt"`
	AltEnclosures []altEnclosure `xml:"podcast:alternateEnclosure"`
	Transcripts   []transcript   `xml:"podcast:transcript"`
	Chapters      *chapters      `xml:"podcast:chapters,omitempty"`
	PSC           *pscChapters   `xml:"psc:chapters,omitempty"`
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
