package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/s3test"
	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
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
		if ofi.Size() != e.Audio.Size {
			t.Errorf("%s: %d bytes; the manifest says %d", e.Audio.Key, ofi.Size(), e.Audio.Size)
		}
		// The tagged MP3 is named by its recipe; the M4A, published as
		// it is, by the recipe of nothing in front of its audio.
		var sum string
		metaKey := "recipe"
		if strings.HasSuffix(name, ".mp3") {
			sum = checkRecipe(t, obj, name, e.Audio)
		} else {
			in, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			sum = recipeSum(treeSumOf(in), 0, nil)
			if e.Audio.Recipe != sum || e.Audio.SHA256 != "" || !strings.Contains(e.Audio.Key, sum[:12]) {
				t.Errorf("%s: the manifest says recipe %q, sha256 %q; want recipe %s and no sha256, in the key", e.Audio.Key, e.Audio.Recipe, e.Audio.SHA256, sum)
			}
		}
		if info, err := st.Stat(ctx, e.Audio.Key); err != nil || info.ETag != `"`+sum+`"` || info.Metadata[metaKey] != sum {
			t.Errorf("Stat(%s) = %+v, %v; want the ETag and %s %s", e.Audio.Key, info, err, metaKey, sum)
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

// checkRecipe checks that the published MP3 obj is an ID3 tag followed
// by the audio of the source src, and that the manifest's record o of it
// names it by the recipe of the two, and no SHA-256; it returns the
// recipe. The tag's length is read from its own header (ID3v2: 10 bytes,
// then the size as a syncsafe integer), not from podpipe.
func checkRecipe(t *testing.T, obj, src string, o manifest.Object) string {
	t.Helper()
	out, err := os.ReadFile(obj)
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 || string(out[:3]) != "ID3" {
		t.Fatalf("%s does not start with an ID3v2 tag", obj)
	}
	tagLen := 10 + (int(out[6])<<21 | int(out[7])<<14 | int(out[8])<<7 | int(out[9]))
	audioStart := len(in) - (len(out) - tagLen)
	if audioStart < 0 || !bytes.Equal(out[tagLen:], in[audioStart:]) {
		t.Fatalf("%s after its %d-byte tag is not the audio of %s", obj, tagLen, src)
	}
	want := recipeSum(treeSumOf(in), int64(audioStart), out[:tagLen])
	if o.Recipe != want || o.SHA256 != "" || !strings.Contains(o.Key, want[:12]) {
		t.Errorf("%s: the manifest says recipe %q, sha256 %q; want recipe %s and no sha256, in the key", o.Key, o.Recipe, o.SHA256, want)
	}
	return want
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

// copyWatch is a store that, when the audio is put, looks in dirs for a
// file as large as the object (a full local copy of the tagged audio;
// the files there before, the sources, aside), and records whether the
// body was a file.
type copyWatch struct {
	storage.Store
	t      *testing.T
	dirs   []string
	before map[string]os.FileInfo
	audio  []string // keys put
}

func (s *copyWatch) walk(f func(p string, fi os.FileInfo)) {
	for _, dir := range s.dirs {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			if fi, err := d.Info(); err == nil {
				f(p, fi)
			}
			return nil
		})
	}
}

// mark notes the files in dirs now: they are not copies.
func (s *copyWatch) mark() {
	s.before = map[string]os.FileInfo{}
	s.walk(func(p string, fi os.FileInfo) { s.before[p] = fi })
}

func (s *copyWatch) Put(ctx context.Context, key string, r io.Reader, size int64, o storage.PutOptions) (storage.ObjectInfo, error) {
	if strings.HasSuffix(key, ".mp3") {
		s.audio = append(s.audio, key)
		if _, ok := r.(*os.File); ok {
			s.t.Errorf("%s was put from a file", key)
		}
		s.walk(func(p string, fi os.FileInfo) {
			if was := s.before[p]; fi.Size() >= size && (was == nil || !os.SameFile(was, fi) || was.Size() != fi.Size()) {
				s.t.Errorf("while %s (%d bytes) is put, %s holds %d bytes", key, size, p, fi.Size())
			}
		})
	}
	return s.Store.Put(ctx, key, r, size, o)
}

