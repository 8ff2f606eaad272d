package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/storage"
)

// prependFrontMatter puts TOML front matter at the top of an episode of the
// copied sample show.
func prependFrontMatter(t *testing.T, cfg *config.Config, slug, fm string) {
	t.Helper()
	p := filepath.Join(cfg.EpisodesDir(), slug+".md")
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append([]byte("+++\n"+fm+"\n+++\n"), src...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writePNG writes a small square PNG of one colour and returns its SHA-256.
func writePNG(t *testing.T, p string, c color.Color) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for y := range 8 {
		for x := range 8 {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:])
}

// The README says front matter may name the episode's artwork; the feed's
// itunes:image must then be that picture, and a new picture a new URL.
func TestFrontMatterImage(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	ctx := context.Background()
	slug := "01-p99-observability"
	prependFrontMatter(t, cfg, slug, `image = "art/p99.png"`)
	red := writePNG(t, filepath.Join(cfg.EpisodesDir(), "art", "p99.png"), color.RGBA{255, 0, 0, 255})
	if _, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	st := mustOpen(t, cfg)
	e := readManifest(t, st).Find(slug)
	if e.Image == nil {
		t.Fatalf("the manifest has no image for %s, whose front matter names one", slug)
	}
	if e.Image.SHA256 != red || e.Image.ContentType != "image/png" || !strings.HasSuffix(e.Image.Key, ".png") {
		t.Errorf("image = %+v, want the front matter's PNG (sha256 %s)", e.Image, red)
	}
	feedXML := readObject(t, st, config.FeedKey)
	if want := `<itunes:image href="` + cfg.URLFor(e.Image.Key) + `">`; !strings.Contains(feedXML, want) {
		t.Errorf("the feed has no %s", want)
	}
	checkFeedResolves(t, cfg, st)

	// A new picture under the same name is a new object.
	blue := writePNG(t, filepath.Join(cfg.EpisodesDir(), "art", "p99.png"), color.RGBA{0, 0, 255, 255})
	if _, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	e2 := readManifest(t, st).Find(slug)
	if e2.Image == nil || e2.Image.SHA256 != blue || e2.Image.Key == e.Image.Key {
		t.Errorf("after the picture changed, image = %+v, want a new key with sha256 %s", e2.Image, blue)
	}
}

func TestFrontMatterImageBad(t *testing.T) {
	for _, tc := range []struct{ name, fm, file, want string }{
		{"missing", `image = "art/none.png"`, "", `front matter image "art/none.png": no such file`},
		{"not jpeg or png", `image = "art/p99.gif"`, "art/p99.gif", "JPEG or PNG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
			slug := "01-p99-observability"
			prependFrontMatter(t, cfg, slug, tc.fm)
			if tc.file != "" {
				writePNG(t, filepath.Join(cfg.EpisodesDir(), tc.file), color.White)
			}
			_, err := newPipeline(t, cfg, nil, Options{}).Publish(context.Background(), []string{slug})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), slug+".md") {
				t.Fatalf("err = %v, want one naming %s.md and %q", err, slug, tc.want)
			}
			if _, _, err := mustOpen(t, cfg).Get(context.Background(), config.FeedKey); err == nil {
				t.Errorf("a feed was published despite the error")
			}
		})
	}
}

// A serial show needs itunes:episode on every item (Apple), so an episode
// with no number is refused before anything is published, and one numbered
// by its front matter is taken.
func TestSerialNeedsNumbers(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	cfg.Show.Type = "serial"
	ctx := context.Background()
	dir := cfg.EpisodesDir()
	for _, ext := range []string{".md", ".mp3"} {
		data, err := os.ReadFile(filepath.Join(dir, "03-edge-ai-inference"+ext))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "bonus"+ext), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := newPipeline(t, cfg, nil, Options{}).PublishAll(ctx)
	if err == nil || !strings.Contains(err.Error(), "bonus.md") || !strings.Contains(err.Error(), "serial") {
		t.Fatalf("err = %v, want one naming bonus.md and the serial show", err)
	}
	if _, _, err := mustOpen(t, cfg).Get(ctx, config.FeedKey); err == nil {
		t.Errorf("a feed was published despite the error")
	}

	prependFrontMatter(t, cfg, "bonus", "episode = 4")
	if _, err := newPipeline(t, cfg, nil, Options{}).PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, mustOpen(t, cfg))
	for _, e := range m.Episodes {
		if e.Number <= 0 {
			t.Errorf("%s has no number in a serial show", e.Slug)
		}
	}
	if e := m.Find("bonus"); e == nil || e.Number != 4 {
		t.Errorf("bonus = %+v, want number 4", e)
	}
}

// readObject returns a stored object's content.
func readObject(t *testing.T, st storage.Store, key string) string {
	t.Helper()
	rc, _, err := st.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return string(data)
}

