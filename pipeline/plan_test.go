package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestDryRunPlans: for each command, the dry run writes nothing and lists
// exactly the uploads and deletions the real run then makes.
func TestDryRunPlans(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	st := mustOpen(t, cfg)
	dir := cfg.LocalStorageDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var clock time.Duration // how far past start the commands run
	editChapters := func() {
		f, err := os.OpenFile(filepath.Join(cfg.EpisodesDir(), "02-kubernetes-cost.chapters.txt"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(f, "00:00:55 結語")
		f.Close()
	}
	steps := []struct {
		name    string
		prepare func()
		run     func(p *Pipeline) (*Result, error)
		want    func(uploaded, deleted []string) bool // what the real run must have done
	}{
		{"publish episode", nil,
			func(p *Pipeline) (*Result, error) { return p.Publish(ctx, []string{"01-p99-observability"}) },
			func(up, del []string) bool { return slices.Contains(up, "feed.xml") && len(del) == 0 }},
		{"publish show", nil,
			func(p *Pipeline) (*Result, error) { return p.PublishAll(ctx) },
			func(up, del []string) bool { return slices.Contains(up, "episodes/03-edge-ai-inference.html") }},
		{"publish show unchanged", nil,
			func(p *Pipeline) (*Result, error) { return p.PublishAll(ctx) },
			func(up, del []string) bool { return len(up) == 0 && len(del) == 0 }},
		{"chapters regenerate", editChapters,
			func(p *Pipeline) (*Result, error) { return p.Publish(ctx, []string{"02-kubernetes-cost"}) },
			func(up, del []string) bool { return len(up) == 4 && len(del) == 0 }},
		{"unpublish episode", nil,
			func(p *Pipeline) (*Result, error) { return p.Unpublish(ctx, "03-edge-ai-inference", false) },
			// The pages of 02 and 04, which linked 03, and the feed, twice:
			// once without 03, once with their new pages.
			func(up, del []string) bool {
				return slices.Equal(up, []string{"episodes/02-kubernetes-cost.html", "episodes/04-platform-engineering.html", "feed.xml", "feed.xml", homeKey}) && len(del) == 0
			}},
		{"unpublish episode --delete", nil,
			func(p *Pipeline) (*Result, error) { return p.Unpublish(ctx, "01-p99-observability", true) },
			func(up, del []string) bool {
				return slices.Equal(up, []string{"episodes/02-kubernetes-cost.html", "feed.xml", "feed.xml", homeKey}) && len(del) > 5
			}},
		{"publish episode unpublished", nil,
			func(p *Pipeline) (*Result, error) { return p.Publish(ctx, []string{"03-edge-ai-inference"}) },
			func(up, del []string) bool { return slices.Contains(up, "feed.xml") }},
		{"feed build", func() { cfg.Show.Title += " (new title)" },
			func(p *Pipeline) (*Result, error) { return p.BuildFeed(ctx) },
			func(up, del []string) bool { return slices.Equal(up, []string{"feed.xml", homeKey}) }},
		{"gc", func() { clock = 8 * 24 * time.Hour },
			func(p *Pipeline) (*Result, error) { return p.GC(ctx) },
			func(up, del []string) bool { return slices.Equal(up, []string{"feed.xml"}) && len(del) == 2 }},
		{"gc again", nil,
			func(p *Pipeline) (*Result, error) { return p.GC(ctx) },
			func(up, del []string) bool { return len(up) == 0 && len(del) == 0 }},
	}
	for _, s := range steps {
		if s.prepare != nil {
			s.prepare()
		}
		opt := func(dry bool) Options {
			return Options{DryRun: dry, Now: func() time.Time { return time.Now().Add(clock) }}
		}
		before := snapshot(t, dir)
		plan, err := s.run(newPipeline(t, cfg, st, opt(true)))
		if err != nil {
			t.Fatalf("%s --dry-run: %v", s.name, err)
		}
		if after := snapshot(t, dir); !bytes.Equal(before, after) {
			t.Errorf("%s --dry-run changed the store", s.name)
		}
		done, err := s.run(newPipeline(t, cfg, st, opt(false)))
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for _, l := range []struct {
			what       string
			plan, done []string
		}{
			{"uploads", plan.Uploaded, done.Uploaded},
			{"deletions", plan.Deleted, done.Deleted},
		} {
			slices.Sort(l.plan)
			slices.Sort(l.done)
			if !slices.Equal(l.plan, l.done) {
				t.Errorf("%s: the dry run lists %s %v, the real run made %v", s.name, l.what, l.plan, l.done)
			}
		}
		if plan.BytesUploaded != done.BytesUploaded {
			t.Errorf("%s: the dry run would upload %d bytes, the real run uploaded %d", s.name, plan.BytesUploaded, done.BytesUploaded)
		}
		if !s.want(done.Uploaded, done.Deleted) {
			t.Errorf("%s: uploaded %v, deleted %v: not what the command does", s.name, done.Uploaded, done.Deleted)
		}
	}
	checkFeedResolves(t, cfg, st)
}
