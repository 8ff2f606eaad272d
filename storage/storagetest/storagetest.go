// Package storagetest is the one test suite every storage.Store passes: the
// contract written in package storage, checked against a real backend.
//
//	func TestStore(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store {
//			st, err := local.New(t.TempDir())
//			if err != nil {
//				t.Fatal(err)
//			}
//			return st
//		})
//	}
package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/podpipe/podpipe/storage"
)

// Run runs the suite. newStore returns a new, empty store each time it is
// called; the store must be usable until t's cleanup.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, storage.Store)
	}{
		{"PutGetStat", testPutGetStat},
		{"Overwrite", testOverwrite},
		{"Empty", testEmpty},
		{"NotExist", testNotExist},
		{"Delete", testDelete},
		{"Conditional", testConditional},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Stream", testStream},
		{"LargeFile", testLargeFile},
		{"PutFile", testPutFile},
		{"PutFileAtomic", testPutFileAtomic},
		{"List", testList},
		{"String", testString},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func put(t *testing.T, st storage.Store, key, content string, opts storage.PutOptions) storage.ObjectInfo {
	t.Helper()
	if opts.ContentType == "" {
		opts.ContentType = storage.ContentTypeFor(key)
	}
	info, err := st.Put(context.Background(), key, bytes.NewReader([]byte(content)), int64(len(content)), opts)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	if info.ETag == "" {
		t.Errorf("Put(%q) returned no ETag", key)
	}
	return info
}

// get reads the object whole; the suite's small objects only.
func get(t *testing.T, st storage.Store, key string) (string, storage.ObjectInfo) {
	t.Helper()
	rc, info, err := st.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): read: %v", key, err)
	}
	return string(b), info
}

// checkInfo compares what a backend must keep of a Put.
func checkInfo(t *testing.T, what string, got storage.ObjectInfo, key string, size int64, opts storage.PutOptions, etag string) {
	t.Helper()
	if got.Key != key {
		t.Errorf("%s: Key = %q, want %q", what, got.Key, key)
	}
	if got.Size != size {
		t.Errorf("%s: Size = %d, want %d", what, got.Size, size)
	}
	if got.ContentType != opts.ContentType {
		t.Errorf("%s: ContentType = %q, want %q", what, got.ContentType, opts.ContentType)
	}
	if got.CacheControl != opts.CacheControl {
		t.Errorf("%s: CacheControl = %q, want %q", what, got.CacheControl, opts.CacheControl)
	}
	want := opts.Metadata
	if want == nil {
		want = map[string]string{}
	}
	gotMD := got.Metadata
	if gotMD == nil {
		gotMD = map[string]string{}
	}
	if !reflect.DeepEqual(gotMD, want) {
		t.Errorf("%s: Metadata = %v, want %v", what, gotMD, want)
	}
	if etag != "" && got.ETag != etag {
		t.Errorf("%s: ETag = %q, want %q (the ETag Put returned)", what, got.ETag, etag)
	}
	if got.ModTime.IsZero() {
		t.Errorf("%s: ModTime is zero", what)
	}
}

