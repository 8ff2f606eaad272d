package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/config"
)

// publishedFiles reads every object a local store holds, by key: its
// bytes, then its content type, cache control and metadata as the store
// reports them (the store's own bookkeeping, its file times, aside).
func publishedFiles(t *testing.T, cfg *config.Config) map[string][]byte {
	t.Helper()
	dir := cfg.LocalStorageDir()
	st, err := OpenStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".podpipe" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		k, _ := filepath.Rel(dir, p)
		k = filepath.ToSlash(k)
		info, err := st.Stat(context.Background(), k)
		if err != nil {
			return err
		}
		meta, _ := json.Marshal([]any{info.ContentType, info.CacheControl, info.Metadata})
		out[k] = append(data, meta...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestJobsPublishTheSame publishes the sample show one episode at a time
// and two at once: the store must end with the same objects, byte for
// byte, and the log with each episode's lines together.
func TestJobsPublishTheSame(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes the sample show twice")
	}
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	publish := func(jobs int) (map[string][]byte, string) {
		cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
		p := newPipeline(t, cfg, nil, Options{Jobs: jobs, Now: func() time.Time { return now }})
		var log bytes.Buffer
		p.opt.Log, p.log = &log, &log
		if _, err := p.PublishAll(context.Background()); err != nil {
			t.Fatalf("--jobs %d: %v\n%s", jobs, err, log.String())
		}
		return publishedFiles(t, cfg), log.String()
	}
	one, _ := publish(1)
	two, log := publish(2)
	if len(one) == 0 {
		t.Fatal("nothing published")
	}
	for k, v := range one {
		if w, ok := two[k]; !ok {
			t.Errorf("--jobs 2 did not publish %s", k)
		} else if !bytes.Equal(v, w) {
			t.Errorf("%s differs between --jobs 1 and --jobs 2", k)
		}
	}
	for k := range two {
		if _, ok := one[k]; !ok {
			t.Errorf("--jobs 2 published %s, --jobs 1 did not", k)
		}
	}
	// Each episode's "built" line comes before any other episode's
	// upload, and the episodes in slug order.
	var built []string
	for _, l := range strings.Split(log, "\n") {
		if s, ok := strings.CutPrefix(l, "built: "); ok {
			built = append(built, strings.Fields(s)[0])
		}
	}
	want := []string{"01-p99-observability", "02-kubernetes-cost", "03-edge-ai-inference", "04-platform-engineering"}
	if strings.Join(built, " ") != strings.Join(want, " ") {
		t.Errorf("built lines in order %v, want %v", built, want)
	}
}

// TestJobsFailureNamesTheEpisode: one episode failing in the build pool
// (its chapters) while others build stops the publish with that
// episode's error, not the cancellation of the rest, and publishes no
// feed.
func TestJobsFailureNamesTheEpisode(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, "00:00:%02d.%03d 第 %d 段\n", i/5, i%5*200, i+1)
	}
	if err := os.WriteFile(filepath.Join(cfg.EpisodesDir(), "02-kubernetes-cost.chapters.txt"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := newPipeline(t, cfg, nil, Options{Jobs: 2}).PublishAll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "02-kubernetes-cost.chapters.txt:256: more than 255 chapters") {
		t.Fatalf("err = %v, want the chapters file's", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.LocalStorageDir(), "feed.xml")); err == nil {
		t.Error("a feed was published")
	}
}

func TestParseShard(t *testing.T) {
	for _, s := range []string{"1/1", "2/4", " 4 / 4 "} {
		if _, err := ParseShard(s); err != nil {
			t.Errorf("ParseShard(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "0/4", "5/4", "1", "a/b", "1/0", "-1/2"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("ParseShard(%q) took it", s)
		}
	}
	// Every slug falls to exactly one shard.
	for _, slug := range []string{"01-a", "02-b", "03-c", "x", ""} {
		n := 0
		for k := 1; k <= 4; k++ {
			if (Shard{K: k, N: 4}).has(slug) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%q is in %d of 4 shards", slug, n)
		}
	}
}