// ffprobeTags returns the title tag and the number of chapters of an
// audio file, as ffprobe reads them.
func ffprobeTags(t *testing.T, ffprobe, name string) (string, int) {
	t.Helper()
	out, err := exec.Command(ffprobe, "-v", "error", "-show_chapters", "-show_entries", "format_tags=title", "-of", "json", name).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", name, err)
	}
	var v struct {
		Chapters []struct{} `json:"chapters"`
		Format   struct {
			Tags struct {
				Title string `json:"title"`
			} `json:"tags"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", name, err, out)
	}
	return v.Format.Tags.Title, len(v.Chapters)
}

// TestS3PublishStreamsTheAudio publishes an episode to a real
// S3-compatible server: no full copy of the tagged audio is written
// anywhere on the local disk, the body of its upload is not a file, and
// the object read back is the tag (which ffprobe reads: the title and the
// chapters) followed by the source's audio, named by its recipe. A
// republish with unchanged inputs uploads nothing; one after the title
// changed uploads the newly tagged audio under a new key, the source's sum
// taken from the change detection's read.
func TestS3PublishStreamsTheAudio(t *testing.T) {
	ffprobe := testtool.Need(t, "ffprobe")
	endpoint, bucket := s3test.Start(t)
	cfg := sampleShow(t, "s3://"+bucket+"/show", endpoint, endpoint+"/"+bucket+"/show/")
	work := t.TempDir()
	t.Setenv("TMPDIR", work) // the publish's work folder goes here
	ctx := context.Background()
	s3, err := OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	const slug = "01-p99-observability"
	md := filepath.Join(cfg.EpisodesDir(), slug+".md")
	source := filepath.Join(cfg.EpisodesDir(), slug+".mp3")
	st := &copyWatch{Store: s3, t: t, dirs: []string{cfg.Dir, work}}
	st.mark()

	check := func(wantTitle string) manifest.Object {
		t.Helper()
		e := readManifest(t, st).Find(slug)
		if e == nil {
			t.Fatalf("%s not in the manifest", slug)
		}
		rc, _, err := st.Get(ctx, e.Audio.Key)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		obj := filepath.Join(t.TempDir(), "object.mp3")
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(obj, data, 0o644); err != nil {
			t.Fatal(err)
		}
		checkRecipe(t, obj, source, e.Audio)
		title, n := ffprobeTags(t, ffprobe, obj)
		if title != wantTitle || n != len(e.ChapterList) || n == 0 {
			t.Errorf("ffprobe reads title %q and %d chapters; want %q and the manifest's %d", title, n, wantTitle, len(e.ChapterList))
		}
		return e.Audio
	}

	if _, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	if len(st.audio) != 1 {
		t.Fatalf("audio put %v, want once", st.audio)
	}
	first := check(readManifest(t, st).Find(slug).Title)

	res, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{slug})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploaded) != 0 || len(st.audio) != 1 {
		t.Errorf("the republish of unchanged inputs uploaded %v", res.Uploaded)
	}

	text, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	const title = "p99 延遲：重新命名的一集"
	text = bytes.Replace(text, []byte("# p99 延遲背後的故事：從 OpenTelemetry 開始的可觀測性"), []byte("# "+title), 1)
	if err := os.WriteFile(md, text, 0o644); err != nil {
		t.Fatal(err)
	}
	st.mark()
	if _, err := newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	if len(st.audio) != 2 {
		t.Fatalf("audio put %v, want twice", st.audio)
	}
	if second := check(title); second.Key == first.Key || second.Recipe == first.Recipe {
		t.Errorf("the retitled audio kept the key %s", first.Key)
	}
}

// changingStore changes the source audio just before the audio's Put
// reads it, as an editor saving the file during a publish would.
type changingStore struct {
	storage.Store
	t      *testing.T
	source string
}

func (s changingStore) Put(ctx context.Context, key string, r io.Reader, size int64, o storage.PutOptions) (storage.ObjectInfo, error) {
	if strings.HasSuffix(key, ".mp3") {
		f, err := os.OpenFile(s.source, os.O_WRONLY, 0)
		if err != nil {
			s.t.Fatal(err)
		}
		fi, _ := f.Stat()
		if _, err := f.WriteAt([]byte{0x55}, fi.Size()/2); err != nil {
			s.t.Fatal(err)
		}
		f.Close()
		// A clock tick apart, whatever the file system's granularity.
		later := fi.ModTime().Add(time.Second)
		if err := os.Chtimes(s.source, later, later); err != nil {
			s.t.Fatal(err)
		}
	}
	return s.Store.Put(ctx, key, r, size, o)
}

// TestAudioChangedWhileUploaded: a source that changes while its tagged
// audio is streamed into the store would leave an object that is not what
// its key names. The publish fails saying so, the object is deleted
// again, and no manifest or feed is written.
func TestAudioChangedWhileUploaded(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	loc, err := local.New(cfg.LocalStorageDir())
	if err != nil {
		t.Fatal(err)
	}
	const slug = "01-p99-observability"
	st := changingStore{Store: loc, t: t, source: filepath.Join(cfg.EpisodesDir(), slug+".mp3")}
	_, err = newPipeline(t, cfg, st, Options{}).Publish(ctx, []string{slug})
	if err == nil || !strings.Contains(err.Error(), "01-p99-observability.mp3 changed") {
		t.Fatalf("publish with the audio changed during its upload: %v", err)
	}
	objs, err := loc.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".mp3") || o.Key == manifest.Key || o.Key == "feed.xml" {
			t.Errorf("left in the store: %s", o.Key)
		}
	}
}

// TestTaggedReader reads a taggedAudio at every offset around the tag's
// end and the content's end, with Read after Seek and with ReadAt, and
// gets what a bytes.Reader over the tag and the source's audio gives; a
// source that is shorter than recorded is an error, not a short object.
func TestTaggedReader(t *testing.T) {
	src := make([]byte, 5000)
	for i := range src {
		src[i] = byte(i*31 + i>>8)
	}
	name := filepath.Join(t.TempDir(), "a.mp3")
	if err := os.WriteFile(name, src, 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	tag := []byte("ID3 the new tag")
	const start = 700
	ta := &taggedAudio{name: "a.mp3", tag: tag, src: name, start: start, n: int64(len(src) - start), ver: versionOf(fi)}
	want := append(append([]byte{}, tag...), src[start:]...)
	r, err := ta.open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if end, err := r.Seek(0, io.SeekEnd); err != nil || end != int64(len(want)) {
		t.Fatalf("Seek to the end = %d, %v; want %d", end, err, len(want))
	}
	ref := bytes.NewReader(want)
	for _, off := range []int{0, 1, len(tag) - 1, len(tag), len(tag) + 1, len(want) - 1, len(want), len(want) + 3} {
		for _, n := range []int{1, 7, len(tag), 4096, len(want) + 10} {
			got := make([]byte, n)
			exp := make([]byte, n)
			gn, gerr := r.ReadAt(got, int64(off))
			en, eerr := ref.ReadAt(exp, int64(off))
			if gn != en || (gerr == nil) != (eerr == nil) || !bytes.Equal(got[:gn], exp[:en]) {
				t.Errorf("ReadAt(%d bytes, %d) = %d, %v; want %d, %v", n, off, gn, gerr, en, eerr)
			}
		}
		if _, err := r.Seek(int64(off), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		rest, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(rest, want[min(off, len(want)):]) {
			t.Errorf("reading from %d: %d bytes, %v; want %d", off, len(rest), err, len(want)-min(off, len(want)))
		}
	}

	// The source cut short after the version was taken.
	if err := os.Truncate(name, 3000); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadAt(make([]byte, 100), int64(len(want)-50)); err == nil || err == io.EOF {
		t.Errorf("ReadAt past the shortened source: %v, want an error that is not io.EOF", err)
	}
	if _, err := ta.open(); err == nil || !strings.Contains(err.Error(), "a.mp3 changed") {
		t.Errorf("open after the source changed: %v", err)
	}
}
