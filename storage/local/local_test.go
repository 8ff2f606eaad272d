package local

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/diskfault"
	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/storage/storagetest"
)

func TestStore(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		// A directory that does not exist yet: the first Put creates it.
		st, err := New(filepath.Join(t.TempDir(), "public"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

func TestInvalidKeys(t *testing.T) {
	dir := t.TempDir()
	st, err := New(filepath.Join(dir, "public"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, key := range []string{"", ".", "/etc/passwd", "../x", "a/../../x", "..", "a/../b", "./a", "a//b", "a/", `a\b`, ".podpipe/lock", ".podpipe/meta/x.json", "a/.podpipe-tmp-1"} {
		_, err := st.Put(ctx, key, strings.NewReader("x"), 1, storage.PutOptions{})
		if !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Put(%q) error = %v, want fs.ErrInvalid", key, err)
		}
		if _, err := st.Stat(ctx, key); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Stat(%q) error = %v, want fs.ErrInvalid", key, err)
		}
	}
	// Nothing escaped the directory.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "public" {
			t.Errorf("Put wrote %s outside the store", e.Name())
		}
	}
}

// TestFileLayout checks what makes the directory servable by any web
// server: objects are plain files named by their keys, readable by all,
// with no temporary files left, and podpipe's own files under .podpipe.
func TestFileLayout(t *testing.T) {
	dir := t.TempDir()
	st, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, key := range []string{"feed.xml", "episodes/01/a.mp3", "episodes/01/a.mp3"} {
		if _, err := st.Put(ctx, key, strings.NewReader(key), int64(len(key)), storage.PutOptions{ContentType: "x/y"}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() && rel == HiddenDir {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			got = append(got, filepath.ToSlash(rel))
			fi, _ := d.Info()
			if fi.Mode().Perm()&0o044 != 0o044 {
				t.Errorf("%s has mode %v: not readable by a web server", rel, fi.Mode())
			}
		}
		return nil
	})
	if strings.Join(got, " ") != "episodes/01/a.mp3 feed.xml" {
		t.Errorf("files = %q", got)
	}
	b, err := os.ReadFile(filepath.Join(dir, "feed.xml"))
	if err != nil || string(b) != "feed.xml" {
		t.Errorf("feed.xml holds %q, %v", b, err)
	}
}

// TestStaleSidecar is a crash between the data's rename and the sidecar's,
// and a file copied in by hand: the sidecar no longer describes the file,
// so the store must not report its ETag or metadata.
func TestStaleSidecar(t *testing.T) {
	dir := t.TempDir()
	st, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	old, err := st.Put(ctx, "a.mp3", strings.NewReader("old"), 3, storage.PutOptions{ContentType: "audio/mpeg", Metadata: map[string]string{"sha256": "old"}})
	if err != nil {
		t.Fatal(err)
	}
	// Replace the content behind the store's back, as a crash would leave it.
	tmp := filepath.Join(dir, "new")
	if err := os.WriteFile(tmp, []byte("new!"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "a.mp3")); err != nil {
		t.Fatal(err)
	}
	info, err := st.Stat(ctx, "a.mp3")
	if err != nil {
		t.Fatal(err)
	}
	if info.ETag == old.ETag || info.ETag == "" || info.Metadata["sha256"] != "" || info.Size != 4 || info.ContentType != "audio/mpeg" {
		t.Errorf("Stat after the content changed = %+v; old ETag %s", info, old.ETag)
	}
	// A conditional write against the stale ETag must fail, against the
	// real one succeed.
	if _, err := st.Put(ctx, "a.mp3", strings.NewReader("x"), 1, storage.PutOptions{IfMatch: old.ETag}); !errors.Is(err, storage.ErrPreconditionFailed) {
		t.Errorf("Put If-Match the stale ETag: %v", err)
	}
	if _, err := st.Put(ctx, "a.mp3", strings.NewReader("x"), 1, storage.PutOptions{IfMatch: info.ETag}); err != nil {
		t.Errorf("Put If-Match the real ETag: %v", err)
	}
}

func TestNewNotDir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := New(f); err == nil {
		t.Error("New of a file succeeded")
	}
}

// BenchmarkPutFile puts a 64 MiB file from disk, fsyncs included.
func BenchmarkPutFile(b *testing.B) {
	dir := b.TempDir()
	st, err := New(filepath.Join(dir, "public"))
	if err != nil {
		b.Fatal(err)
	}
	const size = 64 << 20
	name := filepath.Join(dir, "bench.mp3")
	if err := os.WriteFile(name, []byte(strings.Repeat("podpipe!", size/8)), 0o644); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(size)
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			b.Fatal(err)
		}
		if _, err := st.Put(ctx, "bench.mp3", f, size, storage.PutOptions{ContentType: "audio/mpeg"}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzKey checks that no key the store accepts names a file outside its
// directory or inside its hidden folder.
func FuzzKey(f *testing.F) {
	for _, k := range []string{"feed.xml", "a/b.mp3", "../x", "a/../../b", ".podpipe/lock", "a/./b", "/abs", "a\\..\\b", "..", "...", "a/..."} {
		f.Add(k)
	}
	root := filepath.FromSlash("/srv/public")
	s := &Store{dir: root}
	f.Fuzz(func(t *testing.T, key string) {
		if checkKey(key) != nil {
			return
		}
		name := s.file(key)
		rel, err := filepath.Rel(root, name)
		if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			t.Fatalf("key %q names %s, outside %s", key, name, root)
		}
		if first, _, _ := strings.Cut(filepath.ToSlash(rel), "/"); first == HiddenDir {
			t.Fatalf("key %q names %s, in the hidden folder", key, name)
		}
	})
}