// Two episodes with the same guid (one copied from the other with its
// front matter) are refused, whether published together or one after the
// other: apps would merge them or drop one.
func TestDuplicateGUID(t *testing.T) {
	const fm = `guid = "tea-0001"`
	t.Run("together", func(t *testing.T) {
		cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
		prependFrontMatter(t, cfg, "01-p99-observability", fm)
		prependFrontMatter(t, cfg, "02-kubernetes-cost", fm)
		_, err := newPipeline(t, cfg, nil, Options{}).PublishAll(context.Background())
		if err == nil || !strings.Contains(err.Error(), "02-kubernetes-cost.md") || !strings.Contains(err.Error(), "01-p99-observability") {
			t.Fatalf("err = %v, want one naming 02-kubernetes-cost.md and 01-p99-observability", err)
		}
	})
	t.Run("one after the other", func(t *testing.T) {
		cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
		ctx := context.Background()
		prependFrontMatter(t, cfg, "01-p99-observability", fm)
		if _, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{"01-p99-observability"}); err != nil {
			t.Fatal(err)
		}
		prependFrontMatter(t, cfg, "02-kubernetes-cost", fm)
		_, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{"02-kubernetes-cost"})
		if err == nil || !strings.Contains(err.Error(), `guid "tea-0001"`) {
			t.Fatalf("err = %v, want one naming the guid", err)
		}
		m := readManifest(t, mustOpen(t, cfg))
		if len(m.Episodes) != 1 || m.Episodes[0].GUID != "tea-0001" {
			t.Errorf("manifest episodes = %+v, want 01 alone with its guid", m.Episodes)
		}
		// Republishing the first, unchanged or not, keeps its guid.
		if _, err := newPipeline(t, cfg, nil, Options{Force: true}).Publish(ctx, []string{"01-p99-observability"}); err != nil {
			t.Fatal(err)
		}
	})
}

// `feed build` rebuilds the feed from the config: a new show.image is
// uploaded and linked, not the cover of the last publish.
func TestBuildFeedNewCover(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	ctx := context.Background()
	if _, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{"01-p99-observability"}); err != nil {
		t.Fatal(err)
	}
	st := mustOpen(t, cfg)
	before := readManifest(t, st).ShowImage
	cover := filepath.Join(cfg.Dir, "cover.png")
	sum := writePNG(t, cover, color.RGBA{0, 128, 0, 255})
	cfg.Show.Image = "cover.png"
	if _, err := newPipeline(t, cfg, nil, Options{}).BuildFeed(ctx); err != nil {
		t.Fatal(err)
	}
	after := readManifest(t, st).ShowImage
	if after == nil || after.SHA256 != sum || after.Key == before.Key {
		t.Fatalf("show image after feed build = %+v, want the new cover (sha256 %s)", after, sum)
	}
	feedXML := readObject(t, st, config.FeedKey)
	if want := `<itunes:image href="` + cfg.URLFor(after.Key) + `">`; !strings.Contains(feedXML, want) {
		t.Errorf("the feed has no %s", want)
	}
	checkFeedResolves(t, cfg, st)
}

