package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/internal/faultproxy"
	"github.com/podpipe/podpipe/internal/s3test"
	"github.com/podpipe/podpipe/storage"
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
// object the manifest records there.
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
			} else if o.Size > 0 && info.Size != o.Size {
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
		cfg := sampleShow(t, "s3://"+bucket+"/"+prefix, endpoint, endpoint+"/"+bucket+"/"+prefix+"/")
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
		{[]faultproxy.Fault{faultproxy.Stall}, 0.05, []uint64{7}},
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
				if len(proxy.Injected()) == 0 {
					t.Errorf("no fault injected in %d requests", proxy.Requests())
				}
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
	completed, failed := 0, 0
	for _, o := range outcomes {
		if o.err == nil {
			completed++
		} else {
			failed++
		}
		t.Logf("%s: %d requests, injected %v, error: %v", o.name, o.requests, o.injected, o.err)
	}
	t.Logf("%d faulty runs: %d completed, %d failed cleanly", len(outcomes), completed, failed)
}
