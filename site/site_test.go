package site

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func TestWriteIndex(t *testing.T) {
	var b bytes.Buffer
	err := WriteIndex(&b, Show{
		Title: `A <b>show</b> & "friends"`, Description: "About things.", Language: "en",
		CoverURL: "cover-0123456789ab.jpg", FeedURL: "https://cdn.example.org/show/feed.xml", SelfURL: "https://cdn.example.org/show/index.html",
		Hosts:    []string{"Ann", "Bo"},
		Episodes: []Episode{{Title: "Two", URL: "episodes/02-two.html", Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Number: 2, Duration: 30 * time.Minute}},
	})
	if err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<title>A &lt;b&gt;show&lt;/b&gt; &amp; &#34;friends&#34;</title>`,
		`<link rel="alternate" type="application/rss+xml"`,
		`<input id="feed-url" type="url" readonly value="https://cdn.example.org/show/feed.xml">`,
		`<a href="podcast://cdn.example.org/show/feed.xml">Apple Podcasts</a>`,
		`<a href="overcast://x-callback-url/add?url=https%3A%2F%2Fcdn.example.org%2Fshow%2Ffeed.xml">Overcast</a>`,
		`<a href="episodes/02-two.html">Two</a>`,
		`#2 · <time datetime="2026-01-02">January 2, 2026</time> · 30 min`,
		`"@type":"PodcastSeries"`,
		`Hosts: Ann, Bo`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("home page lacks %s", want)
		}
	}
	if strings.Contains(page, "<b>show") || strings.Contains(page, "ZgotmplZ") {
		t.Errorf("home page has unescaped or refused content:\n%s", page)
	}
}

// TestWriteIndexEarlier: a page that lists only the newest episodes says
// how many it leaves to the feed, and links it; one that lists them all
// says nothing of the kind.
func TestWriteIndexEarlier(t *testing.T) {
	for _, tc := range []struct {
		lang    string
		earlier int
		want    string
	}{
		{"en", 9900, `<p class="earlier"><a href="https://cdn.example.org/show/feed.xml">9900 earlier episodes: all in the feed</a></p>`},
		{"zh-TW", 3, `<p class="earlier"><a href="https://cdn.example.org/show/feed.xml">還有 3 集較早的單集：全部都在 RSS 裡</a></p>`},
		{"en", 0, ""},
	} {
		var b bytes.Buffer
		err := WriteIndex(&b, Show{Title: "Show", Language: tc.lang, FeedURL: "https://cdn.example.org/show/feed.xml", Earlier: tc.earlier,
			Episodes: []Episode{{Title: "Two", URL: "episodes/02-two.html"}}})
		if err != nil {
			t.Fatal(err)
		}
		if page := b.String(); tc.want == "" && strings.Contains(page, `class="earlier"`) {
			t.Errorf("%s, none earlier: the page says some are", tc.lang)
		} else if !strings.Contains(page, tc.want) {
			t.Errorf("%s, %d earlier: the page lacks %s", tc.lang, tc.earlier, tc.want)
		}
	}
}

func TestAppLinksOnlyForHTTP(t *testing.T) {
	if l := AppLinks("javascript:alert(1)"); l != nil {
		t.Errorf("AppLinks of a javascript: URL = %v", l)
	}
	if l := AppLinks("http://127.0.0.1:8080/feed.xml"); len(l) == 0 || l[0].URL != "podcast://127.0.0.1:8080/feed.xml" {
		t.Errorf("AppLinks = %v", l)
	}
}

func TestFeedXSLIsXML(t *testing.T) {
	d := xml.NewDecoder(bytes.NewReader(FeedXSL()))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("feed.xsl: %v", err)
			}
			break
		}
	}
}