func testPutGetStat(t *testing.T, st storage.Store) {
	tests := []struct {
		key, content string
		opts         storage.PutOptions
	}{
		{"feed.xml", "<rss/>", storage.PutOptions{ContentType: "application/rss+xml", CacheControl: storage.CacheShort}},
		{"episodes/01-hello/audio.mp3", "ID3 not really", storage.PutOptions{
			ContentType:  "audio/mpeg",
			CacheControl: storage.CacheImmutable,
			Metadata:     map[string]string{"sha256": "ab12", "source": "01-hello.mp3"},
		}},
		{"episodes/01-hello/01-hello.chapters.json", `{"version":"1.2.0","chapters":[]}`, storage.PutOptions{ContentType: "application/json+chapters"}},
		{"01-hello.html", "<p>你好，世界</p>", storage.PutOptions{ContentType: "text/html; charset=utf-8"}},
		{"a/b/c/d.vtt", "WEBVTT\n", storage.PutOptions{ContentType: "text/vtt", Metadata: map[string]string{"sha256": "00"}}},
	}
	for _, tt := range tests {
		info := put(t, st, tt.key, tt.content, tt.opts)
		checkInfo(t, "Put "+tt.key, info, tt.key, int64(len(tt.content)), tt.opts, "")
		got, ginfo := get(t, st, tt.key)
		if got != tt.content {
			t.Errorf("Get(%q) = %q, want %q", tt.key, got, tt.content)
		}
		checkInfo(t, "Get "+tt.key, ginfo, tt.key, int64(len(tt.content)), tt.opts, info.ETag)
		sinfo, err := st.Stat(context.Background(), tt.key)
		if err != nil {
			t.Fatalf("Stat(%q): %v", tt.key, err)
		}
		checkInfo(t, "Stat "+tt.key, sinfo, tt.key, int64(len(tt.content)), tt.opts, info.ETag)
	}
}

func testOverwrite(t *testing.T, st storage.Store) {
	opts1 := storage.PutOptions{ContentType: "application/json", CacheControl: storage.CacheShort, Metadata: map[string]string{"sha256": "one", "old": "x"}}
	opts2 := storage.PutOptions{ContentType: "application/json", Metadata: map[string]string{"sha256": "two"}}
	i1 := put(t, st, "manifest.json", `{"v":1}`, opts1)
	i2 := put(t, st, "manifest.json", `{"v":22}`, opts2)
	if i1.ETag == i2.ETag {
		t.Errorf("ETag did not change with the content: %q", i1.ETag)
	}
	got, info := get(t, st, "manifest.json")
	if got != `{"v":22}` {
		t.Errorf("after overwrite Get = %q", got)
	}
	// The second Put replaces the metadata whole, Cache-Control included.
	checkInfo(t, "Get after overwrite", info, "manifest.json", 8, opts2, i2.ETag)
}

func testEmpty(t *testing.T, st storage.Store) {
	opts := storage.PutOptions{ContentType: "text/plain; charset=utf-8"}
	info := put(t, st, "empty.txt", "", opts)
	checkInfo(t, "Put", info, "empty.txt", 0, opts, "")
	got, ginfo := get(t, st, "empty.txt")
	if got != "" {
		t.Errorf("Get = %q, want empty", got)
	}
	checkInfo(t, "Get", ginfo, "empty.txt", 0, opts, info.ETag)
}

func testNotExist(t *testing.T, st storage.Store) {
	ctx := context.Background()
	put(t, st, "dir/present.txt", "x", storage.PutOptions{})
	for _, key := range []string{"missing.txt", "dir/missing.txt", "nodir/missing.txt", "dir/present.txt/below", "dir"} {
		if _, err := st.Stat(ctx, key); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat(%q) error = %v, want fs.ErrNotExist", key, err)
		}
		rc, _, err := st.Get(ctx, key)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Get(%q) error = %v, want fs.ErrNotExist", key, err)
		}
		if err == nil {
			rc.Close()
		}
		if err := st.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q) of a missing object: %v", key, err)
		}
	}
}

func testDelete(t *testing.T, st storage.Store) {
	ctx := context.Background()
	put(t, st, "gone/a.txt", "a", storage.PutOptions{Metadata: map[string]string{"sha256": "1"}})
	put(t, st, "gone/b.txt", "b", storage.PutOptions{})
	if err := st.Delete(ctx, "gone/a.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stat(ctx, "gone/a.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat after Delete: %v, want fs.ErrNotExist", err)
	}
	if got, _ := get(t, st, "gone/b.txt"); got != "b" {
		t.Errorf("the neighbour changed: %q", got)
	}
	// A new object under a deleted key has none of the old one's metadata.
	opts := storage.PutOptions{ContentType: "text/plain; charset=utf-8"}
	info := put(t, st, "gone/a.txt", "again", opts)
	_, ginfo := get(t, st, "gone/a.txt")
	checkInfo(t, "Get after re-Put", ginfo, "gone/a.txt", 5, opts, info.ETag)
}

