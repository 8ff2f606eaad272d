package feed

import (
	"strconv"
	"unicode/utf8"

	"github.com/eduncan911/podcast"
)

// The items are most of a feed: 10,000 of them are some 36 MB, which
// encoding/xml takes half a second to write by reflection over the item
// structs. appendXML writes an item as encoding/xml, with Indent("", "  "),
// writes it inside <rss><channel>, byte for byte (TestItemXMLAsEncodingXML
// compares the two), field by field in the order of the struct tags.

// itemDepth is the depth of <item> in the document: <rss>, <channel>.
const itemDepth = 2

// appendXML appends it to b as encoding/xml would write it at itemDepth,
// starting with the newline before <item>.
func (it *item) appendXML(b []byte) []byte {
	const d = itemDepth + 1 // the item's elements
	b = appendIndent(b, itemDepth)
	b = append(b, "<item>"...)

	// podcast.Item's fields, but for its guid and description, which
	// item's own replace.
	p := &it.Item
	b = appendText(b, d, "title", p.Title)
	b = appendText(b, d, "link", p.Link)
	b = appendTextOmit(b, d, "author", p.AuthorFormatted)
	b = appendTextOmit(b, d, "category", p.Category)
	b = appendTextOmit(b, d, "comments", p.Comments)
	b = appendTextOmit(b, d, "source", p.Source)
	b = appendTextOmit(b, d, "pubDate", p.PubDateFormatted)
	if e := p.Enclosure; e != nil {
		b = appendStart(b, d, "enclosure")
		b = appendAttr(b, "url", e.URL)
		b = appendAttr(b, "length", e.LengthFormatted)
		b = appendAttr(b, "type", e.TypeFormatted)
		b = appendEmptyEnd(b, "enclosure")
	}
	b = appendTextOmit(b, d, "itunes:author", p.IAuthor)
	b = appendTextOmit(b, d, "itunes:subtitle", p.ISubtitle)
	if s := p.ISummary; s != nil {
		b = appendCDATA(b, d, "itunes:summary", s.Text)
	}
	b = appendIImage(b, d, p.IImage)
	b = appendTextOmit(b, d, "itunes:duration", p.IDuration)
	b = appendTextOmit(b, d, "itunes:explicit", p.IExplicit)
	b = appendTextOmit(b, d, "itunes:isClosedCaptioned", p.IIsClosedCaptioned)
	b = appendTextOmit(b, d, "itunes:order", p.IOrder)

	// item's own.
	b = appendStart(b, d, "guid")
	b = appendAttr(b, "isPermaLink", it.GUID.IsPermaLink)
	b = appendChardataEnd(b, "guid", it.GUID.Value)
	b = appendCDATA(b, d, "description", it.Description.Text)
	b = appendCDATA(b, d, "content:encoded", it.Content.Text)
	b = appendTextOmit(b, d, "itunes:title", it.ITitle)
	if it.IEpisode != 0 {
		b = appendInt(b, d, "itunes:episode", it.IEpisode)
	}
	if it.ISeason != 0 {
		b = appendInt(b, d, "itunes:season", it.ISeason)
	}
	b = appendTextOmit(b, d, "itunes:episodeType", it.IEpisodeType)
	b = appendTextOmit(b, d, "itunes:block", it.IBlock)
	if it.Episode != nil {
		b = appendInt(b, d, "podcast:episode", *it.Episode)
	}
	if s := it.Season; s != nil {
		b = appendStart(b, d, "podcast:season")
		b = appendAttrOmit(b, "name", s.Name)
		b = append(b, '>')
		b = strconv.AppendInt(b, int64(s.Number), 10)
		b = appendEnd(b, "podcast:season")
	}
	for i := range it.Persons {
		b = it.Persons[i].appendXML(b, d)
	}
	for _, s := range it.Soundbites {
		b = appendStart(b, d, "podcast:soundbite")
		b = appendAttr(b, "startTime", s.Start)
		b = appendAttr(b, "duration", s.Duration)
		b = appendChardataEnd(b, "podcast:soundbite", s.Title)
	}
	if l := it.Location; l != nil {
		b = appendStart(b, d, "podcast:location")
		b = appendAttrOmit(b, "geo", l.Geo)
		b = appendAttrOmit(b, "osm", l.OSM)
		b = appendChardataEnd(b, "podcast:location", l.Name)
	}
	for _, t := range it.Txt {
		b = appendStart(b, d, "podcast:txt")
		b = appendAttrOmit(b, "purpose", t.Purpose)
		b = appendChardataEnd(b, "podcast:txt", t.Value)
	}
	for _, a := range it.AltEnclosures {
		b = appendStart(b, d, "podcast:alternateEnclosure")
		b = appendAttr(b, "type", a.Type)
		if a.Length != 0 {
			b = appendAttr(b, "length", strconv.FormatInt(a.Length, 10))
		}
		b = appendAttrOmit(b, "bitrate", a.Bitrate)
		b = appendAttrOmit(b, "title", a.Title)
		b = appendAttrOmit(b, "lang", a.Lang)
		b = appendAttrOmit(b, "codecs", a.Codecs)
		if len(a.Sources) == 0 {
			b = appendEmptyEnd(b, "podcast:alternateEnclosure")
			continue
		}
		b = append(b, '>')
		for _, s := range a.Sources {
			b = appendStart(b, d+1, "podcast:source")
			b = appendAttr(b, "uri", s.URI)
			b = appendEmptyEnd(b, "podcast:source")
		}
		b = appendIndent(b, d)
		b = appendEnd(b, "podcast:alternateEnclosure")
	}
	for _, t := range it.Transcripts {
		b = appendStart(b, d, "podcast:transcript")
		b = appendAttr(b, "url", t.URL)
		b = appendAttr(b, "type", t.Type)
		b = appendAttrOmit(b, "language", t.Language)
		b = appendAttrOmit(b, "rel", t.Rel)
		b = appendEmptyEnd(b, "podcast:transcript")
	}
	if c := it.Chapters; c != nil {
		b = appendStart(b, d, "podcast:chapters")
		b = appendAttr(b, "url", c.URL)
		b = appendAttr(b, "type", c.Type)
		b = appendEmptyEnd(b, "podcast:chapters")
	}
	if c := it.PSC; c != nil {
		b = appendStart(b, d, "psc:chapters")
		b = appendAttr(b, "version", c.Version)
		if len(c.Chapters) == 0 {
			b = appendEmptyEnd(b, "psc:chapters")
		} else {
			b = append(b, '>')
			for _, ch := range c.Chapters {
				b = appendStart(b, d+1, "psc:chapter")
				b = appendAttr(b, "start", ch.Start)
				b = appendAttr(b, "title", ch.Title)
				b = appendAttrOmit(b, "href", ch.Href)
				b = appendAttrOmit(b, "image", ch.Image)
				b = appendEmptyEnd(b, "psc:chapter")
			}
			b = appendIndent(b, d)
			b = appendEnd(b, "psc:chapters")
		}
	}

	b = appendIndent(b, itemDepth)
	return appendEnd(b, "item")
}

