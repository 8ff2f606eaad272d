package pipeline

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/internal/s3test"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/storage/local"
)

// sampleShow copies the repository's sample show into a temporary folder
// and loads its config with the given [storage] and base URL.
func sampleShow(t *testing.T, storageURL, endpoint, baseURL string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"config.toml", "cover.jpg"} {
		data, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.CopyFS(filepath.Join(dir, "episodes"), os.DirFS("../episodes")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PODPIPE_STORAGE_URL", storageURL)
	t.Setenv("PODPIPE_STORAGE_ENDPOINT", endpoint)
	t.Setenv("PODPIPE_BASE_URL", baseURL)
	cfg, err := config.Load(filepath.Join(dir, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func newPipeline(t *testing.T, cfg *config.Config, st storage.Store, opt Options) *Pipeline {
	t.Helper()
	if opt.Align == "" {
		opt.Align = "none" // alignment has its own tests; these are about publishing
	}
	var log bytes.Buffer
	opt.Log = &log
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("publish log:\n%s", log.String())
		}
	})
	if st == nil {
		var err error
		st, err = OpenStore(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
	}
	return NewWithStore(cfg, st, opt)
}

// feedURLs lists every URL of the feed with the type and length it claims.
type feedRef struct {
	url, typ string
	length   int64
}

func feedRefs(t *testing.T, data []byte) []feedRef {
	t.Helper()
	var rss struct {
		Image struct {
			Href string `xml:"href,attr"`
		} `xml:"channel>image"`
		Items []struct {
			Link      string `xml:"link"`
			Enclosure struct {
				URL    string `xml:"url,attr"`
				Type   string `xml:"type,attr"`
				Length int64  `xml:"length,attr"`
			} `xml:"enclosure"`
			Transcripts []struct {
				URL  string `xml:"url,attr"`
				Type string `xml:"type,attr"`
			} `xml:"https://podcastindex.org/namespace/1.0 transcript"`
			Chapters struct {
				URL  string `xml:"url,attr"`
				Type string `xml:"type,attr"`
			} `xml:"https://podcastindex.org/namespace/1.0 chapters"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(data, &rss); err != nil {
		t.Fatalf("feed: %v", err)
	}
	var refs []feedRef
	if rss.Image.Href != "" {
		refs = append(refs, feedRef{url: rss.Image.Href, typ: "image/"})
	}
	for _, it := range rss.Items {
		refs = append(refs, feedRef{url: it.Link, typ: "text/html"})
		refs = append(refs, feedRef{url: it.Enclosure.URL, typ: it.Enclosure.Type, length: it.Enclosure.Length})
		for _, tr := range it.Transcripts {
			refs = append(refs, feedRef{url: tr.URL, typ: tr.Type})
		}
		if it.Chapters.URL != "" {
			refs = append(refs, feedRef{url: it.Chapters.URL, typ: it.Chapters.Type})
		}
	}
	return refs
}

// checkFeedResolves reads the published feed and checks that every URL in
// it names an object of the store with the type and length the feed says.
func checkFeedResolves(t *testing.T, cfg *config.Config, st storage.Store) int {
	t.Helper()
	ctx := context.Background()
	rc, info, err := st.Get(ctx, config.FeedKey)
	if err != nil {
		t.Fatalf("feed: %v", err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(info.ContentType, "application/rss+xml") {
		t.Errorf("feed Content-Type = %q", info.ContentType)
	}
	refs := feedRefs(t, data)
	if len(refs) < 8 {
		t.Fatalf("feed links only %d objects", len(refs))
	}
	for _, r := range refs {
		path, ok := strings.CutPrefix(r.url, cfg.Publish.BaseURL)
		if !ok {
			t.Errorf("%s is not under base_url %s", r.url, cfg.Publish.BaseURL)
			continue
		}
		key, err := url.PathUnescape(path)
		if err != nil {
			t.Errorf("%s: %v", r.url, err)
			continue
		}
		obj, err := st.Stat(ctx, key)
		if err != nil {
			t.Errorf("%s: %v", r.url, err)
			continue
		}
		if !strings.HasPrefix(obj.ContentType, r.typ) {
			t.Errorf("%s: Content-Type %q, the feed says %q", key, obj.ContentType, r.typ)
		}
		if r.length > 0 && obj.Size != r.length {
			t.Errorf("%s: %d bytes, the enclosure says %d", key, obj.Size, r.length)
		}
	}
	return len(refs)
}

// TestPublishS3 publishes the sample show to a real S3-compatible server
// with only [storage] changed, checks that every URL in the feed resolves
// to an object with the right type and length, and that a second publish
// uploads nothing.
func TestPublishS3(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	cfg := sampleShow(t, "s3://"+bucket+"/show", endpoint, endpoint+"/"+bucket+"/show/")
	ctx := context.Background()
	p := newPipeline(t, cfg, nil, Options{})
	res, err := p.PublishAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploaded) == 0 || res.BytesUploaded == 0 {
		t.Fatalf("nothing uploaded: %+v", res)
	}
	n := checkFeedResolves(t, cfg, p.store)
	t.Logf("%d objects uploaded, %d URLs in the feed resolve", len(res.Uploaded), n)

	res, err = newPipeline(t, cfg, nil, Options{}).PublishAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploaded) != 0 || res.BytesUploaded != 0 {
		t.Errorf("republish uploaded %v (%d bytes), want nothing", res.Uploaded, res.BytesUploaded)
	}
}

// TestS3Errors: a bucket that does not exist and wrong credentials give one
// line that names the store, never the secret.
func TestS3Errors(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()

	cfg := sampleShow(t, "s3://no-such-bucket/show", endpoint, "http://127.0.0.1:8080/")
	_, err := OpenStore(ctx, cfg)
	if err == nil || !strings.Contains(err.Error(), "no-such-bucket") || strings.Contains(err.Error(), "\n") {
		t.Errorf("missing bucket: err = %v", err)
	}

	cfg = sampleShow(t, "s3://"+bucket+"/show", endpoint, "http://127.0.0.1:8080/")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-do-not-print")
	st, err := OpenStore(ctx, cfg)
	if err == nil {
		_, err = newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{"01-p99-observability"})
	}
	if err == nil || strings.Contains(err.Error(), "wrong-secret-do-not-print") || strings.Contains(err.Error(), "\n") {
		t.Errorf("wrong credentials: err = %v", err)
	}
}

// failingStore fails every Put of a key that matches, after the real store
// underneath has been given the chance to hold the earlier ones: a publish
// interrupted half way.
type failingStore struct {
	storage.Store
	match string
}

var errInjected = errors.New("injected failure")

func (s failingStore) Put(ctx context.Context, key string, r io.Reader, size int64, o storage.PutOptions) (storage.ObjectInfo, error) {
	if strings.Contains(key, s.match) {
		return storage.ObjectInfo{}, errInjected
	}
	return s.Store.Put(ctx, key, r, size, o)
}

// TestInterruptedPublish: a publish that fails at any upload leaves the
// published feed as it was, linking only objects that exist; running it
// again completes it.
func TestInterruptedPublish(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	st, err := local.New(cfg.LocalStorageDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{"01-p99-observability"}); err != nil {
		t.Fatal(err)
	}
	feedBefore, err := os.ReadFile(filepath.Join(cfg.LocalStorageDir(), "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	// An editor changes episode 01 and adds 02; the publish dies at each
	// kind of upload in turn.
	md := filepath.Join(cfg.EpisodesDir(), "01-p99-observability.md")
	src, _ := os.ReadFile(md)
	if err := os.WriteFile(md, bytes.Replace(src, []byte("## 對談內容"), []byte("## 對談內容\n\n### 開場"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	pagePath := filepath.Join(cfg.LocalStorageDir(), "episodes", "01-p99-observability.html")
	pageBefore, err := os.ReadFile(pagePath)
	if err != nil {
		t.Fatal(err)
	}
	// In the order of a publish: the content-hashed objects, the manifest,
	// the pages with stable names, the feed.
	for _, at := range []string{".mp3", ".vtt", "manifest.json", ".html", "feed.xml"} {
		_, err := newPipeline(t, cfg, failingStore{st, at}, Options{}).Publish(ctx, []string{"01-p99-observability", "02-kubernetes-cost"})
		if !errors.Is(err, errInjected) {
			t.Fatalf("failing at %s: err = %v", at, err)
		}
		feedNow, err := os.ReadFile(filepath.Join(cfg.LocalStorageDir(), "feed.xml"))
		if err != nil {
			t.Fatal(err)
		}
		if at != "feed.xml" && !bytes.Equal(feedNow, feedBefore) {
			t.Errorf("failing at %s changed the published feed", at)
		}
		// The page never runs ahead of the manifest.
		pageNow, err := os.ReadFile(pagePath)
		if err != nil {
			t.Fatal(err)
		}
		if (at == ".mp3" || at == ".vtt" || at == "manifest.json") && !bytes.Equal(pageNow, pageBefore) {
			t.Errorf("failing at %s changed the episode's page before the manifest", at)
		}
		checkFeedResolves(t, cfg, st)
	}
	res, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{"01-p99-observability", "02-kubernetes-cost"})
	if err != nil {
		t.Fatal(err)
	}
	if !contains(res.Uploaded, "feed.xml") {
		t.Errorf("the completing run did not upload the feed: %v", res.Uploaded)
	}
	checkFeedResolves(t, cfg, st)
	// The superseded objects of the first publish are gone, the new ones there.
	m := readManifest(t, st)
	if len(m.Episodes) != 2 {
		t.Fatalf("manifest has %d episodes, want 2", len(m.Episodes))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func readManifest(t *testing.T, st storage.Store) *manifest.Manifest {
	t.Helper()
	rc, _, err := st.Get(context.Background(), manifest.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	m, err := manifest.Read(rc)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestConcurrentPublishers: publishers of different episodes at the same
// time never lose each other's episode (the manifest is written with
// If-Match and retried on a conflict), on both backends.
func TestConcurrentPublishers(t *testing.T) {
	t.Run("local", func(t *testing.T) {
		cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
		concurrentPublishers(t, cfg)
	})
	t.Run("s3", func(t *testing.T) {
		endpoint, bucket := s3test.Start(t)
		cfg := sampleShow(t, "s3://"+bucket+"/race", endpoint, endpoint+"/"+bucket+"/race/")
		concurrentPublishers(t, cfg)
	})
}

func concurrentPublishers(t *testing.T, cfg *config.Config) {
	ctx := context.Background()
	slugs := []string{"01-p99-observability", "02-kubernetes-cost", "03-edge-ai-inference"}
	var wg sync.WaitGroup
	errs := make([]error, len(slugs))
	for i, slug := range slugs {
		p := newPipeline(t, cfg, nil, Options{Now: func() time.Time { return time.Date(2025, 9, 24, 0, 0, i, 0, time.UTC) }})
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = p.Publish(ctx, []string{slug})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", slugs[i], err)
		}
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, st)
	var got []string
	for _, e := range m.Episodes {
		got = append(got, e.Slug)
	}
	if len(got) != len(slugs) {
		t.Errorf("manifest holds %v, want all of %v", got, slugs)
	}
	// The feed is the newest manifest's, whoever wrote it last: no feed
	// build is needed to bring it up to date.
	var guids []string
	for _, e := range m.Episodes {
		guids = append(guids, e.GUID)
	}
	slices.Sort(guids)
	if items := feedItems(t, st); !slices.Equal(items, guids) {
		t.Errorf("the feed lists %v, the manifest %v", items, guids)
	}
	checkFeedResolves(t, cfg, st)
	checkPagesResolve(t, st)
}

// TestRegenerateChapters: an editor adds a line to the chapters file; only
// the audio, the chapters JSON and the HTML page (whose chapter list
// changed) are uploaded again, then the manifest and the feed.
func TestRegenerateChapters(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	if _, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{"02-kubernetes-cost"}); err != nil {
		t.Fatal(err)
	}
	chFile := filepath.Join(cfg.EpisodesDir(), "02-kubernetes-cost.chapters.txt")
	f, err := os.OpenFile(chFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "00:00:55 結語")
	f.Close()
	res, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{"02-kubernetes-cost"})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, k := range res.Uploaded {
		kinds = append(kinds, filepath.Ext(k))
	}
	want := map[string]bool{".json": true, ".mp3": true, ".html": true, ".xml": true}
	if len(kinds) != len(want) {
		t.Errorf("uploaded %v, want one each of the chapters JSON, audio, page and feed", res.Uploaded)
	}
	for _, k := range kinds {
		if !want[k] {
			t.Errorf("uploaded %v: a %s did not change", res.Uploaded, k)
		}
	}
	for _, k := range res.Uploaded {
		if strings.HasSuffix(k, ".json") && !strings.HasSuffix(k, ".chapters.json") {
			t.Errorf("the transcript JSON %s was uploaded though unchanged", k)
		}
	}
	m := readManifest(t, mustOpen(t, cfg))
	e := m.Find("02-kubernetes-cost")
	if last := e.ChapterList[len(e.ChapterList)-1]; last.Title != "結語" || last.Start != 55 {
		t.Errorf("last chapter = %+v, want 結語 at 55 s", last)
	}
	// The superseded audio and chapters are kept, recorded as superseded,
	// for apps that still hold the previous feed.
	if len(res.Deleted) != 0 {
		t.Errorf("deleted %v at once; apps holding the previous feed still link them", res.Deleted)
	}
	if len(m.Superseded) != 2 {
		t.Fatalf("superseded %+v, want the previous audio and chapters JSON", m.Superseded)
	}
	st := mustOpen(t, cfg)
	for _, s := range m.Superseded {
		if _, err := st.Stat(ctx, s.Key); err != nil {
			t.Errorf("superseded %s: %v", s.Key, err)
		}
	}
	// A publish within the grace period keeps them; one after it deletes
	// them and forgets them.
	later := func(d time.Duration) Options {
		return Options{Now: func() time.Time { return time.Now().Add(d) }}
	}
	res, err = newPipeline(t, cfg, nil, later(6*24*time.Hour)).Publish(ctx, []string{"02-kubernetes-cost"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Deleted) != 0 || len(res.Uploaded) != 0 {
		t.Errorf("within the grace period: uploaded %v, deleted %v", res.Uploaded, res.Deleted)
	}
	res, err = newPipeline(t, cfg, nil, later(7*24*time.Hour+time.Minute)).Publish(ctx, []string{"02-kubernetes-cost"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Deleted) != 2 {
		t.Errorf("after the grace period deleted %v, want the 2 superseded", res.Deleted)
	}
	for _, s := range m.Superseded {
		if _, err := st.Stat(ctx, s.Key); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("expired %s still there: %v", s.Key, err)
		}
	}
	if m := readManifest(t, st); len(m.Superseded) != 0 {
		t.Errorf("the manifest still records %+v", m.Superseded)
	}
	checkFeedResolves(t, cfg, st)
}

func mustOpen(t *testing.T, cfg *config.Config) storage.Store {
	st, err := OpenStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
