package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/internal/diskfault"
	"github.com/podpipe/podpipe/internal/faultproxy"
	"github.com/podpipe/podpipe/internal/s3test"
	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/storage/local"
	"github.com/podpipe/podpipe/storage/s3"
)

// goInternals matches what a message meant for a user must not hold: a
// Go type name, a printed struct or pointer, a formatting slip, the SDK's
// own paragraph.
var goInternals = regexp.MustCompile(`\*?\b[a-z][a-z0-9]*\.[A-Z]\w*(Error|Exception)\b|&\{|%!|\bgoroutine\b|panic|operation error|https response error|0x[0-9a-f]{6,}`)

// checkOneLine checks that err, when not nil, is one line a user can read.
func checkOneLine(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || goInternals.MatchString(msg) || len(msg) > 400 {
		t.Errorf("not one clear line: %q", msg)
	}
}

// checkConsistent checks what a reader of the store sees, whatever the
// last run did: a well-formed feed linking only objects that exist with
// the length it claims, pages linking only objects that exist, and every
// object the manifest records there, with its size (but for a page).
func checkConsistent(t *testing.T, cfg *config.Config, st storage.Store) {
	t.Helper()
	checkFeedResolves(t, cfg, st)
	checkPagesResolve(t, st)
	m := readManifest(t, st)
	for i := range m.Episodes {
		for _, o := range objectsOf(&m.Episodes[i]) {
			info, err := st.Stat(context.Background(), o.Key)
			if err != nil {
				t.Errorf("the manifest records %s: %v", o.Key, err)
			} else if o.Size > 0 && info.Size != o.Size && o.Key != m.Episodes[i].Page.Key {
				// A page has a stable name: one the manifest records
				// but whose upload failed is the older rendering until
				// the next run rebuilds it.
				t.Errorf("the manifest records %s of %d bytes; it has %d", o.Key, o.Size, info.Size)
			}
		}
	}
}

var contentHash = regexp.MustCompile(`-[0-9a-f]{12}\.`)