// TestSweeper: the temporary file of a Put killed half way is a leftover,
// and the sweep removes it and nothing else.
func TestSweeper(t *testing.T) {
	st, err := New(filepath.Join(t.TempDir(), "public"))
	if err != nil {
		t.Fatal(err)
	}
	storagetest.RunSweeper(t, st, func(t *testing.T, key string) {
		// What Put had written when it was killed: its temporary file,
		// never renamed.
		if _, _, err := st.writeTemp(context.Background(), st.file(key), strings.NewReader("half"), 4); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDeleteRemovesEmptyFolders: deleting a folder's last object removes
// the folder, as on S3, and its metadata's; a folder with objects stays.
func TestDeleteRemovesEmptyFolders(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	st, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, k := range []string{"episodes/03-x/a.mp3", "episodes/03-x/b.vtt", "episodes/02-y/a.mp3"} {
		if _, err := st.Put(ctx, k, strings.NewReader("x"), 1, storage.PutOptions{Metadata: map[string]string{"sha256": "x"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Delete(ctx, "episodes/03-x/a.mp3"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "episodes", "03-x")); err != nil {
		t.Errorf("the folder went while it held b.vtt: %v", err)
	}
	if err := st.Delete(ctx, "episodes/03-x/b.vtt"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "episodes", "03-x"), filepath.Join(dir, HiddenDir, "meta", "episodes", "03-x")} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left after its last object was deleted: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "episodes", "02-y", "a.mp3")); err != nil {
		t.Errorf("another episode's object: %v", err)
	}
}

// TestFullDisk: a disk that fills up at any byte of a Put, the object's
// content or its metadata sidecar, fails the Put with ENOSPC and leaves
// the object as it was, and no temporary file.
func TestFullDisk(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "public")
	st, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	old, next := "<rss>old</rss>", "<rss>the new feed, longer than the old one</rss>"
	put := func(s string) error {
		_, err := st.Put(ctx, "feed.xml", strings.NewReader(s), int64(len(s)), storage.PutOptions{Metadata: map[string]string{"generation": "2"}})
		return err
	}
	if err := put(old); err != nil {
		t.Fatal(err)
	}
	// Room for none of it, for part of the content, for all of it but
	// not the sidecar, for part of the sidecar.
	for _, room := range []int64{0, 10, int64(len(next)), int64(len(next)) + 20} {
		undo := diskfault.Set(diskfault.Fault{Dir: dir, Err: syscall.ENOSPC, Room: room})
		err := put(next)
		undo()
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("room %d: err = %v, want no space left", room, err)
		}
		rc, info, err := st.Get(ctx, "feed.xml")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if string(got) != old || info.Metadata["generation"] != "2" {
			t.Errorf("room %d: the object is %q %v, want %q as it was", room, got, info.Metadata, old)
		}
		left, err := st.Leftovers(ctx, time.Now().Add(time.Hour))
		if err != nil || len(left) != 0 {
			t.Errorf("room %d: left %v (%v)", room, left, err)
		}
	}
	if err := put(next); err != nil {
		t.Fatalf("with room: %v", err)
	}

	// A Put into a new folder leaves no empty folder when it fails.
	// No room; for part of the content; for the content, not the sidecar;
	// for both.
	const enough = 4096
	for _, room := range []int64{0, 3, 20, enough} {
		undo := diskfault.Set(diskfault.Fault{Dir: dir, Err: syscall.ENOSPC, Room: room})
		_, err := st.Put(ctx, "episodes/02/audio.mp3", strings.NewReader("audio"), 5, storage.PutOptions{})
		undo()
		if room < enough && !errors.Is(err, syscall.ENOSPC) || room == enough && err != nil {
			t.Fatalf("room %d: err = %v", room, err)
		}
		_, serr := os.Stat(filepath.Join(dir, "episodes"))
		_, merr := os.Stat(filepath.Join(dir, HiddenDir, "meta", "episodes"))
		if room < enough && (!errors.Is(serr, fs.ErrNotExist) || !errors.Is(merr, fs.ErrNotExist)) {
			t.Errorf("room %d: a failed Put left its folders: %v, %v", room, serr, merr)
		}
		if room == enough && (serr != nil || merr != nil) {
			t.Errorf("room %d: %v, %v", room, serr, merr)
		}
	}
}
