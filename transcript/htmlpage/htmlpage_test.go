package htmlpage_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/htmlpage"
)

func small() *transcript.Transcript {
	return &transcript.Transcript{
		Title:    `Ep <1> & "quotes"`,
		Language: "en",
		Hosts:    []transcript.Person{{Name: "<b>Host</b>", Role: "host"}},
		Sections: []transcript.Section{{Title: "Intro</h3><script>x()</script>", Level: 2, Unit: 0}},
		Units: []transcript.Unit{
			{Speaker: `Ann"><script>bad()</script>`, Text: "hello <script>alert(1)</script>", HTML: `hello <script>alert(1)</script><a href="javascript:evil()">x</a> <em>ok</em>`, Start: 0, End: 2 * time.Second},
			{Kind: transcript.Cue, Text: "music", Start: 2 * time.Second, End: 3 * time.Second},
			{Speaker: `Ann"><script>bad()</script>`, Text: "more", Start: 3 * time.Second, End: 4500 * time.Millisecond},
		},
		Links:     []transcript.Link{{Rel: "prev", Title: "« prev", Target: "./00-x.md", Slug: "00-x"}, {Rel: "next", Title: "next »", Target: "./02-y.md", Slug: "02-y"}},
		NotesHTML: `<p>Notes <img src=x onerror=alert(1)> <a href="https://example.com" onclick="x()">link</a></p>`,
		Timing:    transcript.Estimated,
	}
}

func TestWriteEscapes(t *testing.T) {
	var b bytes.Buffer
	err := htmlpage.Write(&b, small(), htmlpage.Options{
		AudioURL: "javascript:alert(1)",
		PageURL:  func(slug string) string { return "/episodes/" + slug + "/" },
		Chapters: []transcript.ChapterMark{{Start: 0, Title: "Start"}, {Start: 3 * time.Second, Title: "<i>Later</i>"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script>alert", "<script>bad", "<script>x()", "javascript:", "onclick=", "<img", "<b>Host", "<i>Later", "hidden", ".md"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, good := range []string{
		`<html lang="en">`,
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"<em>ok</em>",
		"&lt;img src=x onerror=alert(1)&gt;",
		`<a href="https://example.com">link</a>`,
		`href="/episodes/00-x/"`, `href="/episodes/02-y/"`,
		`<time datetime="PT3S">00:03</time>`,
		`<p class="cue" id="u2" data-start="2">`,
		"&lt;i&gt;Later&lt;/i&gt;",
		"Times in this transcript are estimated",
		"<title>Ep &lt;1&gt; &amp; &#34;quotes&#34;</title>",
	} {
		if !strings.Contains(page, good) {
			t.Errorf("page lacks %q", good)
		}
	}
	// The speaker is named at the change only.
	if n := strings.Count(page, "<cite>"); n != 1 {
		t.Errorf("%d <cite>s, want 1", n)
	}
}

func TestWriteUntimed(t *testing.T) {
	tr := small()
	tr.Timing = transcript.Untimed
	var b bytes.Buffer
	if err := htmlpage.Write(&b, tr, htmlpage.Options{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(page, "<time datetime=\"PT") || strings.Contains(page, "<audio") || strings.Contains(page, "estimated") {
		t.Errorf("untimed page without audio has times, a player or an estimate note")
	}
	if !strings.Contains(page, `href="./00-x.html"`) {
		t.Errorf("default page URL missing")
	}
}
