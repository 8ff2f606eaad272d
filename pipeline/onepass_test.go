package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/storage/local"
)

func fileSum(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// stagedLeft lists what is left in the local store's staging folder.
func stagedLeft(t *testing.T, st *local.Store) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(st.Dir(), local.HiddenDir, "tmp"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestPublishTakesOnlyTheWorkCopy publishes an MP3 episode and an MPEG-4
// one to a local store, which takes the published copy of the audio by
// rename: the sources stay where they were, the same files with the same
// bytes; the objects are other files, with the content and the hash the
// manifest says; nothing is left in the staging folder; and the source
// hash computed while copying is the one a later run computes by reading,
// so a second publish finds everything unchanged.
func TestPublishTakesOnlyTheWorkCopy(t *testing.T) {
	ffmpeg := testtool.Need(t, "ffmpeg")
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	eps := cfg.EpisodesDir()
	m4a := filepath.Join(eps, "03-edge-ai-inference")
	if out, err := exec.Command(ffmpeg, "-v", "error", "-i", m4a+".mp3", "-c:a", "aac", "-b:a", "32k", m4a+".m4a").CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	if err := os.Remove(m4a + ".mp3"); err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{
		"01-p99-observability": filepath.Join(eps, "01-p99-observability.mp3"),
		"03-edge-ai-inference": m4a + ".m4a",
	}
	type was struct {
		fi  os.FileInfo
		sum string
	}
	before := map[string]was{}
	for slug, name := range sources {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		before[slug] = was{fi, fileSum(t, name)}
	}

	ctx := context.Background()
	st, err := local.New(cfg.LocalStorageDir())
	if err != nil {
		t.Fatal(err)
	}
	slugs := []string{"01-p99-observability", "03-edge-ai-inference"}
	if _, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, slugs); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, st)
	for slug, name := range sources {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatalf("the source %s after publishing: %v", name, err)
		}
		if !os.SameFile(fi, before[slug].fi) || fileSum(t, name) != before[slug].sum {
			t.Errorf("the source %s was replaced or changed by publishing", name)
		}
		e := m.Find(slug)
		if e == nil {
			t.Fatalf("%s not in the manifest", slug)
		}
		obj := filepath.Join(st.Dir(), filepath.FromSlash(e.Audio.Key))
		ofi, err := os.Stat(obj)
		if err != nil {
			t.Fatal(err)
		}
		if os.SameFile(ofi, fi) {
			t.Errorf("the object %s is the source file itself", e.Audio.Key)
		}
		if got := fileSum(t, obj); got != e.Audio.SHA256 || ofi.Size() != e.Audio.Size {
			t.Errorf("%s: %d bytes, sha256 %s; the manifest says %d, %s", e.Audio.Key, ofi.Size(), got, e.Audio.Size, e.Audio.SHA256)
		}
		if info, err := st.Stat(ctx, e.Audio.Key); err != nil || info.ETag != `"`+e.Audio.SHA256+`"` || info.Metadata["sha256"] != e.Audio.SHA256 {
			t.Errorf("Stat(%s) = %+v, %v; want the ETag and sha256 of its content", e.Audio.Key, info, err)
		}
	}
	if got := fileSum(t, filepath.Join(st.Dir(), filepath.FromSlash(m.Find("03-edge-ai-inference").Audio.Key))); got != before["03-edge-ai-inference"].sum {
		t.Errorf("the published MPEG-4 audio is not the source's bytes")
	}
	if left := stagedLeft(t, st); len(left) > 0 {
		t.Errorf("left in the staging folder: %v", left)
	}

	res, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, slugs)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range res.Uploaded {
		if strings.HasPrefix(k, episodesFolder+"/") {
			t.Errorf("the second publish uploaded %s: the source hash computed while copying differs from the one read again", k)
		}
	}
	if left := stagedLeft(t, st); len(left) > 0 {
		t.Errorf("left in the staging folder after the second publish: %v", left)
	}
}

// TestStagedAudioRemovedOnFailure makes the upload fail after the audio
// was staged in the store (a file is where the episodes' folder should
// be): the publish fails and leaves nothing in the staging folder. A dry
// run stages nothing.
func TestStagedAudioRemovedOnFailure(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	st, err := local.New(cfg.LocalStorageDir())
	if err != nil {
		t.Fatal(err)
	}
	slugs := []string{"01-p99-observability"}
	if _, err := newPipeline(t, cfg, st, Options{DryRun: true}).Publish(ctx, slugs); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Dir()); !os.IsNotExist(err) {
		t.Errorf("a dry run made the store's folder: %v", err)
	}

	if err := os.MkdirAll(st.Dir(), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(st.Dir(), episodesFolder), []byte("in the way"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, slugs); err == nil {
		t.Fatal("publishing with a file in the way of the episodes' folder succeeded")
	}
	if _, err := os.Stat(filepath.Join(st.Dir(), local.HiddenDir, "tmp")); err != nil {
		t.Errorf("the audio was not staged in the store: %v", err)
	}
	if left := stagedLeft(t, st); len(left) > 0 {
		t.Errorf("left in the staging folder after the failed publish: %v", left)
	}
	if fi, err := os.Stat(filepath.Join(cfg.EpisodesDir(), "01-p99-observability.mp3")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("the source after the failed publish: %v", err)
	}
}

// TestCopyHashed copies sizes around the chunk size through copyHashed
// with two hashes: the copy and both sums are those of the content, and a
// failing writer stops the copy with its error.
func TestCopyHashed(t *testing.T) {
	data := make([]byte, 3*copyBuf+copyBufs*copyBuf+17)
	for i := range data {
		data[i] = byte(i*7 + i>>11)
	}
	for _, n := range []int{0, 1, copyBuf - 1, copyBuf, copyBuf + 1, len(data)} {
		var out bytes.Buffer
		h1, h2 := sha256.New(), sha256.New()
		got, err := copyHashed(&out, bytes.NewReader(data[:n]), h1, h2)
		if err != nil || got != int64(n) {
			t.Fatalf("%d bytes: copyHashed = %d, %v", n, got, err)
		}
		want := sha256.Sum256(data[:n])
		if !bytes.Equal(out.Bytes(), data[:n]) || !bytes.Equal(h1.Sum(nil), want[:]) || !bytes.Equal(h2.Sum(nil), want[:]) {
			t.Errorf("%d bytes: the copy or a sum is not the content's", n)
		}
	}
	fail := errors.New("disk full")
	if _, err := copyHashed(&failAfter{2 * copyBuf, fail}, bytes.NewReader(data), sha256.New()); !errors.Is(err, fail) {
		t.Errorf("copyHashed to a failing writer: %v, want %v", err, fail)
	}
}

// failAfter accepts writes until n bytes, then fails with err.
type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n < len(p) {
		return 0, f.err
	}
	f.n -= len(p)
	return len(p), nil
}
