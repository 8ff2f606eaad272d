package feed

import (
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/podpipe/podpipe/rules"
)

// checkChannelTags checks the channel's optional tags a producer sets:
// itunes:block, complete and new-feed-url, the WebSub hub, location, txt,
// updateFrequency, trailers and the podroll.
func (v *validator) checkChannelTags(ch *node, self string) {
	for _, tag := range []string{"block", "complete"} {
		if n := ch.one(NSiTunes, tag); n != nil {
			v.checkYes(n)
		}
	}
	if n := ch.one(NSiTunes, "new-feed-url"); n != nil {
		if v.checkURL(n, n.Text(), false) && self != "" && n.Text() == self {
			v.errorf(n, "is the feed's own URL (atom:link rel=\"self\"): apps would move to where they are")
		}
	}
	hubs := 0
	for _, l := range ch.all(NSAtom, "link") {
		if l.attrOr("rel") == "hub" {
			hubs++
			v.checkURL(l, l.attrOr("href"), false)
		}
	}
	if hubs > 0 && self == "" {
		v.errorf(ch, "names a WebSub hub but no <atom:link rel=\"self\">: subscribers cannot tell the hub which feed they want")
	}
	v.checkLocation(ch)
	v.checkTxt(ch)
	if n := ch.one(NSPodcast, "updateFrequency"); n != nil {
		if err := rules.CheckShortText("text", n.Text()); err != nil {
			v.errorf(n, "%v", err)
		}
		if r, ok := n.get("rrule"); ok {
			if err := rules.CheckRRule(r); err != nil {
				v.errorf(n, "rrule: %v", err)
			}
		}
		if c, ok := n.get("complete"); ok && c != "true" && c != "false" {
			v.errorf(n, "complete %q is not true or false", c)
		}
		if d, ok := n.get("dtstart"); ok {
			if _, err := time.Parse(time.RFC3339, d); err != nil {
				v.errorf(n, "dtstart %q is not an ISO 8601 date-time such as 2025-09-22T08:00:00Z", d)
			}
		}
	}
	for _, n := range ch.all(NSPodcast, "trailer") {
		if err := rules.CheckShortText("title", n.Text()); err != nil {
			v.errorf(n, "%v", err)
		}
		if u, ok := n.get("url"); !ok {
			v.errorf(n, "has no url")
		} else {
			v.checkURL(n, u, true)
		}
		if d, ok := n.get("pubdate"); !ok {
			v.errorf(n, "has no pubdate")
		} else if _, err := mail.ParseDate(d); err != nil {
			v.errorf(n, "pubdate %q is not an RFC 2822 date such as Mon, 02 Jan 2006 15:04:05 +0000", d)
		}
		if l, ok := n.get("length"); ok {
			if x, err := strconv.ParseInt(l, 10, 64); err != nil || x < 0 {
				v.errorf(n, "length %q is not a number of bytes", l)
			}
		} else {
			v.warnf(n, "has no length (recommended)")
		}
		if t, ok := n.get("type"); ok {
			if err := rules.CheckMediaType(t); err != nil {
				v.errorf(n, "type: %v", err)
			}
		} else {
			v.warnf(n, "has no type (recommended)")
		}
		if s, ok := n.get("season"); ok {
			if x, err := strconv.ParseInt(s, 10, 64); err != nil {
				v.errorf(n, "season %q is not an integer", s)
			} else if err := rules.CheckSeason(x); err != nil {
				v.errorf(n, "%v", err)
			}
		}
	}
	rolls := ch.all(NSPodcast, "podroll")
	if len(rolls) > 1 {
		v.errorf(rolls[1], "a second <podcast:podroll>: a channel has at most one")
	}
	for _, r := range rolls {
		items := r.all(NSPodcast, "remoteItem")
		if len(items) == 0 {
			v.errorf(r, "has no <podcast:remoteItem>")
		}
		for _, it := range items {
			it.where = r.where + " <podcast:remoteItem>"
			g := it.attrOr("feedGuid")
			if _, err := uuid.Parse(g); err != nil || len(g) != 36 {
				v.errorf(it, "feedGuid %q is not a podcast:guid (a UUID)", g)
			}
			if u, ok := it.get("feedUrl"); ok {
				v.checkURL(it, u, true)
			}
			if m, ok := it.get("medium"); ok {
				if err := rules.CheckMedium(m); err != nil {
					v.errorf(it, "%v", err)
				}
			}
		}
	}
}