func (p *person) appendXML(b []byte, depth int) []byte {
	b = appendStart(b, depth, "podcast:person")
	b = appendAttrOmit(b, "role", p.Role)
	b = appendAttrOmit(b, "group", p.Group)
	b = appendAttrOmit(b, "img", p.Img)
	b = appendAttrOmit(b, "href", p.Href)
	return appendChardataEnd(b, "podcast:person", p.Name)
}

func appendIImage(b []byte, depth int, img *podcast.IImage) []byte {
	if img == nil {
		return b
	}
	b = appendStart(b, depth, "itunes:image")
	b = appendAttr(b, "href", img.HREF)
	return appendEmptyEnd(b, "itunes:image")
}

// appendIndent starts a line at depth, as encoding/xml's Indent("", "  ")
// does before an element that is not the first thing written.
func appendIndent(b []byte, depth int) []byte {
	b = append(b, '\n')
	for range depth {
		b = append(b, "  "...)
	}
	return b
}

// appendStart opens an element on a line of its own, leaving its start
// tag open for attributes.
func appendStart(b []byte, depth int, name string) []byte {
	b = appendIndent(b, depth)
	b = append(b, '<')
	return append(b, name...)
}

func appendAttr(b []byte, name, value string) []byte {
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, `="`...)
	b = appendEscaped(b, value)
	return append(b, '"')
}

// appendAttrOmit is appendAttr of an attribute tagged omitempty.
func appendAttrOmit(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	return appendAttr(b, name, value)
}

func appendEnd(b []byte, name string) []byte {
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// appendEmptyEnd closes a start tag and the element, which holds nothing.
func appendEmptyEnd(b []byte, name string) []byte {
	b = append(b, '>')
	return appendEnd(b, name)
}

// appendChardataEnd closes a start tag, then writes the element's text
// and its end tag.
func appendChardataEnd(b []byte, name, text string) []byte {
	b = append(b, '>')
	b = appendEscaped(b, text)
	return appendEnd(b, name)
}

// appendText appends an element that holds text.
func appendText(b []byte, depth int, name, text string) []byte {
	b = appendStart(b, depth, name)
	return appendChardataEnd(b, name, text)
}

// appendTextOmit is appendText of a field tagged omitempty.
func appendTextOmit(b []byte, depth int, name, text string) []byte {
	if text == "" {
		return b
	}
	return appendText(b, depth, name, text)
}

func appendInt(b []byte, depth int, name string, n int) []byte {
	b = appendStart(b, depth, name)
	b = append(b, '>')
	b = strconv.AppendInt(b, int64(n), 10)
	return appendEnd(b, name)
}

// appendCDATA appends an element that holds text as CDATA, as
// encoding/xml writes a ",cdata" field: nothing when empty, and a "]]>" in
// the text split between two sections. The text is written as it is:
// clean has dropped what XML cannot carry.
func appendCDATA(b []byte, depth int, name, text string) []byte {
	b = appendStart(b, depth, name)
	b = append(b, '>')
	if text != "" {
		b = append(b, "<![CDATA["...)
		for {
			i := indexCDATAEnd(text)
			if i < 0 {
				break
			}
			b = append(b, text[:i]...)
			b = append(b, "]]]]><![CDATA[>"...)
			text = text[i+len("]]>"):]
		}
		b = append(b, text...)
		b = append(b, "]]>"...)
	}
	return appendEnd(b, name)
}

func indexCDATAEnd(s string) int {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == ']' && s[i+1] == ']' && s[i+2] == '>' {
			return i
		}
	}
	return -1
}

// appendEscaped appends s escaped as encoding/xml escapes text and
// attribute values: the five markup characters, tab and line ends as
// character references, and U+FFFD for what is not an XML character or
// not UTF-8.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		width := 1
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\t':
				esc = "&#x9;"
			case '\n':
				esc = "&#xA;"
			case '\r':
				esc = "&#xD;"
			default:
				if c < 0x20 {
					esc = "\uFFFD"
				} else {
					i++
					continue
				}
			}
		} else {
			r, w := utf8.DecodeRuneInString(s[i:])
			width = w
			if r == utf8.RuneError && w == 1 || !isXMLChar(r) {
				esc = "\uFFFD"
			} else {
				i += w
				continue
			}
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}
