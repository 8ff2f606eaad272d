// Package site writes a show's pages beyond the episodes': the home page
// (index.html: cover, description, hosts, the episodes, and how to
// subscribe) and the XSL stylesheet that shows the RSS feed as a page when
// a browser opens it.
//
//	err := site.WriteIndex(w, site.Show{Title: "…", FeedURL: "https://…/feed.xml", …})
package site

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strings"
	"time"
)

// Show is what the home page shows.
type Show struct {
	Title, Description, Author string
	Language                   string // BCP 47; "zh…" labels the page in Chinese
	Link                       string // the show's own website, if any
	CoverURL                   string // relative to the page
	AbsCoverURL                string // absolute, for Open Graph and schema.org
	FeedURL                    string // absolute: apps subscribe to it
	SelfURL                    string // the home page's absolute URL
	Hosts                      []string
	Episodes                   []Episode // newest first
	// Earlier is how many episodes, older than Episodes, the page does
	// not list: it links the feed, which lists every one.
	Earlier int
}

// Episode is one entry of the home page's list.
type Episode struct {
	Title, URL  string // URL relative to the page
	Date        time.Time
	Description string
	Number      int
	Duration    time.Duration
}

// XSLKey is the object key of the feed's stylesheet, beside the feed.
const XSLKey = "feed.xsl"

var (
	//go:embed index.html
	indexHTML string
	//go:embed index.js
	indexJS string
	//go:embed feed.xsl
	feedXSL []byte

	index      = template.Must(template.New("index").Parse(indexHTML))
	scriptHash = func() string {
		sum := sha256.Sum256([]byte(indexJS))
		return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	}()
)

// FeedXSL is the stylesheet (XSLT 1.0, which browsers run) that renders
// the feed as a page: a browser that opens feed.xml shows the show, its
// episodes and how to subscribe, instead of raw XML.
func FeedXSL() []byte { return feedXSL }

type appLink struct {
	Name string
	URL  template.URL // app schemes (podcast:, overcast:) that html/template would refuse; built from an http(s) feed URL
}

type labels struct {
	Subscribe, Copy, Copied, FeedHelp, Hosts, Episodes, Apps, Website string
	Earlier                                                           string // a format of the count of episodes not listed
}

var (
	enLabels = labels{Subscribe: "Subscribe", Copy: "Copy", Copied: "Copied", Hosts: "Hosts", Episodes: "Episodes",
		FeedHelp: "Paste this address into any podcast app:", Apps: "Open in an app", Website: "Website",
		Earlier: "%d earlier episodes: all in the feed"}
	zhLabels = labels{Subscribe: "訂閱", Copy: "複製", Copied: "已複製", Hosts: "主持人", Episodes: "單集",
		FeedHelp: "把這個網址貼到任何一個 Podcast App：", Apps: "用 App 開啟", Website: "網站",
		Earlier: "還有 %d 集較早的單集：全部都在 RSS 裡"}
)

type view struct {
	Show
	Lang       string
	Apps       []appLink
	L          labels
	JS         template.JS
	ScriptHash string
	JSONLD     template.JS
	Eps        []episodeView
	Earlier    string
}

type episodeView struct {
	Episode
	DateISO, DateText, Length string
}

// WriteIndex writes the show's home page.
func WriteIndex(w io.Writer, s Show) error {
	v := view{Show: s, Lang: s.Language, JS: template.JS(indexJS), ScriptHash: scriptHash, L: enLabels}
	if v.Lang == "" {
		v.Lang = "en"
	}
	zh := strings.HasPrefix(strings.ToLower(v.Lang), "zh")
	if zh {
		v.L = zhLabels
	}
	v.Apps = AppLinks(s.FeedURL)
	for _, e := range s.Episodes {
		ev := episodeView{Episode: e}
		if !e.Date.IsZero() {
			ev.DateISO = e.Date.Format("2006-01-02")
			ev.DateText = e.Date.Format("January 2, 2006")
			if zh {
				ev.DateText = fmt.Sprintf("%d年%d月%d日", e.Date.Year(), e.Date.Month(), e.Date.Day())
			}
		}
		if e.Duration > 0 {
			ev.Length = fmt.Sprintf("%d min", int(e.Duration.Round(time.Minute).Minutes()))
			if e.Duration < time.Minute {
				ev.Length = fmt.Sprintf("%d s", int(e.Duration.Seconds()))
			}
		}
		v.Eps = append(v.Eps, ev)
	}
	if s.Earlier > 0 {
		v.Earlier = fmt.Sprintf(v.L.Earlier, s.Earlier)
	}
	ld := map[string]any{"@context": "https://schema.org", "@type": "PodcastSeries", "name": s.Title, "description": s.Description, "webFeed": s.FeedURL}
	if s.SelfURL != "" {
		ld["url"] = s.SelfURL
	}
	if s.AbsCoverURL != "" {
		ld["image"] = s.AbsCoverURL
	}
	if s.Author != "" {
		ld["author"] = map[string]any{"@type": "Person", "name": s.Author}
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	v.JSONLD = template.JS(b)
	if err := index.Execute(w, v); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	return nil
}

// AppLinks are the subscribe links podcast apps register for a feed URL:
// each opens the app on the show.
func AppLinks(feedURL string) []appLink {
	u, err := url.Parse(feedURL)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return nil
	}
	bare := u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		bare += "?" + u.RawQuery
	}
	q := url.QueryEscape(feedURL)
	return []appLink{
		{"Apple Podcasts", template.URL("podcast://" + bare)},
		{"Overcast", template.URL("overcast://x-callback-url/add?url=" + q)},
		{"Pocket Casts", template.URL("pktc://subscribe/" + bare)},
		{"AntennaPod", template.URL("https://antennapod.org/deeplink/subscribe?url=" + q)},
		{"Podcast Addict", template.URL("podcastaddict://" + bare)},
		{"Castro", template.URL("castros://subscribe/" + bare)},
		{"RSS", template.URL(u.String())},
	}
}
