package feed

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/manifest"
)

// transcriptBodies are minimal valid transcripts per published format.
var transcriptBodies = map[string]string{
	"vtt":  "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Ada>Hello & welcome.\n",
	"srt":  "1\n00:00:00,000 --> 00:00:02,000\nAda: Hello & welcome.\n",
	"json": `{"version":"1.0.0","segments":[{"speaker":"Ada","startTime":0,"endTime":2,"body":"Hello & welcome."}]}`,
	"html": "<!doctype html><p><cite>Ada:</cite> <time>0:00</time> Hello &amp; welcome.</p>\n",
	"txt":  "Ada: Hello & welcome.\n",
}

// writeObjects writes every object m links into dir, with the exact sizes
// the manifest records for the audio.
func writeObjects(t testing.TB, dir string, m *manifest.Manifest) {
	t.Helper()
	put := func(key string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if m.ShowImage != nil {
		put(m.ShowImage.Key, []byte("jpeg"))
	}
	for _, e := range m.Episodes {
		put(e.Audio.Key, make([]byte, e.Audio.Size))
		put(e.Page.Key, []byte("<!doctype html><title>page</title>"))
		if e.Image != nil {
			put(e.Image.Key, []byte("png"))
		}
		if e.Chapters != nil {
			var b strings.Builder
			b.WriteString(`{"version":"1.2.0","chapters":[`)
			for i, c := range e.ChapterList {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"startTime":%g,"title":%q}`, c.Start, c.Title)
			}
			b.WriteString("]}")
			put(e.Chapters.Key, []byte(b.String()))
		}
		for _, tr := range e.Transcripts {
			put(tr.Key, []byte(transcriptBodies[tr.Format]))
		}
	}
}

// servedShow serves the sample show's objects (and, once written, its
// feed) from a real HTTP server; it returns the show and its storage dir.
func servedShow(t testing.TB) (*Show, *manifest.Manifest, string) {
	t.Helper()
	dir := t.TempDir()
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	cfg, m := sampleShow(srv.URL + "/")
	writeObjects(t, dir, m)
	return cfg, m, dir
}
