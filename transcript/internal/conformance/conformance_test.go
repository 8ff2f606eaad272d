package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astisub"
	xhtml "golang.org/x/net/html"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/formats"
	"github.com/podpipe/podpipe/transcript/htmlpage"
	"github.com/podpipe/podpipe/transcript/internal/ttest"
	"github.com/podpipe/podpipe/transcript/markdown"
	"github.com/podpipe/podpipe/transcript/pijson"
	"github.com/podpipe/podpipe/transcript/plaintext"
	"github.com/podpipe/podpipe/transcript/srt"
	"github.com/podpipe/podpipe/transcript/webvtt"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const duration = 48*time.Minute + 30*time.Second

func sample(t *testing.T) *transcript.Transcript {
	t.Helper()
	src, err := os.ReadFile("../../testdata/talk.md")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := markdown.Parse("talk.md", src)
	if err != nil {
		t.Fatal(err)
	}
	if err := (transcript.Proportional{}).Time(context.Background(), tr, transcript.Audio{Duration: duration}); err != nil {
		t.Fatal(err)
	}
	return tr
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file; run go test -update and review the diff", name)
	}
}

func TestAllFormats(t *testing.T) {
	tr := sample(t)
	write := map[string]func(*bytes.Buffer) error{
		"talk.vtt":  func(b *bytes.Buffer) error { return webvtt.Write(b, tr) },
		"talk.srt":  func(b *bytes.Buffer) error { return srt.Write(b, tr) },
		"talk.json": func(b *bytes.Buffer) error { return pijson.Write(b, tr) },
		"talk.txt":  func(b *bytes.Buffer) error { return plaintext.Write(b, tr) },
		"talk.html": func(b *bytes.Buffer) error {
			return htmlpage.Write(b, tr, htmlpage.Options{AudioURL: "talk.mp3", ShowTitle: "工程師的午餐時間"})
		},
	}
	out := map[string][]byte{}
	for name, w := range write {
		var b bytes.Buffer
		if err := w(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b.Bytes()
		golden(t, name, b.Bytes())
	}

	t.Run("vtt", func(t *testing.T) {
		subs, err := astisub.ReadFromWebVTT(bytes.NewReader(out["talk.vtt"]))
		if err != nil {
			t.Fatalf("astisub: %v", err)
		}
		checkItems(t, subs, 40)
		voices := map[string]bool{}
		for _, it := range subs.Items {
			for _, l := range it.Lines {
				if l.VoiceName != "" {
					voices[l.VoiceName] = true
				}
			}
		}
		for _, s := range tr.Speakers() {
			if !voices[s] {
				t.Errorf("astisub found no voice %q", s)
			}
		}
		readBack(t, "talk.vtt", out["talk.vtt"], tr)
	})
	t.Run("srt", func(t *testing.T) {
		subs, err := astisub.ReadFromSRT(bytes.NewReader(out["talk.srt"]))
		if err != nil {
			t.Fatalf("astisub: %v", err)
		}
		checkItems(t, subs, 32)
		// SRT has nowhere to say that the times are estimated.
		srtTr := *tr
		srtTr.Timing = transcript.Source
		readBack(t, "talk.srt", out["talk.srt"], &srtTr)
	})
	t.Run("json", func(t *testing.T) {
		var doc struct {
			Version  string `json:"version"`
			Timing   string `json:"timing"`
			Segments []struct {
				Speaker   *string  `json:"speaker"`
				StartTime *float64 `json:"startTime"`
				EndTime   *float64 `json:"endTime"`
				Body      *string  `json:"body"`
			} `json:"segments"`
		}
		dec := json.NewDecoder(bytes.NewReader(out["talk.json"]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		if doc.Version != "1.0.0" || doc.Timing != "estimated" || len(doc.Segments) < len(tr.Units) {
			t.Fatalf("version %q timing %q, %d segments", doc.Version, doc.Timing, len(doc.Segments))
		}
		prev := 0.0
		for i, s := range doc.Segments {
			if s.StartTime == nil || s.EndTime == nil || s.Body == nil || *s.Body == "" {
				t.Fatalf("segment %d lacks a field", i)
			}
			if *s.StartTime < prev || *s.EndTime <= *s.StartTime {
				t.Errorf("segment %d: %v..%v after %v", i, *s.StartTime, *s.EndTime, prev)
			}
			prev = *s.EndTime
		}
		if prev != duration.Seconds() {
			t.Errorf("segments end at %v", prev)
		}
		readBack(t, "talk.json", out["talk.json"], tr)
	})
	t.Run("html", func(t *testing.T) { checkHTML(t, out["talk.html"], tr) })
	t.Run("txt", func(t *testing.T) {
		txt := string(out["talk.txt"])
		if !strings.HasPrefix(txt, tr.Title+"\n") {
			t.Errorf("text does not start with the title")
		}
		for _, u := range tr.Units {
			if !strings.Contains(txt, u.Text) {
				t.Errorf("text lacks line %d: %q", u.Line, u.Text)
			}
		}
		for _, s := range tr.Speakers() {
			if !strings.Contains(txt, "\n"+s+"：") {
				t.Errorf("text never names %s", s)
			}
		}
		if strings.Contains(txt, ".md") && strings.Contains(txt, "上一篇") {
			t.Errorf("navigation links in the text")
		}
	})
}

// checkItems checks what astisub read: cues in order, never overlapping,
// never empty, at most two lines of at most cols columns, ending at the
// audio's end. The sample has no word too long for a line, and runs like
// "subscription、billing、shipping" break after the full-width punctuation.
func checkItems(t *testing.T, subs *astisub.Subtitles, cols int) {
	t.Helper()
	var prev time.Duration
	for i, it := range subs.Items {
		if it.StartAt < prev || it.EndAt <= it.StartAt {
			t.Errorf("cue %d: %v --> %v after %v", i, it.StartAt, it.EndAt, prev)
		}
		prev = it.EndAt
		n := 0
		for _, l := range it.Lines {
			s := l.String()
			if s == "" {
				continue
			}
			n++
			if transcript.Width(s) > cols {
				t.Errorf("cue %d: line %q is %d columns", i, s, transcript.Width(s))
			}
		}
		if n == 0 || n > 2 {
			t.Errorf("cue %d has %d lines", i, n)
		}
	}
	if prev != duration {
		t.Errorf("last cue ends at %v, want %v", prev, duration)
	}
}

// readBack reads an output with formats.Read (so by content) and checks that
// it is the transcript that was written.
func readBack(t *testing.T, name string, data []byte, want *transcript.Transcript) {
	t.Helper()
	got, err := formats.Read(name, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := ttest.Equivalent(want, got); err != nil {
		t.Error(err)
	}
}

var durationRE = regexp.MustCompile(`^PT\d+(\.\d{1,3})?S$`)

// checkHTML parses the page with x/net/html and checks its structure.
func checkHTML(t *testing.T, page []byte, tr *transcript.Transcript) {
	doc, err := xhtml.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var (
		lang, title   string
		scripts       int
		turns, cites  int
		times, cues   int
		landmarks     = map[string]bool{}
		hrefs         []string
		text          strings.Builder
		styles, links int
	)
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.TextNode {
			text.WriteString(n.Data)
		}
		if n.Type == xhtml.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
			}
			switch n.Data {
			case "html":
				lang = attr["lang"]
			case "title":
				title = n.FirstChild.Data
			case "script":
				scripts++
				if attr["src"] != "" {
					t.Errorf("external script %s", attr["src"])
				}
			case "link":
				if attr["rel"] == "stylesheet" {
					links++
				}
			case "style":
				styles++
			case "header", "main", "footer", "nav", "article":
				landmarks[n.Data] = true
			case "p":
				switch {
				case strings.Contains(attr["class"], "turn"):
					turns++
				case attr["class"] == "cue":
					cues++
				}
			case "cite":
				cites++
			case "time":
				if !strings.HasPrefix(attr["datetime"], "20") {
					times++
					if !durationRE.MatchString(attr["datetime"]) {
						t.Errorf("time datetime %q is not a duration", attr["datetime"])
					}
				}
			case "a":
				hrefs = append(hrefs, attr["href"])
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	speech, cueUnits, changes := 0, 0, 0
	last := ""
	for _, u := range tr.Units {
		if u.Kind == transcript.Cue {
			cueUnits++
			continue
		}
		speech++
		if u.Speaker != last {
			changes++
		}
		last = u.Speaker
	}
	if lang != "zh-TW" || !strings.HasPrefix(title, tr.Title) {
		t.Errorf("lang %q title %q", lang, title)
	}
	if scripts != 1 || styles != 1 || links != 0 {
		t.Errorf("%d scripts, %d styles, %d stylesheet links: want the page's own script and style only", scripts, styles, links)
	}
	for _, l := range []string{"header", "main", "footer", "nav", "article"} {
		if !landmarks[l] {
			t.Errorf("no <%s>", l)
		}
	}
	if turns != speech || cues != cueUnits || cites != changes || times != len(tr.Units) {
		t.Errorf("%d turns, %d cues, %d cites, %d times; want %d, %d, %d, %d", turns, cues, cites, times, speech, cueUnits, changes, len(tr.Units))
	}
	body := text.String()
	if !strings.Contains(body, `<script>alert("逐字稿被攻擊了")</script>`) {
		t.Errorf("the quoted <script> is not shown as text")
	}
	for _, h := range hrefs {
		if strings.HasSuffix(h, ".md") {
			t.Errorf("link to a source file %q", h)
		}
	}
	for _, want := range []string{"./11-database-index-myths.html", "./13-observability-101.html"} {
		if !strings.Contains(strings.Join(hrefs, " "), want) {
			t.Errorf("no link to %s", want)
		}
	}
}

// TestSniff checks that formats.Detect tells each format by its content, whatever
// the name says.
func TestSniff(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"a.txt", "WEBVTT\n\n00:00.000 --> 00:01.000\nx\n", formats.VTT},
		{"a.txt", "\uFEFF1\n00:00:00,000 --> 00:00:01,000\nx\n", formats.SRT},
		{"a.vtt", "1\r\n00:00:00,000 --> 00:00:01,000\r\nx\r\n", formats.SRT},
		{"a", `{"version":"1.0.0","segments":[{"startTime":0,"endTime":1,"body":"x"}]}`, formats.JSON},
		{"a.json", `{"text":"x","segments":[{"id":0,"start":0,"end":1,"text":"x"}]}`, formats.Whisper},
		{"a.srt", "# Title\n\n**A:** hi\n", formats.Markdown},
		{"a.md", "# Title\n\n**A:** hi\n", formats.Markdown},
		{"a.vtt", "not a vtt\n", formats.VTT},
	} {
		if got := formats.Detect(tc.name, []byte(tc.src)).Name; got != tc.want {
			t.Errorf("Detect(%q, %q) = %s, want %s", tc.name, tc.src, got, tc.want)
		}
	}
}

// TestBadInput checks that every reader, reached through formats.Read, reports
// bad input in one line naming the file and line.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"empty.md", "", "empty.md:1: empty transcript"},
		{"garbage.bin", "\x00\x01\x02\x03\xff\xfe", "garbage.bin:1: binary data, not text (control byte 0x00)"},
		{"latin1.md", "# Caf\xe9\n", "latin1.md:1: invalid UTF-8"},
		{"notitle.md", "**A:** hi\n", `notitle.md:1: no title: the first line should be a "# " heading`},
		{"noturns.md", "# T\n\nprose\n", "noturns.md:3: no speaker turns (paragraphs that start with **Name:**)"},
		{"bad.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nhi\n", `bad.vtt:3: bad timestamp "00:00:0x.000": want hh:mm:ss.ttt`},
		{"overlap.srt", "1\n00:00:01,000 --> 00:00:03,000\na\n\n2\n00:00:02,000 --> 00:00:04,000\nb\n", "overlap.srt:6: cue starts at 00:00:02,000, before the previous cue ends (00:00:03,000): cues out of order or overlapping"},
		{"broken.json", "{\"version\": \"1.0.0\",\n\"segments\": [\n{\"startTime\": 0 \"endTime\": 1}]}", "broken.json:3: invalid character '\"' after object key:value pair"},
	} {
		_, err := formats.Read(tc.name, strings.NewReader(tc.src))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v\nwant  %s", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines", tc.name)
		}
	}
}
