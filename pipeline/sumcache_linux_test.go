//go:build linux

package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/storage/local"
)

// tick waits past a tick of the file system's clock, so that what is
// written next has other change times than what was written before.
func tick() { time.Sleep(30 * time.Millisecond) }

// TestSumCache remembers a file's sum and finds it again by the file's
// identity; an edit in place to the same size, with the modification time
// set back, is another file to it; a file that changed just before it was
// read is not remembered; and hashAudio takes a remembered sum without
// reading the file (a sum planted for it comes back).
func TestSumCache(t *testing.T) {
	defer func(r time.Duration) { sumRacy = r }(sumRacy)
	sumRacy = 0
	c := sumCache{dir: t.TempDir()}
	name := filepath.Join(t.TempDir(), "a.mp3")
	data := []byte(strings.Repeat("podpipe audio ", 5000))
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	tick()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(data)
	sum := hex.EncodeToString(s[:])
	c.remember(fi, time.Now(), sumTree, sum)
	again, _ := os.Stat(name)
	if got := c.lookup(again, sumTree); got != sum {
		t.Fatalf("lookup of a remembered file = %q, want %q", got, sum)
	}
	if got := c.lookup(again, sumWhole); got != "" {
		t.Fatalf("lookup of another kind of sum = %q, want none", got)
	}

	tick()
	edited := append([]byte(nil), data...)
	edited[len(edited)/2] ^= 0xff
	if err := os.WriteFile(name, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(name, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	fi2, _ := os.Stat(name)
	if fi2.Size() != fi.Size() || !fi2.ModTime().Equal(fi.ModTime()) {
		t.Fatalf("the edit changed the size or the modification time: %d %v, was %d %v", fi2.Size(), fi2.ModTime(), fi.Size(), fi.ModTime())
	}
	if got := c.lookup(fi2, sumTree); got != "" {
		t.Errorf("after an edit in place (same size, modification time set back) lookup = %q, want none", got)
	}

	sumRacy = 2 * time.Second
	fresh := filepath.Join(t.TempDir(), "b.mp3")
	if err := os.WriteFile(fresh, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fi3, _ := os.Stat(fresh)
	c.remember(fi3, time.Now(), sumTree, sum)
	if got := c.lookup(fi3, sumTree); got != "" {
		t.Errorf("a file written just before it was read was remembered: %q", got)
	}
	sumRacy = 0

	planted := strings.Repeat("0", 64)
	c.remember(fi2, time.Now(), sumTree, planted)
	got, err := hashAudio(sourceFile{name: "a.mp3", path: name}, c)
	if err != nil || got.sum != planted {
		t.Errorf("hashAudio with a remembered sum = %q, %v; want the remembered %q", got.sum, err, planted)
	}
	if got, err := hashAudio(sourceFile{name: "a.mp3", path: name}, sumCache{}); err != nil || got.sum == planted {
		t.Errorf("hashAudio without a cache = %q, %v; want the file's own sum", got.sum, err)
	}
	var none sumCache
	none.remember(fi2, time.Now(), sumTree, sum)
	if none.lookup(fi2, sumTree) != "" {
		t.Error("no cache folder, yet a sum was found")
	}
}

// TestRepublishAfterInPlaceEdit publishes an episode, publishes it again
// (nothing to upload, its audio's sum remembered), then edits the audio
// in place to the same size with its modification time set back: the
// third publish uploads the new audio, as it would without the cache.
func TestRepublishAfterInPlaceEdit(t *testing.T) {
	defer func(r time.Duration) { sumRacy = r }(sumRacy)
	sumRacy = 0
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	st, err := local.New(cfg.LocalStorageDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	slug := "01-p99-observability"
	tick()
	if _, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	first := readManifest(t, st).Find(slug).Audio
	res, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{slug})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploaded) != 0 {
		t.Fatalf("a second publish of the same sources uploaded %v", res.Uploaded)
	}
	cache, _ := os.UserCacheDir()
	if entries, _ := os.ReadDir(filepath.Join(cache, "podpipe", "sums")); len(entries) == 0 {
		t.Fatal("the audio's sum was not remembered")
	}

	tick()
	audio := filepath.Join(cfg.EpisodesDir(), slug+".mp3")
	fi, err := os.Stat(audio)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(audio)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-10] ^= 0x55 // inside the last frame's audio
	if err := os.WriteFile(audio, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(audio, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	res, err = newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{slug})
	if err != nil {
		t.Fatal(err)
	}
	now := readManifest(t, st).Find(slug).Audio
	if now.Key == first.Key || now.Recipe == first.Recipe {
		t.Errorf("after the audio was edited in place the published audio is still %s (recipe %s)", now.Key, now.Recipe)
	}
	uploaded := false
	for _, k := range res.Uploaded {
		uploaded = uploaded || k == now.Key
	}
	if !uploaded {
		t.Errorf("the edited audio was not uploaded: %v", res.Uploaded)
	}
}
