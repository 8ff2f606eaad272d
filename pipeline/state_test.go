package pipeline

import (
	"bytes"
	"context"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/internal/faultproxy"
	"github.com/podpipe/podpipe/internal/s3test"
	"github.com/podpipe/podpipe/storage"
)

// feedItems returns the guid of every item of the published feed.
func feedItems(t *testing.T, st storage.Store) []string {
	t.Helper()
	rc, _, err := st.Get(context.Background(), config.FeedKey)
	if err != nil {
		t.Fatalf("feed: %v", err)
	}
	defer rc.Close()
	var rss struct {
		GUIDs []string `xml:"channel>item>guid"`
	}
	if err := xml.NewDecoder(rc).Decode(&rss); err != nil {
		t.Fatalf("feed: %v", err)
	}
	slices.Sort(rss.GUIDs)
	return rss.GUIDs
}

// logged runs a pipeline step with its log kept, for the test to read.
func logged(t *testing.T, cfg *config.Config, st storage.Store, opt Options) (*Pipeline, *bytes.Buffer) {
	t.Helper()
	p := newPipeline(t, cfg, st, opt)
	var log bytes.Buffer
	p.opt.Log, p.log = &log, &log
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log.String())
		}
	})
	return p, &log
}

// TestUnpublishedState: an unpublished episode is recorded as such;
// publish show passes it over and says so; publish episode brings it back
// with the guid it had, and says so.
func TestUnpublishedState(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	st := mustOpen(t, cfg)
	const slug = "03-edge-ai-inference"
	if _, err := newPipeline(t, cfg, st, Options{}).PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
	guid := readManifest(t, st).Find(slug).GUID
	published := len(feedItems(t, st))
	if _, err := newPipeline(t, cfg, st, Options{}).Unpublish(ctx, slug, false); err != nil {
		t.Fatal(err)
	}
	if got := feedItems(t, st); len(got) != published-1 || slices.Contains(got, guid) {
		t.Fatalf("after unpublish the feed lists %v", got)
	}

	p, log := logged(t, cfg, st, Options{})
	res, err := p.PublishAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "skipped: "+slug+" (unpublished on ") {
		t.Errorf("publish show does not say it passed %s over", slug)
	}
	if len(res.Uploaded) != 0 {
		t.Errorf("publish show uploaded %v", res.Uploaded)
	}
	m := readManifest(t, st)
	if m.Find(slug) != nil || m.FindUnpublished(slug) == nil {
		t.Fatalf("publish show brought %s back", slug)
	}
	if got := feedItems(t, st); len(got) != published-1 || slices.Contains(got, guid) {
		t.Errorf("after publish show the feed lists %v", got)
	}
	// Its objects stay, kept by the manifest: nothing is superseded.
	if len(m.Superseded) != 0 {
		t.Errorf("superseded %v", m.Superseded)
	}

	p, log = logged(t, cfg, st, Options{})
	if _, err := p.Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "publishing again: "+slug+" (unpublished on ") {
		t.Errorf("publish episode does not say it publishes %s again", slug)
	}
	m = readManifest(t, st)
	if e := m.Find(slug); e == nil || e.GUID != guid || m.FindUnpublished(slug) != nil {
		t.Fatalf("publish episode did not bring %s back with guid %s: %+v", slug, guid, e)
	}
	if got := feedItems(t, st); len(got) != published || !slices.Contains(got, guid) {
		t.Errorf("after publish episode the feed lists %v", got)
	}
	checkFeedResolves(t, cfg, st)

	// Unpublishing it twice says so and changes nothing.
	if _, err := newPipeline(t, cfg, st, Options{}).Unpublish(ctx, slug, false); err != nil {
		t.Fatal(err)
	}
	p, log = logged(t, cfg, st, Options{})
	if _, err := p.Unpublish(ctx, slug, false); err != nil || !strings.Contains(log.String(), "already unpublished: "+slug) {
		t.Errorf("second unpublish: %v", err)
	}
}