func testConditional(t *testing.T, st storage.Store) {
	ctx := context.Background()
	const key = "manifest.json"
	create := storage.PutOptions{ContentType: "application/json", IfNoneMatch: true}
	i1 := put(t, st, key, "one", create)

	// Create-only fails once the object exists, and changes nothing.
	_, err := st.Put(ctx, key, bytes.NewReader([]byte("two")), 3, create)
	if !errors.Is(err, storage.ErrPreconditionFailed) {
		t.Fatalf("second create-only Put: %v, want ErrPreconditionFailed", err)
	}
	if got, info := get(t, st, key); got != "one" || info.ETag != i1.ETag {
		t.Errorf("after a failed create: %q %s, want %q %s", got, info.ETag, "one", i1.ETag)
	}

	// If-Match with the current ETag replaces.
	i2 := put(t, st, key, "three", storage.PutOptions{ContentType: "application/json", IfMatch: i1.ETag})
	if got, _ := get(t, st, key); got != "three" {
		t.Errorf("after If-Match Put: %q", got)
	}

	// If-Match with a stale ETag fails and changes nothing.
	_, err = st.Put(ctx, key, bytes.NewReader([]byte("four")), 4, storage.PutOptions{ContentType: "application/json", IfMatch: i1.ETag})
	if !errors.Is(err, storage.ErrPreconditionFailed) {
		t.Fatalf("stale If-Match Put: %v, want ErrPreconditionFailed", err)
	}
	if got, info := get(t, st, key); got != "three" || info.ETag != i2.ETag {
		t.Errorf("after a failed If-Match: %q %s, want %q %s", got, info.ETag, "three", i2.ETag)
	}

	// If-Match on a missing object fails and creates nothing.
	_, err = st.Put(ctx, "absent.json", bytes.NewReader([]byte("x")), 1, storage.PutOptions{ContentType: "application/json", IfMatch: i2.ETag})
	if !errors.Is(err, storage.ErrPreconditionFailed) {
		t.Fatalf("If-Match Put of a missing object: %v, want ErrPreconditionFailed", err)
	}
	if _, err := st.Stat(ctx, "absent.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a failed If-Match created the object: %v", err)
	}
}

// testConcurrentWriters is the manifest's case: writers doing
// read-modify-write with a conditional Put, retrying on conflict, never
// lose an update.
func testConcurrentWriters(t *testing.T, st storage.Store) {
	writers, rounds := 6, 5
	if testing.Short() {
		writers, rounds = 4, 3
	}
	const key = "counter.txt"
	ctx := context.Background()
	conflicts.Store(0)
	var wg sync.WaitGroup
	errc := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				if err := increment(ctx, st, key); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	t.Logf("%d conflicts retried", conflicts.Load())
	for err := range errc {
		t.Error(err)
	}
	rc, _, err := st.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	if n, _ := strconv.Atoi(string(b)); n != writers*rounds {
		t.Errorf("counter = %q, want %d: an update was lost", b, writers*rounds)
	}
}

var conflicts atomic.Int64

func increment(ctx context.Context, st storage.Store, key string) error {
	for attempt := 0; attempt < 1000; attempt++ {
		opts := storage.PutOptions{ContentType: "text/plain; charset=utf-8"}
		n := 0
		rc, info, err := st.Get(ctx, key)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			opts.IfNoneMatch = true
		case err != nil:
			return err
		default:
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return err
			}
			if n, err = strconv.Atoi(string(b)); err != nil {
				return fmt.Errorf("counter holds %q", b)
			}
			opts.IfMatch = info.ETag
		}
		next := []byte(strconv.Itoa(n + 1))
		_, err = st.Put(ctx, key, bytes.NewReader(next), int64(len(next)), opts)
		if errors.Is(err, storage.ErrPreconditionFailed) {
			conflicts.Add(1)
			time.Sleep(time.Duration(rand.IntN(3)) * time.Millisecond)
			continue
		}
		return err
	}
	return errors.New("no increment after 1000 attempts")
}