// keysOf lists every key under the store, and fails on anything an
// interrupted upload left: an incomplete multipart upload.
func keysOf(t *testing.T, st storage.Store) []string {
	t.Helper()
	ctx := context.Background()
	objs, err := st.(storage.Lister).List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range objs {
		// The audio's hash depends on the base URL in its tags, which
		// differs from one case to the next: what is compared is how
		// many objects of each kind each episode has.
		keys = append(keys, contentHash.ReplaceAllString(o.Key, "-HASH."))
	}
	slices.Sort(keys)
	left, err := st.(storage.Sweeper).Leftovers(ctx, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range left {
		t.Errorf("left behind: %s (%s)", l.Name, l.ID)
	}
	return keys
}

// TestFaultCampaign publishes the sample show to versitygw through a proxy
// that fails a share of the requests (5xx answers, connection resets
// before the request and in the middle of the answer, stalls), for
// several seeds. Each run either completes, the client retrying, or
// fails with one line; after it, the store as read directly links only
// objects that exist; a run without faults then completes, and leaves
// the very objects a publish that never met a fault leaves, with no
// incomplete upload.
func TestFaultCampaign(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	now := func() time.Time { return time.Date(2025, 9, 24, 12, 0, 0, 0, time.UTC) }
	opt := Options{Now: now}
	// 04's audio is over 5 MiB: with 5 MiB parts it goes up as a
	// multipart upload, whose parts and completion meet faults too.
	const partSize = 5 << 20

	// publishSteps is the history every case starts from: two episodes
	// published, then 01 edited, so that the faulty run replaces objects,
	// supersedes others and adds episodes.
	setUp := func(t *testing.T, prefix string) *config.Config {
		// A base URL that is the same every run (not versitygw's, whose
		// port is not): the audio's tags carry it, so its keys, and the
		// requests a seed fails, are the same every run too.
		cfg := sampleShow(t, "s3://"+bucket+"/"+prefix, endpoint, "https://podcast.example.com/"+prefix+"/")
		if _, err := newPipeline(t, cfg, nil, opt).Publish(ctx, []string{"01-p99-observability", "02-kubernetes-cost"}); err != nil {
			t.Fatal(err)
		}
		md := filepath.Join(cfg.EpisodesDir(), "01-p99-observability.md")
		src, err := os.ReadFile(md)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(md, []byte(strings.Replace(string(src), "## 對談內容", "## 對談內容\n\n### 開場", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		return cfg
	}

	// What a publish that meets no fault leaves.
	var want []string
	t.Run("reference", func(t *testing.T) {
		cfg := setUp(t, "reference")
		if _, err := newPipeline(t, cfg, nil, opt).PublishAll(ctx); err != nil {
			t.Fatal(err)
		}
		st := mustOpen(t, cfg)
		checkConsistent(t, cfg, st)
		want = keysOf(t, st)
	})
	if len(want) == 0 {
		t.FailNow()
	}

	type outcome struct {
		name     string
		requests int
		injected map[faultproxy.Fault]int
		err      error
	}
	var outcomes []outcome
	cases := []struct {
		faults []faultproxy.Fault
		share  float64
		seeds  []uint64
	}{
		{[]faultproxy.Fault{faultproxy.Status}, 0.2, []uint64{1, 2}},
		{[]faultproxy.Fault{faultproxy.ResetRequest}, 0.2, []uint64{3, 4}},
		{[]faultproxy.Fault{faultproxy.ResetAnswer}, 0.2, []uint64{5, 6}},
		{[]faultproxy.Fault{faultproxy.Stall}, 0.1, []uint64{7}},
		{faultproxy.All, 0.1, []uint64{8, 9}},
		{faultproxy.All, 0.4, []uint64{10}},
	}
	for _, c := range cases {
		for _, seed := range c.seeds {
			var kinds []string
			for _, f := range c.faults {
				kinds = append(kinds, string(f))
			}
			name := fmt.Sprintf("%s/%v/seed%d", strings.Join(kinds, "+"), c.share, seed)
			prefix := fmt.Sprintf("seed%d", seed)
			t.Run(name, func(t *testing.T) {
				cfg := setUp(t, prefix)
				direct := mustOpen(t, cfg)
				proxy, err := faultproxy.Start(endpoint, faultproxy.Options{
					Seed: seed, Share: c.share, Faults: c.faults, StallMax: 30 * time.Second,
				})
				if err != nil {
					t.Fatal(err)
				}
				defer proxy.Close()

				// A stall costs a second, a retry a few milliseconds.
				rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
				defer cancel()
				st, err := s3.New(rctx, s3.Options{
					Bucket: bucket, Prefix: prefix, Endpoint: proxy.URL, PathStyle: true,
					PartSize:   partSize,
					Timeouts:   s3.Timeouts{Connect: 10 * time.Second, FirstByte: time.Second, Idle: time.Second, Answer: 10 * time.Second},
					MaxBackoff: 20 * time.Millisecond,
				})
				if err == nil {
					_, err = newPipeline(t, cfg, st, opt).PublishAll(rctx)
				}
				checkOneLine(t, err)
				if rctx.Err() != nil {
					t.Fatalf("the faulty run did not end in 2 minutes: %v", err)
				}
				outcomes = append(outcomes, outcome{name, proxy.Requests(), proxy.Injected(), err})
				t.Logf("%d requests, faults %v: %v", proxy.Requests(), proxy.Log(), err)
				checkConsistent(t, cfg, direct)

				// Without faults the next run completes what this one
				// did not, and leaves what a faultless history leaves.
				if _, err := newPipeline(t, cfg, direct, opt).PublishAll(ctx); err != nil {
					t.Fatalf("the run after the faults: %v", err)
				}
				checkConsistent(t, cfg, direct)
				if n := len(feedItems(t, direct)); n != 4 {
					t.Errorf("the feed holds %d episodes, want 4", n)
				}
				if got := keysOf(t, direct); !slices.Equal(got, want) {
					t.Errorf("objects after the faults and a clean run:\n%v\nwant, as without faults:\n%v", got, want)
				}
			})
		}
	}
	// Which requests a seed fails depends on the requests made, and so,
	// under load, on a slow answer timing out: what is certain is that
	// the campaign met every kind of fault.
	completed, failed := 0, 0
	injected := map[faultproxy.Fault]int{}
	for _, o := range outcomes {
		if o.err == nil {
			completed++
		} else {
			failed++
		}
		for f, n := range o.injected {
			injected[f] += n
		}
		t.Logf("%s: %d requests, injected %v, error: %v", o.name, o.requests, o.injected, o.err)
	}
	t.Logf("%d faulty runs: %d completed, %d failed cleanly; faults injected: %v", len(outcomes), completed, failed, injected)
	for _, f := range faultproxy.All {
		if injected[f] == 0 {
			t.Errorf("no %s fault injected in the campaign", f)
		}
	}
}

// tempFiles lists the temporary files of unfinished writes in the local
// store dir, and the empty folders they were to go in.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".podpipe-tmp-") {
			out = append(out, p)
		}
		// The staging folder is the store's own, kept between runs; what
		// is left in it is caught by its name above.
		staging := p == filepath.Join(dir, local.HiddenDir, "tmp")
		if entries, err := os.ReadDir(p); d.IsDir() && !staging && err == nil && len(entries) == 0 {
			out = append(out, p+"/")
		}
		return nil
	})
	return out
}