// holdingProxy forwards requests to an S3 endpoint, holding the first PUT
// of the feed until released: a slow network or proxy in front of one
// publisher.
type holdingProxy struct {
	*faultproxy.Proxy
	held    chan struct{} // closed when the feed PUT is held
	release chan struct{} // close to let it through
}

func newHoldingProxy(t *testing.T, endpoint string) *holdingProxy {
	h := &holdingProxy{held: make(chan struct{}), release: make(chan struct{})}
	var once sync.Once
	var err error
	h.Proxy, err = faultproxy.Start(endpoint, faultproxy.Options{Hook: func(r *http.Request) {
		if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/"+config.FeedKey) {
			once.Do(func() {
				close(h.held)
				select {
				case <-h.release:
				case <-time.After(60 * time.Second):
				}
			})
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// TestDelayedFeedUpload: publisher A's feed upload is held behind a
// proxy while publisher B publishes another episode; when A's upload goes
// through at last, the published feed is still the newest manifest's,
// with both episodes.
func TestDelayedFeedUpload(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	proxy := newHoldingProxy(t, endpoint)
	base := endpoint + "/" + bucket + "/show/"
	cfgA := sampleShow(t, "s3://"+bucket+"/show", proxy.URL, base)
	cfgB := sampleShow(t, "s3://"+bucket+"/show", endpoint, base)
	ctx := context.Background()
	pA, logA := logged(t, cfgA, nil, Options{})
	pB := newPipeline(t, cfgB, nil, Options{})

	done := make(chan error, 1)
	go func() {
		_, err := pA.Publish(ctx, []string{"01-p99-observability"})
		done <- err
	}()
	select {
	case <-proxy.held:
	case err := <-done:
		t.Fatalf("A finished without uploading its feed: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("A's feed upload never reached the proxy")
	}
	// A has written the manifest and waits on its feed upload.
	if _, err := pB.Publish(ctx, []string{"02-kubernetes-cost"}); err != nil {
		t.Fatalf("B: %v", err)
	}
	close(proxy.release)
	if err := <-done; err != nil {
		t.Fatalf("A: %v", err)
	}
	if !strings.Contains(logA.String(), "newer: feed.xml") {
		t.Errorf("A did not find the newer feed")
	}

	st := mustOpen(t, cfgB)
	m := readManifest(t, st)
	var want []string
	for _, e := range m.Episodes {
		want = append(want, e.GUID)
	}
	slices.Sort(want)
	if got := feedItems(t, st); len(want) != 2 || !slices.Equal(got, want) {
		t.Errorf("the feed lists %v, the manifest %v: want both episodes in both", got, want)
	}
	checkFeedResolves(t, cfgB, st)
}

// TestSweepLeftovers: what a killed run left behind more than a day ago
// (a work folder, a temporary file in the store) is removed by the next
// publish; what a run still going has (younger) is not.
func TestSweepLeftovers(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx := context.Background()
	st := mustOpen(t, cfg)
	if _, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{"01-p99-observability"}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-25 * time.Hour)
	leave := func(p string, dir bool) {
		var err error
		if dir {
			err = os.MkdirAll(filepath.Join(p, "x"), 0o755)
			if err == nil {
				err = os.WriteFile(filepath.Join(p, "x", "audio.mp3"), []byte("tagged audio"), 0o644)
			}
		} else {
			err = os.WriteFile(p, []byte("half an upload"), 0o644)
		}
		if err == nil {
			err = os.Chtimes(p, old, old)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	store := cfg.LocalStorageDir()
	leave(filepath.Join(tmp, workPrefix+"killed"), true)
	leave(filepath.Join(store, "episodes", ".podpipe-tmp-killed"), false)
	young := filepath.Join(store, "episodes", ".podpipe-tmp-running")
	if err := os.WriteFile(young, []byte("being written"), 0o644); err != nil {
		t.Fatal(err)
	}

	dry, err := newPipeline(t, cfg, st, Options{DryRun: true}).Publish(ctx, []string{"01-p99-observability"})
	if err != nil {
		t.Fatal(err)
	}
	real, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{"01-p99-observability"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(tmp, workPrefix+"killed"), "episodes/.podpipe-tmp-killed"}
	for _, r := range []*Result{dry, real} {
		if !slices.Equal(r.Removed, want) {
			t.Errorf("dry run %v: removed %v, want %v", r.DryRun, r.Removed, want)
		}
	}
	for _, p := range want[:1] {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(store, "episodes", ".podpipe-tmp-killed")); !os.IsNotExist(err) {
		t.Errorf("the killed upload's temporary file is left: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("the running upload's temporary file: %v", err)
	}
	// The run's own work folder is gone too.
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), workPrefix) {
			t.Errorf("%s left in the temporary folder", e.Name())
		}
	}
}

var hrefs = regexp.MustCompile(`(?:href|src)="([^"#]+)"`)

// checkPagesResolve checks that every relative link of every published
// page names an object of the store, and returns the links.
func checkPagesResolve(t *testing.T, st storage.Store) map[string][]string {
	t.Helper()
	ctx := context.Background()
	links := map[string][]string{}
	for _, e := range readManifest(t, st).Episodes {
		rc, _, err := st.Get(ctx, e.Page.Key)
		if err != nil {
			t.Errorf("page of %s: %v", e.Slug, err)
			continue
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		for _, m := range hrefs.FindAllStringSubmatch(string(data), -1) {
			ref := html.UnescapeString(m[1])
			if strings.Contains(ref, "://") || strings.HasPrefix(ref, "mailto:") || strings.HasPrefix(ref, "data:") {
				continue
			}
			key, err := url.PathUnescape(path.Join(path.Dir(e.Page.Key), ref))
			if err != nil {
				t.Errorf("%s links %q: %v", e.Page.Key, ref, err)
				continue
			}
			links[e.Slug] = append(links[e.Slug], key)
			if _, err := st.Stat(ctx, key); err != nil {
				t.Errorf("%s links %s: %v", e.Page.Key, ref, err)
			}
		}
	}
	return links
}

// TestNeighbourPages: an episode's previous/next links lead only to
// published pages. Publishing an episode rebuilds the pages that link
// it; unpublishing it (and deleting it) rebuilds them without the link,
// and leaves no folder behind.
func TestNeighbourPages(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	st := mustOpen(t, cfg)
	const next = "episodes/03-edge-ai-inference.html"
	linksNext := func() bool { return slices.Contains(checkPagesResolve(t, st)["02-kubernetes-cost"], next) }

	// Every episode but 03, so that the show is whole once 03 is gone.
	if _, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{"01-p99-observability", "02-kubernetes-cost", "04-platform-engineering"}); err != nil {
		t.Fatal(err)
	}
	if linksNext() {
		t.Errorf("02's page links 03, not published")
	}
	if !slices.Contains(checkPagesResolve(t, st)["02-kubernetes-cost"], "episodes/01-p99-observability.html") {
		t.Errorf("02's page does not link 01: %v", checkPagesResolve(t, st))
	}
	p, log := logged(t, cfg, st, Options{})
	if _, err := p.Publish(ctx, []string{"03-edge-ai-inference"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "rebuilding: 02-kubernetes-cost (its page links 03-edge-ai-inference)") {
		t.Errorf("publishing 03 does not say it rebuilds 02")
	}
	if !linksNext() {
		t.Errorf("02's page does not link 03 once 03 is published")
	}
	if _, err := newPipeline(t, cfg, st, Options{}).Unpublish(ctx, "03-edge-ai-inference", true); err != nil {
		t.Fatal(err)
	}
	if linksNext() {
		t.Errorf("02's page links 03 after unpublish --delete")
	}
	if _, err := os.Stat(filepath.Join(cfg.LocalStorageDir(), "episodes", "03-edge-ai-inference")); !os.IsNotExist(err) {
		t.Errorf("unpublish --delete left the episode's folder: %v", err)
	}
	checkFeedResolves(t, cfg, st)
	// Republishing the show changes nothing: 03 stays unpublished, 02's
	// page as it is.
	res, err := newPipeline(t, cfg, st, Options{}).PublishAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploaded) != 0 {
		t.Errorf("publish show uploaded %v", res.Uploaded)
	}
}