// plainReader hides every method but Read, so a store cannot seek or read
// at offsets and must stream.
type plainReader struct{ r io.Reader }

func (p plainReader) Read(b []byte) (int, error) { return p.r.Read(b) }

// testStream puts objects from a reader that only reads, of known and of
// unknown size, larger than one multipart part when the store is set up
// with 5 MiB parts.
func testStream(t *testing.T, st storage.Store) {
	size := int64(7 << 20) // two parts of the smallest size S3 allows
	data := make([]byte, size)
	fill(data, 1)
	name := filepath.Join(t.TempDir(), "stream.mp3")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		size   int64
		reader func() io.Reader
	}{
		{"known", size, func() io.Reader { return plainReader{bytes.NewReader(data)} }},
		{"unknown", -1, func() io.Reader { return plainReader{bytes.NewReader(data)} }},
		{"file-unknown", -1, func() io.Reader {
			f, err := os.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		}},
	}
	for _, tt := range tests {
		sz := tt.size
		key := "stream/" + tt.name + ".mp3"
		opts := storage.PutOptions{ContentType: "audio/mpeg", CacheControl: storage.CacheImmutable, Metadata: map[string]string{"sha256": "x"}}
		info, err := st.Put(context.Background(), key, tt.reader(), sz, opts)
		if err != nil {
			t.Fatalf("Put(%q, size %d): %v", key, sz, err)
		}
		checkInfo(t, "Put "+key, info, key, size, opts, "")
		rc, ginfo, err := st.Get(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("Get(%q): %d bytes that differ from the %d put", key, len(got), len(data))
		}
		checkInfo(t, "Get "+key, ginfo, key, size, opts, info.ETag)

		// Conditions hold for objects of many parts too.
		cond := opts
		cond.IfNoneMatch = true
		if _, err := st.Put(context.Background(), key, tt.reader(), sz, cond); !errors.Is(err, storage.ErrPreconditionFailed) {
			t.Errorf("create-only Put of an existing %d-byte object: %v, want ErrPreconditionFailed", size, err)
		}
		cond = opts
		cond.IfMatch = info.ETag
		if _, err := st.Put(context.Background(), key, tt.reader(), sz, cond); err != nil {
			t.Errorf("If-Match Put of a %d-byte object: %v", size, err)
		}
	}

	// A reader shorter than the size given is an error, and stores nothing.
	_, err := st.Put(context.Background(), "stream/short.mp3", plainReader{bytes.NewReader(data[:100])}, 200, storage.PutOptions{ContentType: "audio/mpeg"})
	if err == nil {
		t.Error("Put of 100 bytes said to be 200 succeeded")
	}
	if _, err := st.Stat(context.Background(), "stream/short.mp3"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a short Put left an object: %v", err)
	}
}

// testLargeFile puts a large file from disk and checks that the heap does
// not grow with it.
func testLargeFile(t *testing.T, st storage.Store) {
	size := int64(64 << 20)
	if testing.Short() {
		size = 24 << 20
	}
	name := filepath.Join(t.TempDir(), "large.mp3")
	want := writeRandomFile(t, name, size)
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	peak := WatchHeap()
	info, err := st.Put(context.Background(), "large.mp3", f, size, storage.PutOptions{ContentType: "audio/mpeg", Metadata: map[string]string{"sha256": fmt.Sprintf("%x", want)}})
	grew := peak()
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != size {
		t.Errorf("Size = %d, want %d", info.Size, size)
	}
	t.Logf("heap grew by at most %d MiB while putting %d MiB", grew>>20, size>>20)
	if grew > uint64(size)/2 {
		t.Errorf("heap grew by %d MiB while putting a %d MiB file: the content is held in memory", grew>>20, size>>20)
	}

	rc, ginfo, err := st.Get(context.Background(), "large.mp3")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		t.Fatal(err)
	}
	if n != size || !bytes.Equal(h.Sum(nil), want[:]) {
		t.Errorf("Get returned %d bytes with another hash", n)
	}
	if ginfo.ETag != info.ETag || ginfo.Metadata["sha256"] != fmt.Sprintf("%x", want) {
		t.Errorf("Get info = %+v, want the ETag and sha256 of the Put", ginfo)
	}
}