// editedShow publishes two episodes of the sample show to a local store,
// then edits the first: the next publish show replaces objects and adds
// episodes. It returns the published feed.
func editedShow(t *testing.T) (*config.Config, storage.Store, []byte) {
	t.Helper()
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	st := mustOpen(t, cfg)
	if _, err := newPipeline(t, cfg, st, Options{}).Publish(context.Background(), []string{"01-p99-observability", "02-kubernetes-cost"}); err != nil {
		t.Fatal(err)
	}
	md := filepath.Join(cfg.EpisodesDir(), "01-p99-observability.md")
	src, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(md, []byte(strings.Replace(string(src), "## 對談內容", "## 對談內容\n\n### 開場", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	feed, err := os.ReadFile(filepath.Join(cfg.LocalStorageDir(), config.FeedKey))
	if err != nil {
		t.Fatal(err)
	}
	return cfg, st, feed
}

// checkRefusedWrite checks a publish into a store that cannot take it:
// one line naming the store and saying why, the published feed byte for
// byte as it was and linking objects that exist, no temporary file left.
func checkRefusedWrite(t *testing.T, cfg *config.Config, st storage.Store, err error, why string, feed []byte) {
	t.Helper()
	store := cfg.LocalStorageDir()
	if err == nil {
		t.Fatalf("publish succeeded; want it to fail with %q", why)
	}
	checkOneLine(t, err)
	if msg := err.Error(); !strings.Contains(msg, store) || !strings.Contains(msg, why) {
		t.Errorf("err = %q, want one naming %s and saying %q", msg, store, why)
	}
	now, rerr := os.ReadFile(filepath.Join(store, config.FeedKey))
	if rerr != nil || !bytes.Equal(now, feed) {
		t.Errorf("the published feed changed (%v)", rerr)
	}
	checkConsistent(t, cfg, st)
	if left := tempFiles(t, store); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestFullDisk: publish show into a local store on a disk that fills up
// at one point of the publish after another (each run with more room
// than the one before, as when a user frees some). Each run that fails
// says "no space left" in one line naming the store, and leaves the feed
// as it was and no temporary file; the first with room enough completes.
// Then, with only small files to write (an edited transcript, the pages,
// the manifest, the feed and their sidecars), again with finer steps.
func TestFullDisk(t *testing.T) {
	cfg, st, feed := editedShow(t)
	ctx := context.Background()
	hit := map[string]bool{} // where a run met the full disk
	fillUp := func(from int64, grow func(int64) int64) int {
		failed := 0
		for room := from; ; room = grow(room) {
			undo := diskfault.Set(diskfault.Fault{Dir: cfg.LocalStorageDir(), Err: syscall.ENOSPC, Room: room})
			_, err := newPipeline(t, cfg, st, Options{}).PublishAll(ctx)
			undo()
			if err == nil {
				return failed
			}
			failed++
			t.Logf("%d bytes of room: %v", room, err)
			for _, at := range []string{"manifest", ".html", config.FeedKey} {
				if strings.Contains(err.Error(), "put "+at) || strings.Contains(err.Error(), at+":") {
					hit[at] = true
				}
			}
			checkRefusedWrite(t, cfg, st, err, "no space left on device", feed)
			if room > 1<<30 {
				t.Fatalf("publish fails with %d bytes of room: %v", room, err)
			}
		}
	}
	if n := fillUp(1<<10, func(n int64) int64 { return n * 4 }); n < 4 {
		t.Errorf("only %d runs met a full disk", n)
	}
	checkConsistent(t, cfg, st)
	if n := len(feedItems(t, st)); n != 4 {
		t.Errorf("the feed holds %d episodes, want 4", n)
	}

	md := filepath.Join(cfg.EpisodesDir(), "02-kubernetes-cost.md")
	src, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(md, []byte(strings.Replace(string(src), "## 對談內容", "## 對談內容\n\n### 開場", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if feed, err = os.ReadFile(filepath.Join(cfg.LocalStorageDir(), config.FeedKey)); err != nil {
		t.Fatal(err)
	}
	// Steps of a quarter: the disk fills in the manifest, in a page, in
	// the feed, in their sidecars.
	if n := fillUp(1<<10, func(n int64) int64 { return n * 5 / 4 }); n < 6 {
		t.Errorf("only %d runs met a full disk", n)
	}
	if len(hit) != 3 {
		t.Errorf("the disk was full in the writes of %v; want the manifest, a page and the feed", hit)
	}
	checkConsistent(t, cfg, st)
	if left := tempFiles(t, cfg.LocalStorageDir()); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestReadOnlyStore: publish show into a local store that cannot be
// written fails in one line naming the store, with the feed as it was;
// once writable again, publish show completes.
func TestReadOnlyStore(t *testing.T) {
	cfg, st, feed := editedShow(t)
	ctx := context.Background()
	store := cfg.LocalStorageDir()
	why := "permission denied"
	var restore func()
	if os.Geteuid() == 0 {
		// Root writes into a directory without write permission, and a
		// read-only mount needs one: the store meets the error a
		// read-only file system gives instead.
		why = "read-only file system"
		restore = diskfault.Set(diskfault.Fault{Dir: store, Err: syscall.EROFS})
	} else {
		var dirs []string
		filepath.WalkDir(store, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		for _, d := range dirs {
			if err := os.Chmod(d, 0o555); err != nil {
				t.Fatal(err)
			}
		}
		restore = func() {
			for _, d := range dirs {
				os.Chmod(d, 0o755)
			}
		}
	}
	_, err := newPipeline(t, cfg, st, Options{}).PublishAll(ctx)
	restore()
	t.Logf("read-only: %v", err)
	checkRefusedWrite(t, cfg, st, err, why, feed)
	if _, err := newPipeline(t, cfg, st, Options{}).PublishAll(ctx); err != nil {
		t.Fatalf("once writable: %v", err)
	}
	checkConsistent(t, cfg, st)
	if n := len(feedItems(t, st)); n != 4 {
		t.Errorf("the feed holds %d episodes, want 4", n)
	}
}