// A slug may hold spaces, "&", "#" and CJK; the feed's URLs must still be
// ASCII URLs that resolve to the objects (Apple; a raw space is no URL).
func TestSlugInURLs(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	ctx := context.Background()
	slug := "04 邊緣 AI & more #1"
	for _, ext := range []string{".md", ".mp3"} {
		data, err := os.ReadFile(filepath.Join(cfg.EpisodesDir(), "03-edge-ai-inference"+ext))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cfg.EpisodesDir(), slug+ext), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	st := mustOpen(t, cfg)
	data := readObject(t, st, config.FeedKey)
	for _, r := range feedRefs(t, []byte(data)) {
		if strings.ContainsFunc(r.url, func(c rune) bool { return c <= ' ' || c > '~' || c == '#' }) {
			t.Errorf("%q is not an ASCII URL", r.url)
		}
	}
	checkFeedResolves(t, cfg, st)
	findings, err := feed.Validate(ctx, strings.NewReader(data), feed.ValidateOptions{
		Fetcher: feed.DirFetcher(cfg.Publish.BaseURL, cfg.LocalStorageDir(), nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("%s", f)
	}
}

// An episode's language goes into its transcripts' language attribute:
// one that is not a language code is refused before anything is published.
func TestEpisodeLanguage(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	prependFrontMatter(t, cfg, "03-edge-ai-inference", `language = "Chinese"`)
	_, err := newPipeline(t, cfg, nil, Options{}).PublishAll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "03-edge-ai-inference.md") || !strings.Contains(err.Error(), `"Chinese"`) {
		t.Fatalf("err = %v, want one naming 03-edge-ai-inference.md and the language", err)
	}
	if _, _, err := mustOpen(t, cfg).Get(context.Background(), config.FeedKey); err == nil {
		t.Errorf("a feed was published despite the error")
	}
}

// A show.guid set after the show was published does not replace the
// published podcast:guid (it never changes), nor any episode's guid, and
// the publisher is told so.
func TestShowGUIDAfterPublish(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	ctx := context.Background()
	if _, err := newPipeline(t, cfg, nil, Options{}).PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
	st := mustOpen(t, cfg)
	before := readManifest(t, st)
	cfg.Show.GUID = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
	var log bytes.Buffer
	p := NewWithStore(cfg, st, Options{Log: &log, Align: "none", Force: true})
	if _, err := p.PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
	after := readManifest(t, st)
	if after.GUID != before.GUID {
		t.Errorf("podcast:guid changed from %s to %s", before.GUID, after.GUID)
	}
	for _, e := range before.Episodes {
		if a := after.Find(e.Slug); a == nil || a.GUID != e.GUID {
			t.Errorf("%s: guid %s changed to %+v", e.Slug, e.GUID, a)
		}
	}
	if !strings.Contains(log.String(), "warning: show.guid "+cfg.Show.GUID) {
		t.Errorf("no warning that show.guid is not used; log:\n%s", log.String())
	}
}

// Apple rejects artwork that is not square, 1400 to 3000 px, RGB; a
// publish says so about the show's cover and an episode's picture.
func TestArtworkWarnings(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	ctx := context.Background()
	writePNG(t, filepath.Join(cfg.EpisodesDir(), "01-p99-observability.png"), color.White)
	var log bytes.Buffer
	if _, err := NewWithStore(cfg, mustOpen(t, cfg), Options{Log: &log, Align: "none"}).Publish(ctx, []string{"01-p99-observability"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "01-p99-observability.png: 8×8 px; Apple asks for square artwork of 1400 to 3000 px") {
		t.Errorf("no warning about the episode's 8×8 picture; log:\n%s", log.String())
	}
	if strings.Contains(log.String(), "show.image") {
		t.Errorf("a warning about the sample's 1400×1400 cover; log:\n%s", log.String())
	}

	writePNG(t, filepath.Join(cfg.Dir, "small.png"), color.Black)
	cfg.Show.Image = "small.png"
	log.Reset()
	if _, err := NewWithStore(cfg, mustOpen(t, cfg), Options{Log: &log, Align: "none"}).BuildFeed(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "small.png (show.image): 8×8 px") {
		t.Errorf("no warning about the 8×8 cover; log:\n%s", log.String())
	}
}

// A show switched to serial after an unnumbered episode was published
// gets no feed without itunes:episode on every item: feed build and a
// publish of another episode say which episodes need a number.
func TestSwitchToSerial(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	ctx := context.Background()
	dir := cfg.EpisodesDir()
	for _, ext := range []string{".md", ".mp3"} {
		data, err := os.ReadFile(filepath.Join(dir, "03-edge-ai-inference"+ext))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "bonus"+ext), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{"bonus"}); err != nil {
		t.Fatal(err)
	}
	st := mustOpen(t, cfg)
	feedBefore := readObject(t, st, config.FeedKey)
	cfg.Show.Type = "serial"
	if _, err := newPipeline(t, cfg, nil, Options{}).BuildFeed(ctx); err == nil || !strings.Contains(err.Error(), "bonus") {
		t.Errorf("feed build: err = %v, want one naming bonus", err)
	}
	if _, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{"01-p99-observability"}); err == nil || !strings.Contains(err.Error(), "bonus") {
		t.Errorf("publish: err = %v, want one naming bonus", err)
	}
	if readObject(t, st, config.FeedKey) != feedBefore {
		t.Errorf("the published feed changed")
	}
	// Numbered and published again, it is fine.
	prependFrontMatter(t, cfg, "bonus", "episode = 4")
	if _, err := newPipeline(t, cfg, nil, Options{}).PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
}

// An episode without a language of its own follows show.language, also
// when only the feed is rebuilt after it changed.
func TestShowLanguageChange(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	ctx := context.Background()
	if _, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{"01-p99-observability"}); err != nil {
		t.Fatal(err)
	}
	cfg.Show.Language = "zh-Hant-TW"
	if _, err := newPipeline(t, cfg, nil, Options{}).BuildFeed(ctx); err != nil {
		t.Fatal(err)
	}
	data := readObject(t, mustOpen(t, cfg), config.FeedKey)
	if n := strings.Count(data, `language="zh-Hant-TW"`); n != 5 {
		t.Errorf("%d transcripts in zh-Hant-TW, want all 5; feed:\n%s", n, data)
	}
}

// feed build --dry-run writes nothing, not even the manifest.
func TestBuildFeedDryRun(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	ctx := context.Background()
	if _, err := newPipeline(t, cfg, nil, Options{DryRun: true}).BuildFeed(ctx); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(cfg.LocalStorageDir())
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("dry run wrote %s", e.Name())
	}
}