func writeRandomFile(t *testing.T, name string, size int64) [32]byte {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	block := make([]byte, 1<<20)
	for off := int64(0); off < size; off += int64(len(block)) {
		fill(block, off+2)
		n := min(int64(len(block)), size-off)
		if _, err := io.MultiWriter(f, h).Write(block[:n]); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// fill fills b with bytes that do not repeat in any way a store could
// exploit, fast even under the race detector: a random 64 KiB block, each
// copy of it stamped with its position and the seed.
func fill(b []byte, seed int64) {
	var block [64 << 10]byte
	rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}).Read(block[:])
	for off := 0; off < len(b); off += len(block) {
		n := copy(b[off:], block[:])
		copy(b[off:off+n], strconv.AppendInt(nil, seed+int64(off), 16))
	}
}

// WatchHeap samples the heap until the returned function is called, which
// reports the largest growth seen over the heap at the start: a check that
// a store streams.
func WatchHeap() func() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
				peak = ms.HeapAlloc - base
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		return peak
	}
}

func testList(t *testing.T, st storage.Store) {
	l, ok := st.(storage.Lister)
	if !ok {
		t.Skipf("%T does not implement storage.Lister", st)
	}
	keys := []string{"list/b.txt", "list/a.txt", "list/b/c.txt", "listx.txt", "other.txt", "list.txt"}
	sizes := map[string]int64{}
	for i, k := range keys {
		put(t, st, k, k[:i+1], storage.PutOptions{})
		sizes[k] = int64(i + 1)
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"list/", []string{"list/a.txt", "list/b.txt", "list/b/c.txt"}},
		{"list", []string{"list.txt", "list/a.txt", "list/b.txt", "list/b/c.txt", "listx.txt"}},
		{"list/b", []string{"list/b.txt", "list/b/c.txt"}},
		{"", []string{"list.txt", "list/a.txt", "list/b.txt", "list/b/c.txt", "listx.txt", "other.txt"}},
		{"nope/", nil},
		{"list/b/c.txt/", nil},
	}
	for _, tt := range tests {
		infos, err := l.List(context.Background(), tt.prefix)
		if err != nil {
			t.Fatalf("List(%q): %v", tt.prefix, err)
		}
		var got []string
		for _, info := range infos {
			got = append(got, info.Key)
			if info.Size != sizes[info.Key] {
				t.Errorf("List(%q): %s has size %d, want %d", tt.prefix, info.Key, info.Size, sizes[info.Key])
			}
			if info.ETag == "" {
				t.Errorf("List(%q): %s has no ETag", tt.prefix, info.Key)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("List(%q) = %q, want %q", tt.prefix, got, tt.want)
		}
	}
}

func testString(t *testing.T, st storage.Store) {
	if st.String() == "" {
		t.Error("String() is empty")
	}
}

