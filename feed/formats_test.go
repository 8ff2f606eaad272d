package feed

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/formattest/tsv"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
	model "github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/formats"
)

// A format added by one package and one row flows into the feed too.
func init() { formats.Register(tsv.Format) }

// TestEveryFormatInTheFeed publishes a transcript in every published format
// of the table (the test format among them), served as the store serves
// it, and checks that the feed names each with the table's type and rel,
// and that the validator, fetching them, accepts each type and body.
func TestEveryFormatInTheFeed(t *testing.T) {
	tr := &model.Transcript{Title: "T", Timing: model.Source, Units: []model.Unit{
		{Speaker: "Ada", Text: "Hello & welcome.", Section: -1, End: 2 * time.Second},
		{Speaker: "Bob", Text: "Thanks.", Section: -1, Start: 2 * time.Second, End: 3 * time.Second},
	}}
	published := formats.Published()
	if len(published) < 6 {
		t.Fatalf("%d published formats, want the five built in and tsv", len(published))
	}
	for _, broken := range []bool{false, true} {
		dir := t.TempDir()
		srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
		defer srv.Close()
		cfg, m := sampleShow(srv.URL + "/")
		bodies := map[string][]byte{}
		for i := range m.Episodes {
			e := &m.Episodes[i]
			e.Transcripts = nil
			for _, f := range published {
				key := "episodes/" + e.Slug + "/transcript" + f.Ext()
				var b bytes.Buffer
				if err := f.Write(&b, tr, formats.Options{}); err != nil {
					t.Fatal(err)
				}
				if broken {
					b.Reset()
					b.WriteString(" \n")
				}
				bodies[key] = b.Bytes()
				e.Transcripts = append(e.Transcripts, manifest.Transcript{
					Object: manifest.Object{Key: key, Size: int64(b.Len()), ContentType: storage.ContentTypeFor(key)}, Format: f.Name})
			}
		}
		writeObjects(t, dir, m)
		for key, body := range bodies {
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(key)), body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var out bytes.Buffer
		if err := Write(&out, cfg, m, buildTime); err != nil {
			t.Fatal(err)
		}
		for _, f := range published {
			re := regexp.MustCompile(`<podcast:transcript [^>]*type="` + regexp.QuoteMeta(f.MediaType) + `"[^>]*>`)
			tags := re.FindAllString(out.String(), -1)
			if len(tags) != len(m.Episodes) {
				t.Errorf("feed has %d transcripts of type %s, want %d", len(tags), f.MediaType, len(m.Episodes))
			}
			for _, tag := range tags {
				if rel := `rel="` + f.Rel + `"`; f.Rel != "" && !strings.Contains(tag, rel) || f.Rel == "" && strings.Contains(tag, "rel=") {
					t.Errorf("%s: want rel %q", tag, f.Rel)
				}
			}
		}
		fs, err := Validate(context.Background(), bytes.NewReader(out.Bytes()), ValidateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !broken && len(fs) != 0 {
			t.Errorf("findings on every published format:\n%s", Format("feed.xml", fs))
		}
		if broken {
			// Every format's check sees the blank body, once per episode.
			got := strings.Count(Format("feed.xml", fs), "/transcript.")
			if want := len(published) * len(m.Episodes); got != want {
				t.Errorf("%d findings on blank transcripts, want %d:\n%s", got, want, Format("feed.xml", fs))
			}
		}
	}
}
