package feed

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// brokenFeeds break podpipe's own (valid) feed in each way Validate checks.
// edit changes the feed's text and may change the served objects in dir.
var brokenFeeds = []struct {
	name string
	edit func(t *testing.T, feed, dir string) string
	sev  Severity
	want string // a finding's text must hold this
}{
	{"not well-formed", replace("</channel>", ""), Error, "not well-formed XML"},
	{"not rss", replace("<rss version", "<feed version"), Error, "not well-formed"},
	{"rss version", replace(`<rss version="2.0"`, `<rss version="0.91"`), Error, `version is "0.91"`},
	{"wrong namespace URI", replace(NSPodcast, "https://example.com/podcast"), Error, "xmlns:podcast is"},
	{"old podcast URI", replace(NSPodcast, NSPodcastOld), Warning, "old URI"},
	{"itunes URI case", replace(NSiTunes, "http://www.itunes.com/DTDs/Podcast-1.0.dtd"), Warning, "xmlns:itunes is"},
	{"undeclared prefix", replace(` xmlns:psc="`+NSPSC+`"`, ""), Error, "prefix psc: is used but not declared"},
	{"no channel title", replaceOnce("<title>Tea &amp; Code &lt;Live&gt;</title>", ""), Error, "<title> is missing"},
	{"no language", replace("<language>en</language>", ""), Error, "<language> is missing"},
	{"bad language", replace("<language>en</language>", "<language>English</language>"), Error, "not a language code"},
	{"no channel image", replaceOnce(`<itunes:image href="`+"@@/art/cover-3f2a.jpg"+`"></itunes:image>`, ""), Error, "<itunes:image> is missing"},
	{"no category", func(t *testing.T, f, _ string) string {
		i, j := strings.Index(f, "<itunes:category"), strings.Index(f, "<itunes:type>")
		return f[:i] + f[j:]
	}, Error, "<itunes:category> is missing"},
	{"unknown category", replace(`text="Technology"`, `text="Tech"`), Error, `unknown category "Tech"`},
	{"category suggestion", replace(`text="Technology"`, `text="Tech"`), Error, `"Technology"`},
	{"unknown subcategory", replace(`text="Places &amp; Travel"`, `text="Travel"`), Error, `unknown category "Society & Culture/Travel"`},
	{"explicit value", replaceOnce("<itunes:explicit>false</itunes:explicit>", "<itunes:explicit>maybe</itunes:explicit>"), Error, `"maybe" is not true or false`},
	{"explicit old value", replaceOnce("<itunes:explicit>false</itunes:explicit>", "<itunes:explicit>clean</itunes:explicit>"), Warning, "Apple now asks for true or false"},
	{"no explicit", replaceOnce("<itunes:explicit>false</itunes:explicit>", ""), Error, "<itunes:explicit> is missing"},
	{"itunes type", replace("<itunes:type>episodic</itunes:type>", "<itunes:type>daily</itunes:type>"), Error, "not episodic or serial"},
	{"serial without numbers", func(t *testing.T, f, d string) string {
		f = replace("<itunes:type>episodic</itunes:type>", "<itunes:type>serial</itunes:type>")(t, f, d)
		return replace("<itunes:episode>1</itunes:episode>", "")(t, f, d)
	}, Error, "a serial show numbers every episode"},
	{"duration words", replaceOnce("<itunes:duration>1235</itunes:duration>", "<itunes:duration>20 minutes</itunes:duration>"), Error, "not a duration"},
	{"duration fraction", replaceOnce("<itunes:duration>1235</itunes:duration>", "<itunes:duration>1234.6</itunes:duration>"), Warning, "whole seconds"},
	{"duration minutes", replaceOnce("<itunes:duration>1235</itunes:duration>", "<itunes:duration>20:5</itunes:duration>"), Error, "not a duration"},
	{"pubDate ISO", replace("Thu, 01 Jan 2026 08:30:00 +0100", "2026-01-01T08:30:00+01:00"), Error, "not an RFC 2822 date"},
	{"lastBuildDate", replace("Sun, 01 Mar 2026 12:00:00 +0000", "yesterday"), Error, "not an RFC 2822 date"},
	{"duplicate guid", replace(">podpipe-01-episode-0b6f<", ">podpipe-02-episode-0b6f<"), Error, "is also the guid of item 1"},
	{"guid not a URL", replace(`<guid isPermaLink="false">`, `<guid>`), Warning, `add isPermaLink="false"`},
	{"no guid", replace(`<guid isPermaLink="false">podpipe-01-episode-0b6f</guid>`, ``), Error, "<guid> is missing"},
	{"space in a URL", replace("01-episode/audio-91ab.mp3", "01 episode/audio-91ab.mp3"), Error, "has a space or control character"},
	{"non-ASCII URL", replace("01-episode/transcript-1a.vtt", "01-茶/transcript-1a.vtt"), Warning, "is not ASCII"},
	{"duplicate enclosure", replace("01-episode/audio-91ab.mp3", "02-episode/audio-91ab.mp3"), Error, "is also the enclosure of item 1"},
	{"no enclosure", func(t *testing.T, f, _ string) string {
		i := strings.Index(f, "<enclosure")
		j := i + strings.Index(f[i:], "</enclosure>") + len("</enclosure>")
		return f[:i] + f[j:]
	}, Error, "<enclosure> is missing"},
	{"enclosure length text", replace(`length="12346"`, `length="1.2 MB"`), Error, "is not a number of bytes"},
	{"enclosure type", replaceOnce(`type="audio/mpeg"`, `type="audio/mp3"`), Warning, "not one Apple plays"},
	{"enclosure length wrong", replace(`length="12346"`, `length="12000"`), Error, "length is 12000 but"},
	{"enclosure missing", removeFile("episodes/01-episode/audio-91ab.mp3"), Error, "404"},
	{"podcast:guid not a UUID", replace("<podcast:guid>", "<podcast:guid>x"), Error, "is not a UUID"},
	{"podcast:guid v4", func(t *testing.T, f, _ string) string {
		i := strings.Index(f, "<podcast:guid>") + len("<podcast:guid>")
		return f[:i] + "1b4e28ba-2fa1-41d2-883f-0016d3cca427" + f[i+36:]
	}, Error, "version 4 UUID"},
	{"locked value", replace(">yes</podcast:locked>", ">maybe</podcast:locked>"), Error, "not yes or no"},
	{"medium", replace("<podcast:medium>podcast<", "<podcast:medium>radio<"), Error, "not a medium"},
	{"person without name", replace(">Bob</podcast:person>", "></podcast:person>"), Error, "has no name"},
	{"http in podcast tag", replace(`url="https://example.com/support"`, `url="http://example.com/support"`), Warning, "is http: the spec asks for https"},
	{"relative URL", replace(`url="https://example.com/support"`, `url="/support"`), Error, "not an absolute http or https URL"},
	{"transcript type", replace(`type="text/vtt"`, `type="text/webvtt"`), Error, `type "text/webvtt" is not a transcript type`},
	{"transcript srt alias", replace(`type="application/x-subrip"`, `type="text/srt"`), Warning, "canonical application/x-subrip"},
	{"transcript rel", replace(`rel="captions"`, `rel="subtitles"`), Warning, "the only rel is captions"},
	{"transcript missing", removeFile("episodes/01-episode/transcript-1a.txt"), Error, "404 Not Found"},
	{"vtt broken", writeFile("episodes/01-episode/transcript-1a.vtt", "1\n00:00:00.000 --> 00:00:01.000\nHi\n"), Error, `does not start with "WEBVTT"`},
	{"srt broken", writeFile("episodes/01-episode/transcript-1a.srt", "WEBVTT\n\nHi\n"), Error, "SRT transcript does not start"},
	{"json transcript broken", writeFile("episodes/01-episode/transcript-1a.json", `{"version":"1.0.0","segments":[{"body":"x"}]}`), Error, "has no startTime or body"},
	{"json transcript not json", writeFile("episodes/01-episode/transcript-1a.json", `WEBVTT`), Error, "not a JSON transcript"},
	{"transcript not UTF-8", writeFile("episodes/01-episode/transcript-1a.txt", "caf\xe9"), Error, "not UTF-8"},
	{"chapters type", replace(`type="application/json+chapters"`, `type="application/json"`), Error, "not application/json+chapters"},
	{"chapters not JSON", writeFile("episodes/01-episode/chapters-77c1.json", "00:00 Intro"), Error, "not JSON chapters"},
	{"chapters unordered", writeFile("episodes/01-episode/chapters-77c1.json", `{"version":"1.2.0","chapters":[{"startTime":10},{"startTime":5}]}`), Error, "chapter 2 starts at 5, before chapter 1"},
	{"chapters without version", writeFile("episodes/01-episode/chapters-77c1.json", `{"chapters":[]}`), Error, `no "version"`},
	{"chapters missing", removeFile("episodes/02-episode/chapters-77c1.json"), Error, "404"},
	{"psc start", replace(`start="00:01:02.250"`, `start="1 minute"`), Error, "not a Normal Play Time"},
	{"psc order", replace(`start="01:02:05.500"`, `start="00:00:30"`), Error, "before the previous chapter"},
	{"episode type", replace("<itunes:episodeType>bonus<", "<itunes:episodeType>extra<"), Error, "not full, trailer or bonus"},
	{"episode number", replace("<itunes:episode>2<", "<itunes:episode>0<"), Error, "episode 0 is not a number from 1 to 99999"},
	{"episode number negative", replace("<itunes:episode>2<", "<itunes:episode>-5<"), Error, "episode -5 is not a number from 1 to 99999"},
	{"season number huge", replaceOnce("<itunes:season>1<", "<itunes:season>9223372036854775807<"), Error, "season 9223372036854775807 is not a number from 1 to 99999"},
	{"season not a number", replaceOnce("<itunes:season>1<", "<itunes:season>one<"), Error, `"one" is not an integer`},
	// Every URL a feed carries must be http(s): apps open chapter links,
	// person links and show-note links, and show chapter images.
	{"psc href javascript", replace(`href="https://example.com/tea"`, `href="javascript:alert(1)"`), Error, `<psc:chapter>: "javascript:alert(1)" is not an absolute http or https URL`},
	{"psc href data", replace(`href="https://example.com/tea"`, `href="data:text/html,x"`), Error, `"data:text/html,x" is not an absolute http or https URL`},
	{"person href javascript", replace(`href="https://example.com/grace"`, `href="javascript:alert(1)"`), Error, `<podcast:person>: "javascript:alert(1)" is not an absolute`},
	{"person img data", replace(`img="https://example.com/ada.jpg"`, `img="data:image/png;base64,AAAA"`), Error, `"data:image/png;base64,AAAA" is not an absolute`},
	{"funding javascript", replace(`url="https://example.com/support"`, `url="javascript:alert(1)"`), Error, `<podcast:funding>: "javascript:alert(1)" is not an absolute`},
	{"license file", replace(`url="https://creativecommons.org/licenses/by/4.0/"`, `url="file:///etc/passwd"`), Error, `<podcast:license>: "file:///etc/passwd" is not an absolute`},
	{"description link javascript", replace(`href="https://example.com/?a=1&amp;b=2"`, `href="javascript:alert(1)"`), Error, `<description>: <a href>: "javascript:alert(1)" is not an absolute`},
	{"content link javascript", replace(`href="https://example.com/?a=1&amp;b=2"`, `href="javascript:alert(1)"`), Error, `<content:encoded>: <a href>: "javascript:alert(1)" is not an absolute`},
	{"description link entity", replace(`href="https://example.com/?a=1&amp;b=2"`, `href="JavaScript&#58;alert(1)"`), Error, `<a href>: "JavaScript:alert(1)" is not an absolute`},
	{"description link file", replace(`href="https://example.com/?a=1&amp;b=2"`, `href="file:///etc/passwd"`), Error, `<a href>: "file:///etc/passwd" is not an absolute`},
	{"description img data", replace(`tea</a>`, `tea</a><img src="data:image/svg+xml,x">`), Error, `<img src>: "data:image/svg+xml,x" is not an absolute`},
	{"description link relative", replace(`href="https://example.com/?a=1&amp;b=2"`, `href="01-episode.html"`), Warning, `<a href="01-episode.html"> is a relative URL`},
	{"chapters json url javascript", writeFile("episodes/01-episode/chapters-77c1.json", `{"version":"1.2.0","chapters":[{"startTime":0,"title":"A","url":"javascript:alert(1)"}]}`), Error, `chapter 1: url: "javascript:alert(1)" is not an absolute`},
	{"chapters json img file", writeFile("episodes/01-episode/chapters-77c1.json", `{"version":"1.2.0","chapters":[{"startTime":0,"title":"A"},{"startTime":5,"title":"B","img":"file:///etc/passwd"}]}`), Error, `chapter 2: img: "file:///etc/passwd" is not an absolute`},
	{"podcast:season", replace("<podcast:season>1<", "<podcast:season>one<"), Error, "not an integer"},
	{"no items", func(t *testing.T, f, _ string) string {
		return f[:strings.Index(f, "<item>")] + f[strings.LastIndex(f, "</item>")+len("</item>"):]
	}, Warning, "has no <item>"},
}