// RunSweeper checks a storage.Sweeper. leave does to st what a writer
// killed half way through a Put of key leaves behind (a temporary file, an
// upload never completed).
func RunSweeper(t *testing.T, st storage.Store, leave func(t *testing.T, key string)) {
	ctx := context.Background()
	sw, ok := st.(storage.Sweeper)
	if !ok {
		t.Fatalf("%T is no storage.Sweeper", st)
	}
	put(t, st, "a/done.txt", "kept", storage.PutOptions{ContentType: "text/plain"})
	start := time.Now()
	leave(t, "a/killed.mp3")

	if got, err := sw.Leftovers(ctx, start.Add(-time.Hour)); err != nil || len(got) != 0 {
		t.Errorf("Leftovers before the write began = %v, %v; want none", got, err)
	}
	got, err := sw.Leftovers(ctx, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0].Name, "a/") || got[0].Started.After(time.Now().Add(time.Minute)) {
		t.Fatalf("Leftovers = %+v, want the one write to a/", got)
	}
	if l, ok := st.(storage.Lister); ok {
		infos, err := l.List(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(infos) != 1 || infos[0].Key != "a/done.txt" {
			t.Errorf("List shows %+v, want only a/done.txt", infos)
		}
	}
	for range 2 { // the second finds it gone
		if err := sw.RemoveLeftover(ctx, got[0]); err != nil {
			t.Errorf("RemoveLeftover(%+v): %v", got[0], err)
		}
	}
	if left, err := sw.Leftovers(ctx, time.Now().Add(time.Minute)); err != nil || len(left) != 0 {
		t.Errorf("Leftovers after removal = %+v, %v; want none", left, err)
	}
	if content, _ := get(t, st, "a/done.txt"); content != "kept" {
		t.Errorf("a/done.txt holds %q after the sweep", content)
	}
}

