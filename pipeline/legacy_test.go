package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
)

// TestOlderSourceHashKept: an episode whose manifest entry an older
// podpipe wrote (its source hash made from the SHA-256 of the whole
// audio file) and whose sources have not changed since is not rebuilt:
// nothing is uploaded, and the manifest takes this podpipe's hash. An
// older hash that does not match the sources rebuilds the episode.
func TestOlderSourceHashKept(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	st := mustOpen(t, cfg)
	ctx := context.Background()
	const slug = "01-p99-observability"
	p := newPipeline(t, cfg, st, Options{})
	if _, err := p.Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	published := readManifest(t, st).Find(slug).SourceHash
	if !strings.HasPrefix(published, treeHashMark) {
		t.Fatalf("source hash %q is not marked as made from the tree sum", published)
	}

	// The source hash as an older podpipe made it, from the same inputs
	// a publish hashes (buildAll): the check below that the tree sum's
	// hash comes out as published says these are those.
	e, err := p.loadEpisode(slug)
	if err != nil {
		t.Fatal(err)
	}
	show, err := p.showFolder()
	if err != nil {
		t.Fatal(err)
	}
	cover, err := p.cover(show)
	if err != nil {
		t.Fatal(err)
	}
	inputs := showInputs{timing: p.timing().tier.String(), show: p.cfg.Show, baseURL: p.cfg.Publish.BaseURL, cover: cover}
	siblings := keepLiveLinks(e, map[string]bool{slug: true})
	audio, err := os.ReadFile(filepath.Join(cfg.EpisodesDir(), slug+".mp3"))
	if err != nil {
		t.Fatal(err)
	}
	if h, err := sourceHash(e, inputs, siblings, treeSumOf(audio)); err != nil || h != published {
		t.Fatalf("the test's inputs hash to %q (%v), not to the published %q", h, err, published)
	}
	whole := sha256.Sum256(audio)
	older, err := sourceHashOf(e, inputs, siblings, hex.EncodeToString(whole[:]))
	if err != nil {
		t.Fatal(err)
	}

	setHash := func(h string) {
		t.Helper()
		m := readManifest(t, st)
		m.Find(slug).SourceHash = h
		var b bytes.Buffer
		if err := m.Write(&b); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Put(ctx, manifest.Key, &b, int64(b.Len()), storage.PutOptions{ContentType: "application/json"}); err != nil {
			t.Fatal(err)
		}
	}
	publish := func() (*Result, string) {
		t.Helper()
		var log bytes.Buffer
		res, err := NewWithStore(cfg, st, Options{Align: "none", Log: &log}).Publish(ctx, []string{slug})
		if err != nil {
			t.Fatalf("%v\n%s", err, log.String())
		}
		return res, log.String()
	}
	setHash(older)
	res, log := publish()
	// The feed follows the manifest, which changed; the episode's
	// objects are as they were.
	if !strings.Contains(log, "unchanged: "+slug+" (sources as published") || slices.ContainsFunc(res.Uploaded, func(k string) bool { return strings.HasPrefix(k, episodesFolder+"/") }) {
		t.Errorf("an episode an older podpipe published, unchanged since, was built again: uploaded %v\n%s", res.Uploaded, log)
	}
	if got := readManifest(t, st).Find(slug).SourceHash; got != published {
		t.Errorf("the manifest kept the older source hash %q; want %q", got, published)
	}

	// An older hash of other sources: the episode is built again.
	other := sha256.Sum256(append(audio, 0))
	changed, err := sourceHashOf(e, inputs, siblings, hex.EncodeToString(other[:]))
	if err != nil {
		t.Fatal(err)
	}
	setHash(changed)
	if _, log = publish(); !strings.Contains(log, "built: "+slug) {
		t.Errorf("an episode whose older source hash is not of its sources was not built again:\n%s", log)
	}
}