func replace(old, new string) func(*testing.T, string, string) string {
	return func(t *testing.T, f, _ string) string {
		t.Helper()
		old := strings.ReplaceAll(old, "@@", base(f))
		if !strings.Contains(f, old) {
			t.Fatalf("the feed has no %q", old)
		}
		return strings.ReplaceAll(f, old, new)
	}
}

func replaceOnce(old, new string) func(*testing.T, string, string) string {
	return func(t *testing.T, f, _ string) string {
		t.Helper()
		old := strings.ReplaceAll(old, "@@", base(f))
		if !strings.Contains(f, old) {
			t.Fatalf("the feed has no %q", old)
		}
		return strings.Replace(f, old, new, 1)
	}
}

// base is the served show's base URL without its trailing slash.
func base(feed string) string {
	const tag = `<atom:link href="`
	i := strings.Index(feed, tag) + len(tag)
	return strings.TrimSuffix(feed[i:i+strings.Index(feed[i:], `"`)], "/feed.xml")
}

func removeFile(key string) func(*testing.T, string, string) string {
	return func(t *testing.T, f, dir string) string {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(key))); err != nil {
			t.Fatal(err)
		}
		return f
	}
}

func writeFile(key, data string) func(*testing.T, string, string) string {
	return func(t *testing.T, f, dir string) string {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(key)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
}

func TestValidateBroken(t *testing.T) {
	for _, tt := range brokenFeeds {
		t.Run(tt.name, func(t *testing.T) {
			cfg, m, dir := servedShow(t)
			var b bytes.Buffer
			if err := Write(&b, cfg, m, buildTime); err != nil {
				t.Fatal(err)
			}
			feed := tt.edit(t, b.String(), dir)
			fs, err := Validate(context.Background(), strings.NewReader(feed), ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.Severity == tt.sev && strings.Contains(f.String(), tt.want) {
					return
				}
			}
			t.Errorf("no %s holding %q; findings:\n%s", tt.sev, tt.want, Format("feed.xml", fs))
		})
	}
}

// TestValidateFormat checks the printed form: severity, name and line of
// the element, where in the feed, what is wrong.
func TestValidateFormat(t *testing.T) {
	cfg, m, _ := servedShow(t)
	var b bytes.Buffer
	if err := Write(&b, cfg, m, buildTime); err != nil {
		t.Fatal(err)
	}
	feed := strings.Replace(b.String(), "<itunes:duration>1235<", "<itunes:duration>soon<", 1)
	fs, err := Validate(context.Background(), strings.NewReader(feed), ValidateOptions{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	line := 1 + strings.Count(feed[:strings.Index(feed, "<itunes:duration>soon")], "\n")
	want := "error: feed.xml:" + itoa(int64(line)) + `: item 1 "Episode 2: Tea, <code> & \"quotes\" ]]>…" <itunes:duration>: "soon" is not a duration in seconds or HH:MM:SS` + "\n"
	if got := Format("feed.xml", fs); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if !HasErrors(fs) {
		t.Error("HasErrors = false")
	}
}

// TestValidateUnreachable checks that objects on a server that does not
// answer are warned about, not reported as wrong, and that DirFetcher
// checks them in the storage directory instead.
func TestValidateUnreachable(t *testing.T) {
	dir := t.TempDir()
	const base = "http://127.0.0.1:1/" // nothing listens on port 1
	cfg, m := sampleShow(base)
	writeObjects(t, dir, m)
	var b bytes.Buffer
	if err := Write(&b, cfg, m, buildTime); err != nil {
		t.Fatal(err)
	}
	fs, err := Validate(context.Background(), bytes.NewReader(b.Bytes()), ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 || HasErrors(fs) {
		t.Errorf("want only warnings, got:\n%s", Format("feed.xml", fs))
	}
	for _, f := range fs {
		if !strings.Contains(f.Msg, "unreachable") {
			t.Errorf("unexpected finding %s", f)
		}
	}

	fs, err = Validate(context.Background(), bytes.NewReader(b.Bytes()), ValidateOptions{Fetcher: DirFetcher(base, dir, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("with the storage dir: %s", Format("feed.xml", fs))
	}
	// A wrong size in the storage dir is found without any server.
	if err := os.WriteFile(filepath.Join(dir, "episodes", "01-episode", "audio-91ab.mp3"), []byte("short"), 0o644); err != nil {
		t.Fatal(err)
	}
	fs, _ = Validate(context.Background(), bytes.NewReader(b.Bytes()), ValidateOptions{Fetcher: DirFetcher(base, dir, nil)})
	if !HasErrors(fs) || !strings.Contains(Format("", fs), "has 5 bytes") {
		t.Errorf("short audio in the storage dir: %s", Format("feed.xml", fs))
	}
}

// FuzzValidate feeds Validate arbitrary documents: it must never panic nor
// fail to return, and a document it calls well-formed must also be
// well-formed to encoding/xml.
func FuzzValidate(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "sample.xml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte(`<rss version="2.0"><channel><item><enclosure/></item></channel></rss>`))
	f.Add([]byte(`<rss xmlns:itunes="x"><channel><itunes:category text="Arts"><itunes:category/></itunes:category></channel></rss>`))
	f.Add([]byte(`<?xml version="1.0" encoding="latin1"?><rss/>`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := Validate(context.Background(), bytes.NewReader(data), ValidateOptions{Offline: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range fs {
			if x.Msg == "" {
				t.Errorf("finding without a message: %+v", x)
			}
		}
	})
}

// TestValidateServing checks Apple's serving rules on a server that
// refuses HEAD and ignores byte ranges: one warning for the host, and the
// enclosure lengths still checked with GET.
func TestValidateServing(t *testing.T) {
	dir := t.TempDir()
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".mp3") {
			if r.Method == http.MethodHead {
				http.Error(w, "no HEAD here", http.StatusMethodNotAllowed)
				return
			}
			r.Header.Del("Range")
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cfg, m := sampleShow(srv.URL + "/")
	writeObjects(t, dir, m)
	var b bytes.Buffer
	if err := Write(&b, cfg, m, buildTime); err != nil {
		t.Fatal(err)
	}
	fs, err := Validate(context.Background(), &b, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Severity != Warning ||
		!strings.Contains(fs[0].Msg, "answers HEAD with 405 Method Not Allowed and answers a byte-range request with 200 OK, not 206") {
		t.Errorf("want one warning about HEAD and ranges, got:\n%s", Format("feed.xml", fs))
	}
}

// TestValidateNotPublic checks a feed whose objects the bucket does not let
// the public read (S3's anonymous 403): the findings say so and name the
// README section with the bucket policy.
func TestValidateNotPublic(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")
	}))
	defer srv.Close()
	cfg, m := sampleShow(srv.URL + "/")
	var b bytes.Buffer
	if err := Write(&b, cfg, m, buildTime); err != nil {
		t.Fatal(err)
	}
	fs, err := Validate(context.Background(), &b, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fs {
		if strings.Contains(f.Msg, "403 Forbidden: the object is not publicly readable") &&
			strings.Contains(f.Msg, `"Public reads and a CDN"`) {
			n++
		}
	}
	if n == 0 || fs[0].Severity != Error {
		t.Errorf("want errors naming the bucket policy, got:\n%s", Format("feed.xml", fs))
	}
}
