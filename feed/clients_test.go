package feed

import (
	"bytes"
	"cmp"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/manifest"
)

// The feed as real podcast apps' parsers read it: podcast-partytime (the
// parser of Podcast Index apps) and Python's feedparser (Debian's
// python3-feedparser). Either missing skips locally and fails under CI.

// TestPartytime checks that podcast-partytime sees every transcript, the
// chapters, the people and the guids.
func TestPartytime(t *testing.T) {
	node := testtool.Need(t, "node")
	dir, err := filepath.Abs(filepath.Join("..", "test", "node"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "podcast-partytime")); err != nil {
		testtool.Missing(t, "podcast-partytime is not installed (make tools, or npm ci in test/node)")
	}
	data, m := writeFeed(t, "https://cdn.example.com/tea/")
	cmd := exec.Command(node, filepath.Join(dir, "partytime.js"))
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("partytime: %v\n%s", err, stderr.Bytes())
	}
	type person struct{ Name, Role, Href, Img string }
	var got struct {
		Title, GUID, Medium string
		Locked              bool
		PodcastOwner        string
		PodcastPeople       []person
		PodcastFunding      []struct{ URL, Message string }
		License             struct{ Identifier, URL string }
		Items               []struct {
			GUID, Title, Link string
			Duration          float64
			Explicit          bool
			ItunesEpisode     int
			ItunesSeason      int
			Enclosure         struct {
				URL    string
				Length int64
				Type   string
			}
			PodcastTranscripts []struct{ URL, Type, Language, Rel string }
			PodcastChapters    *struct{ URL, Type string }
			PodcastPeople      []person
			PodcastEpisode     *struct{ Number float64 }
			PodcastSeason      *struct{ Number int }
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("partytime output: %v\n%s", err, out)
	}
	if got.Title != "Tea & Code <Live>" || got.GUID != GUID("cdn.example.com/tea/feed.xml") ||
		got.Medium != "podcast" || !got.Locked || got.PodcastOwner != "ada@example.com" {
		t.Errorf("channel: title %q guid %q medium %q locked %v owner %q", got.Title, got.GUID, got.Medium, got.Locked, got.PodcastOwner)
	}
	if len(got.PodcastPeople) != 2 || got.PodcastPeople[0].Name != "Ada Lovelace" || got.PodcastPeople[0].Role != "Host" ||
		got.PodcastPeople[1].Role != "Co-Host" {
		t.Errorf("channel people %+v", got.PodcastPeople)
	}
	if len(got.PodcastFunding) != 1 || got.PodcastFunding[0].URL != "https://example.com/support" ||
		got.License.Identifier != "CC-BY-4.0" {
		t.Errorf("funding %+v license %+v", got.PodcastFunding, got.License)
	}
	if len(got.Items) != len(m.Episodes) {
		t.Fatalf("partytime sees %d items, want %d", len(got.Items), len(m.Episodes))
	}
	// partytime names SRT by its older type; the rest as written.
	wantTypes := map[string]string{"vtt": "text/vtt", "srt": "application/srt", "json": "application/json", "html": "text/html", "txt": "text/plain"}
	for i, e := range []*manifest.Episode{&m.Episodes[1], &m.Episodes[0]} {
		it := got.Items[i]
		if it.GUID != e.GUID || it.Title != e.Title || it.Link != "https://cdn.example.com/tea/"+e.Page.Key {
			t.Errorf("item %d: guid %q title %q link %q", i, it.GUID, it.Title, it.Link)
		}
		if it.Enclosure.URL != "https://cdn.example.com/tea/"+e.Audio.Key || it.Enclosure.Length != e.Audio.Size || it.Enclosure.Type != "audio/mpeg" {
			t.Errorf("item %d enclosure %+v", i, it.Enclosure)
		}
		if it.Duration != 1235 || it.ItunesEpisode != e.Number || it.ItunesSeason != e.Season ||
			it.PodcastEpisode == nil || it.PodcastEpisode.Number != float64(e.Number) || it.PodcastSeason == nil || it.PodcastSeason.Number != e.Season {
			t.Errorf("item %d: duration %v episode %d season %d podcast:episode %+v podcast:season %+v",
				i, it.Duration, it.ItunesEpisode, it.ItunesSeason, it.PodcastEpisode, it.PodcastSeason)
		}
		lang := "en"
		if e.Language != "" {
			lang = e.Language
		}
		if len(it.PodcastTranscripts) != len(e.Transcripts) {
			t.Fatalf("item %d: %d transcripts, want %d", i, len(it.PodcastTranscripts), len(e.Transcripts))
		}
		for j, tr := range e.Transcripts {
			pt := it.PodcastTranscripts[j]
			if pt.URL != "https://cdn.example.com/tea/"+tr.Key || pt.Type != wantTypes[tr.Format] || pt.Language != lang {
				t.Errorf("item %d transcript %d: %+v", i, j, pt)
			}
			if timed := tr.Format == "vtt" || tr.Format == "srt"; timed != (pt.Rel == "captions") {
				t.Errorf("item %d transcript %s: rel %q", i, tr.Format, pt.Rel)
			}
		}
		if it.PodcastChapters == nil || it.PodcastChapters.URL != "https://cdn.example.com/tea/"+e.Chapters.Key ||
			it.PodcastChapters.Type != "application/json+chapters" {
			t.Errorf("item %d chapters %+v", i, it.PodcastChapters)
		}
		if len(it.PodcastPeople) != len(e.Persons) {
			t.Fatalf("item %d: %d people, want %d", i, len(it.PodcastPeople), len(e.Persons))
		}
		for j, p := range e.Persons {
			// A show host named on an item keeps the link and picture
			// the show configures for them.
			cfg, _ := sampleShow("https://cdn.example.com/tea/")
			for _, h := range cfg.Hosts {
				if h.Name == p.Name {
					p.Href, p.Img = cmp.Or(p.Href, h.Href), cmp.Or(p.Img, h.Img)
				}
			}
			if pp := it.PodcastPeople[j]; pp.Name != p.Name || !equalFold(pp.Role, p.Role) || pp.Href != p.Href || pp.Img != p.Img {
				t.Errorf("item %d person %d: %+v, want %+v", i, j, pp, p)
			}
		}
	}
	if !got.Items[0].Explicit || got.Items[1].Explicit {
		t.Errorf("explicit: %v %v", got.Items[0].Explicit, got.Items[1].Explicit)
	}
}