// checkItemTags checks the item's optional tags a producer sets.
func (v *validator) checkItemTags(it *node) {
	if n := it.one(NSiTunes, "title"); n != nil && n.Text() == "" {
		v.errorf(n, "is empty")
	}
	if n := it.one(NSiTunes, "block"); n != nil {
		v.checkYes(n)
	}
	if n := it.one(NSPodcast, "season"); n != nil {
		if name, ok := n.get("name"); ok {
			if err := rules.CheckShortText("name", name); err != nil {
				v.errorf(n, "%v", err)
			}
		}
	}
	duration := 0.0
	if n := it.one(NSiTunes, "duration"); n != nil {
		duration, _ = strconv.ParseFloat(n.Text(), 64)
	}
	for _, n := range it.all(NSPodcast, "soundbite") {
		start, err1 := strconv.ParseFloat(n.attrOr("startTime"), 64)
		length, err2 := strconv.ParseFloat(n.attrOr("duration"), 64)
		switch {
		case err1 != nil:
			v.errorf(n, "startTime %q is not seconds", n.attrOr("startTime"))
		case err2 != nil:
			v.errorf(n, "duration %q is not seconds", n.attrOr("duration"))
		default:
			if err := rules.CheckSoundbite(start, length, duration); err != nil {
				v.errorf(n, "%v", err)
			}
		}
		if t := n.Text(); t != "" {
			if err := rules.CheckShortText("title", t); err != nil {
				v.errorf(n, "%v", err)
			}
		}
	}
	v.checkLocation(it)
	v.checkTxt(it)
	for _, n := range it.all(NSPodcast, "alternateEnclosure") {
		if err := rules.CheckMediaType(n.attrOr("type")); err != nil {
			v.errorf(n, "type: %v", err)
		}
		if l, ok := n.get("length"); !ok {
			v.warnf(n, "has no length (recommended): apps skip it")
		} else if x, err := strconv.ParseInt(l, 10, 64); err != nil || x <= 0 {
			v.errorf(n, "length %q is not a number of bytes", l)
		}
		if b, ok := n.get("bitrate"); ok {
			if x, err := strconv.ParseFloat(b, 64); err != nil || x <= 0 {
				v.errorf(n, "bitrate %q is not bits per second", b)
			}
		}
		if l, ok := n.get("lang"); ok {
			if err := rules.CheckLanguage(l); err != nil {
				v.errorf(n, "lang: %v", err)
			}
		}
		srcs := n.all(NSPodcast, "source")
		if len(srcs) == 0 {
			v.errorf(n, "has no <podcast:source>: apps have nothing to play")
		}
		for _, s := range srcs {
			s.where = n.where + " <podcast:source>"
			if u, ok := s.get("uri"); !ok {
				v.errorf(s, "has no uri")
			} else if strings.HasPrefix(u, "http") {
				v.checkURL(s, u, true)
			}
		}
	}
}

// checkYes checks itunes:block and itunes:complete, which Apple reads
// only as "Yes"; anything else is taken as no.
func (v *validator) checkYes(n *node) {
	if t := n.Text(); t != "Yes" && !strings.EqualFold(t, "no") {
		v.warnf(n, "%q is taken as no: Apple reads only Yes", t)
	}
}

func (v *validator) checkLocation(parent *node) {
	locs := parent.all(NSPodcast, "location")
	if len(locs) > 1 {
		v.errorf(locs[1], "a second <podcast:location>: at most one")
	}
	for _, n := range locs {
		if err := rules.CheckShortText("name", n.Text()); err != nil {
			v.errorf(n, "%v", err)
		}
		if g, ok := n.get("geo"); ok {
			if err := rules.CheckGeo(g); err != nil {
				v.errorf(n, "geo: %v", err)
			}
		}
		if o, ok := n.get("osm"); ok {
			if err := rules.CheckOSM(o); err != nil {
				v.errorf(n, "osm: %v", err)
			}
		}
	}
}

func (v *validator) checkTxt(parent *node) {
	for _, n := range parent.all(NSPodcast, "txt") {
		if err := rules.CheckTxt(n.attrOr("purpose"), n.Text()); err != nil {
			v.errorf(n, "%v", err)
		}
	}
}
