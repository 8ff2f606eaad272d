package manifest

import (
	"bytes"
	stdjson "encoding/json"
	"math"
	"os"
	"testing"
	"time"
)

// writeV1 is Write as it was with encoding/json, the oracle of the bytes a
// manifest is stored as: a podpipe that reads a manifest an older one
// wrote must see it unchanged when nothing changed, or it would write it
// again.
func writeV1(t *testing.T, m *Manifest) []byte {
	t.Helper()
	var buf bytes.Buffer
	m.Version = CurrentVersion
	enc := stdjson.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fullManifest has every field set, with the characters and numbers JSON
// encoders disagree on. Not invalid UTF-8: encoding/json wrote each bad
// byte as the escape \ufffd, v2 writes U+FFFD itself. Both read back as
// U+FFFD, so such a manifest is written once more, then stays as it is.
func fullManifest() *Manifest {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 600_000_000, time.FixedZone("", 8*3600))
	yes, no := true, false
	obj := func(k string) Object {
		return Object{Key: k, Size: 1 << 40, SHA256: "ab", ContentType: "text/html; charset=utf-8"}
	}
	img := obj("cover-1.jpg")
	odd := "<b>&amp;</b> \u2028\u2029 \x7f \t\"\\ 中文 😀 \ufffd"
	e := Episode{
		Slug: "01-a", GUID: "g", Title: odd, Number: 1, Season: 2, EpisodeType: "full", Date: t0,
		Language: "zh-TW", Explicit: &yes, Description: odd, NotesHTML: "<p>" + odd + "</p>\n",
		Duration: 1e21, Timing: "aligned", NumberZero: true, SeasonName: "s", ITunesTitle: "t", Block: true,
		Soundbites:    []Soundbite{{Start: 0.1, Duration: 1e-7, Title: odd}, {Start: math.Copysign(0, -1), Duration: 123456789.125}},
		Location:      &Location{Name: "n", Geo: "geo:1,2", OSM: "R1"},
		Txt:           []Txt{{Purpose: "verify", Value: odd}},
		AltEnclosures: []AltEnclosure{{URL: "https://x/y?a=1&b=2", Type: "audio/mp4", Length: 3, Bitrate: 128000.5, Title: "t", Codecs: "mp4a", Lang: "en"}},
		Audio:         obj("a.mp3"), Image: &img, Page: obj("a.html"), Chapters: &img,
		Transcripts: []Transcript{{Object: obj("a.vtt"), Format: "vtt"}},
		Persons:     []Person{{Name: odd, Role: "host", Note: "n", Href: "h", Img: "i", Group: "cast"}},
		ChapterList: []Chapter{{Start: 0, Title: odd, URL: "u", Hidden: true}, {Start: 3.3333333333333335, Title: "x"}},
		SourceHash:  "h",
	}
	bare := Episode{Slug: "02-b", Explicit: &no, Transcripts: []Transcript{}}
	return &Manifest{
		Generation: 7, GUID: "guid", ShowImage: &img, Updated: t0,
		Episodes:    []Episode{e, bare, {Slug: "03-c"}},
		Unpublished: []Unpublished{{Slug: "x", GUID: "y", Date: t0, At: t0, Objects: []Object{obj("x.mp3")}}, {Slug: "z"}},
		Superseded:  []Superseded{{Key: "old.mp3", Since: t0}},
	}
}

// TestWriteAsV1: Write writes what encoding/json wrote, byte for byte, and
// Read reads it back as it was.
func TestWriteAsV1(t *testing.T) {
	for name, m := range map[string]*Manifest{
		"full":  fullManifest(),
		"empty": {},
		"none":  {Episodes: []Episode{}},
	} {
		t.Run(name, func(t *testing.T) {
			want := writeV1(t, m)
			var got bytes.Buffer
			if err := m.Write(&got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				g := got.Bytes()
				i := 0
				for i < len(g) && i < len(want) && g[i] == want[i] {
					i++
				}
				t.Fatalf("Write differs from encoding/json at byte %d: %q, want %q", i, g[max(0, i-20):min(len(g), i+20)], want[max(0, i-20):min(len(want), i+20)])
			}
			back, err := Read(&got)
			if err != nil {
				t.Fatal(err)
			}
			if again := writeV1(t, back); !bytes.Equal(again, want) {
				t.Errorf("read back and written, differs:\n%s\nwant:\n%s", again, want)
			}
		})
	}
	if f := os.Getenv("PODPIPE_MANIFEST"); f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Read(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		m.Write(&got)
		if !bytes.Equal(got.Bytes(), data) {
			t.Errorf("%s differs once read and written", f)
		}
	}
}