func equalFold(a, b string) bool { return bytes.EqualFold([]byte(a), []byte(b)) }

// feedparserScript prints what feedparser read, as JSON.
const feedparserScript = `
import json, sys
import feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": bool(d.bozo),
    "bozo_exception": str(d.get("bozo_exception", "")),
    "title": d.feed.get("title"),
    "image": d.feed.get("image", {}).get("href"),
    "entries": [{
        "id": e.get("id"),
        "title": e.get("title"),
        "link": e.get("link"),
        "duration": e.get("itunes_duration"),
        "enclosures": [{"href": x.get("href"), "length": x.get("length"), "type": x.get("type")} for x in e.get("enclosures", [])],
    } for e in d.entries],
}))
`

// feedparserPython finds a python3 that can import feedparser: Debian's
// /usr/bin/python3 (where python3-feedparser installs it) before the one
// on PATH, which may be another installation without it.
func feedparserPython(t *testing.T) string {
	t.Helper()
	cands := []string{"/usr/bin/python3"}
	if p, err := testtool.Find("python3"); err == nil {
		cands = append(cands, p)
	}
	for _, py := range cands {
		if exec.Command(py, "-c", "import feedparser").Run() == nil {
			return py
		}
	}
	testtool.Missing(t, "python3 with feedparser (Debian's python3-feedparser) is not installed")
	return ""
}

// TestFeedparser checks that feedparser sees every item and its enclosure.
func TestFeedparser(t *testing.T) {
	py := feedparserPython(t)
	data, m := writeFeed(t, "https://cdn.example.com/tea/")
	cmd := exec.Command(py, "-c", feedparserScript)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("feedparser: %v\n%s", err, stderr.Bytes())
	}
	var got struct {
		Bozo          bool
		BozoException string `json:"bozo_exception"`
		Title, Image  string
		Entries       []struct {
			ID, Title, Link, Duration string
			Enclosures                []struct{ Href, Length, Type string }
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("feedparser output: %v\n%s", err, out)
	}
	if got.Bozo {
		t.Errorf("feedparser calls the feed ill-formed: %s", got.BozoException)
	}
	if got.Title != "Tea & Code <Live>" || got.Image != "https://cdn.example.com/tea/art/cover-3f2a.jpg" {
		t.Errorf("channel title %q image %q", got.Title, got.Image)
	}
	if len(got.Entries) != len(m.Episodes) {
		t.Fatalf("feedparser sees %d entries, want %d", len(got.Entries), len(m.Episodes))
	}
	for i, e := range []*manifest.Episode{&m.Episodes[1], &m.Episodes[0]} {
		en := got.Entries[i]
		if en.ID != e.GUID || en.Title != e.Title || en.Link != "https://cdn.example.com/tea/"+e.Page.Key || en.Duration != "1235" {
			t.Errorf("entry %d: %+v", i, en)
		}
		if len(en.Enclosures) != 1 || en.Enclosures[0].Href != "https://cdn.example.com/tea/"+e.Audio.Key ||
			en.Enclosures[0].Length != strconv.FormatInt(e.Audio.Size, 10) || en.Enclosures[0].Type != "audio/mpeg" {
			t.Errorf("entry %d enclosures %+v", i, en.Enclosures)
		}
	}
}