// fileDirs are folders a file handed to PutFile may come from: the test's
// temporary folder, a RAM file system (another file system than most
// stores', so a store that renames must fall back to a copy), and the
// store's own staging place when it has one.
func fileDirs(t *testing.T, st storage.Store) map[string]func(t *testing.T) string {
	dirs := map[string]func(t *testing.T) string{
		"tempdir": func(t *testing.T) string { return filepath.Join(t.TempDir(), "work.mp3") },
	}
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		dirs["devshm"] = func(t *testing.T) string {
			dir, err := os.MkdirTemp("/dev/shm", "storagetest-")
			if err != nil {
				t.Skipf("/dev/shm: %v", err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			return filepath.Join(dir, "work.mp3")
		}
	}
	if sg, ok := st.(storage.Stager); ok {
		dirs["staged"] = func(t *testing.T) string {
			f, err := sg.CreateStaged()
			if err != nil {
				t.Fatalf("CreateStaged: %v", err)
			}
			f.Close()
			t.Cleanup(func() { os.Remove(f.Name()) })
			return f.Name()
		}
	}
	return dirs
}

// checkLeft checks what PutFile left at name: nothing (the store took the
// file), or the file as it was.
func checkLeft(t *testing.T, name string, want [32]byte, mayBeGone bool) {
	t.Helper()
	b, err := os.ReadFile(name)
	switch {
	case errors.Is(err, fs.ErrNotExist) && mayBeGone:
	case err != nil:
		t.Errorf("the file handed to PutFile: %v", err)
	case sha256.Sum256(b) != want:
		t.Errorf("the file handed to PutFile was changed (%d bytes, another hash)", len(b))
	}
}

func testPutFile(t *testing.T, st storage.Store) {
	fp, ok := st.(storage.FilePutter)
	if !ok {
		t.Skipf("%T is no storage.FilePutter", st)
	}
	ctx := context.Background()
	size := int64(11<<20 + 5) // more than a part of the S3 store's test servers
	if testing.Short() {
		size = 3<<20 + 5
	}
	for where, name := range fileDirs(t, st) {
		t.Run(where, func(t *testing.T) {
			key := "episodes/" + where + "/x.mp3"
			opts := storage.PutOptions{ContentType: "audio/mpeg", CacheControl: storage.CacheImmutable, Metadata: map[string]string{"sha256": "set-by-caller"}}

			// A file of another size than the caller says is refused, and
			// left where it was.
			file := name(t)
			want := writeRandomFile(t, file, size)
			sum := fmt.Sprintf("%x", want)
			if _, err := fp.PutFile(ctx, key, file, size+1, sum, opts); err == nil {
				t.Errorf("PutFile with a wrong size succeeded")
			}
			checkLeft(t, file, want, false)
			if _, err := st.Stat(ctx, key); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Stat after a refused PutFile: %v, want fs.ErrNotExist", err)
			}

			info, err := fp.PutFile(ctx, key, file, size, sum, opts)
			if err != nil {
				t.Fatal(err)
			}
			checkInfo(t, "PutFile", info, key, size, opts, "")
			checkLeft(t, file, want, true)
			rc, ginfo, err := st.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			n, err := io.Copy(h, rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			if n != size || !bytes.Equal(h.Sum(nil), want[:]) {
				t.Errorf("Get after PutFile returned %d bytes with another hash, want the file's %d", n, size)
			}
			checkInfo(t, "Get after PutFile", ginfo, key, size, opts, info.ETag)

			// A failed precondition changes nothing, and the file stays.
			file2 := name(t)
			want2 := writeRandomFile(t, file2, 1<<20)
			_, err = fp.PutFile(ctx, key, file2, 1<<20, fmt.Sprintf("%x", want2), storage.PutOptions{ContentType: "audio/mpeg", IfNoneMatch: true})
			if !errors.Is(err, storage.ErrPreconditionFailed) {
				t.Errorf("PutFile(IfNoneMatch) over an object: %v, want ErrPreconditionFailed", err)
			}
			checkLeft(t, file2, want2, false)
			if sinfo, err := st.Stat(ctx, key); err != nil || sinfo.ETag != info.ETag || sinfo.Size != size {
				t.Errorf("Stat after a failed conditional PutFile = %+v, %v; want the object as it was", sinfo, err)
			}
			if err := st.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// testPutFileAtomic reads an object over and over while PutFile replaces
// it: every read is the old content or the new, whole, never a part.
func testPutFileAtomic(t *testing.T, st storage.Store) {
	fp, ok := st.(storage.FilePutter)
	if !ok {
		t.Skipf("%T is no storage.FilePutter", st)
	}
	ctx := context.Background()
	const size = 4 << 20
	old := bytes.Repeat([]byte{'a'}, size)
	if _, err := st.Put(ctx, "a.mp3", bytes.NewReader(old), size, storage.PutOptions{ContentType: "audio/mpeg"}); err != nil {
		t.Fatal(err)
	}
	for where, name := range fileDirs(t, st) {
		t.Run(where, func(t *testing.T) {
			file := name(t)
			want := writeRandomFile(t, file, size)
			done := make(chan struct{})
			reads := make(chan int, 1)
			go func() {
				n := 0
				defer func() { reads <- n }()
				for {
					select {
					case <-done:
						return
					default:
					}
					rc, _, err := st.Get(ctx, "a.mp3")
					if err != nil {
						t.Errorf("Get during PutFile: %v", err)
						return
					}
					b, err := io.ReadAll(rc)
					rc.Close()
					if err != nil {
						t.Errorf("reading during PutFile: %v", err)
						return
					}
					if sum := sha256.Sum256(b); !bytes.Equal(b, old) && sum != want {
						t.Errorf("a read during PutFile saw %d bytes that are neither the old object nor the new", len(b))
						return
					}
					n++
				}
			}()
			_, err := fp.PutFile(ctx, "a.mp3", file, size, fmt.Sprintf("%x", want), storage.PutOptions{ContentType: "audio/mpeg"})
			close(done)
			t.Logf("%d reads while PutFile ran", <-reads)
			if err != nil {
				t.Fatal(err)
			}
			rc, _, err := st.Get(ctx, "a.mp3")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if sha256.Sum256(b) != want {
				t.Errorf("after PutFile the object is not the file's content")
			}
			old = b
		})
	}
}
