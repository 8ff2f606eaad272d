package pipeline

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/storage/local"
)

// TestObjectsCountedOnce: the episode's page is also its html transcript;
// a republish reports it unchanged once and unpublish --delete deletes it
// once, so the counts the command prints are the store's.
func TestObjectsCountedOnce(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	st, err := local.New(cfg.LocalStorageDir())
	if err != nil {
		t.Fatal(err)
	}
	const slug = "01-p99-observability"
	first, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{slug})
	if err != nil {
		t.Fatal(err)
	}
	again, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{slug})
	if err != nil {
		t.Fatal(err)
	}
	checkUnique(t, "skipped", again.Skipped)
	// Everything the first publish uploaded is reported unchanged, once.
	if len(again.Skipped) != len(first.Uploaded) {
		t.Errorf("republish: %d unchanged, want the %d uploaded first: %v", len(again.Skipped), len(first.Uploaded), again.Skipped)
	}

	episodeKeys := objectKeys(t, cfg.LocalStorageDir(), "episodes/")
	res, err := newPipeline(t, cfg, st, Options{}).Unpublish(ctx, slug, true)
	if err != nil {
		t.Fatal(err)
	}
	checkUnique(t, "deleted", res.Deleted)
	slices.Sort(res.Deleted)
	if !slices.Equal(res.Deleted, episodeKeys) {
		t.Errorf("deleted %v, want the episode's objects %v", res.Deleted, episodeKeys)
	}
	if left := objectKeys(t, cfg.LocalStorageDir(), "episodes/"); len(left) != 0 {
		t.Errorf("left after unpublish --delete: %v", left)
	}
}

// TestUnpublishDryRun: unpublish --dry-run --delete prints what it would
// delete and writes nothing, not a byte, to the store.
func TestUnpublishDryRun(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	st, err := local.New(cfg.LocalStorageDir())
	if err != nil {
		t.Fatal(err)
	}
	const slug = "02-kubernetes-cost"
	if _, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, cfg.LocalStorageDir())
	var log bytes.Buffer
	p := NewWithStore(cfg, st, Options{DryRun: true, Log: &log})
	res, err := p.Unpublish(ctx, slug, true)
	if err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, cfg.LocalStorageDir()); !bytes.Equal(before, after) {
		t.Errorf("the dry run changed the store:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// A dry run's result lists what it would do, marked as such: the
	// home page and the feed without the episode, and the episode's
	// objects deleted.
	if !res.DryRun || !slices.Equal(res.Uploaded, []string{homeKey, "feed.xml"}) || len(res.Deleted) != len(objectKeys(t, cfg.LocalStorageDir(), "episodes/")) {
		t.Errorf("the dry run reports (dry %v) uploads %v and deletions %v", res.DryRun, res.Uploaded, res.Deleted)
	}
	for _, k := range objectKeys(t, cfg.LocalStorageDir(), "episodes/") {
		if !strings.Contains(log.String(), "would delete: "+k+" ") {
			t.Errorf("the plan does not say it would delete %s:\n%s", k, log.String())
		}
	}
}

func checkUnique(t *testing.T, what string, keys []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			t.Errorf("%s lists %s twice: %v", what, k, keys)
		}
		seen[k] = true
	}
}

// objectKeys lists the objects of a local store under prefix, sorted.
func objectKeys(t *testing.T, dir, prefix string) []string {
	t.Helper()
	var keys []string
	err := filepath.WalkDir(filepath.Join(dir, prefix), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		keys = append(keys, filepath.ToSlash(rel))
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

// snapshot lists every file and folder under dir, with its mode, size and
// content, as one comparable text.
func snapshot(t *testing.T, dir string) []byte {
	t.Helper()
	var b bytes.Buffer
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + " " + info.Mode().String() + " " + info.ModTime().String() + "\n")
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b.Write(data)
			b.WriteString("\n")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestUnpublishSlugWithDot: a slug may hold a dot (01.intro, whose
// leading number is the episode's); unpublish takes it as the slug or as
// the path of one of the episode's files.
func TestUnpublishSlugWithDot(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	dir := cfg.EpisodesDir()
	for _, ext := range []string{".md", ".mp3"} {
		if err := os.Rename(filepath.Join(dir, "01-p99-observability"+ext), filepath.Join(dir, "01.intro"+ext)); err != nil {
			t.Fatal(err)
		}
	}
	for _, arg := range []string{"01.intro", filepath.Join(dir, "01.intro.md"), filepath.Join(dir, "01.intro.mp3")} {
		if _, err := newPipeline(t, cfg, nil, Options{}).Publish(ctx, []string{"01.intro"}); err != nil {
			t.Fatal(err)
		}
		if _, err := newPipeline(t, cfg, nil, Options{}).Unpublish(ctx, arg, false); err != nil {
			t.Errorf("unpublish %s: %v", arg, err)
			continue
		}
		if m := readManifest(t, mustOpen(t, cfg)); m.Find("01.intro") != nil {
			t.Errorf("unpublish %s left 01.intro in the manifest", arg)
		}
	}
}
