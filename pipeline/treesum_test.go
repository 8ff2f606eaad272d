package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/internal/s3test"
	"github.com/podpipe/podpipe/mp3/mp3test"
	"github.com/podpipe/podpipe/storage"
)

// treeSumOf is blockSums.treeSum as its comment words it, computed here
// from the bytes in memory, one block after the other.
func treeSumOf(data []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "podpipe audio tree %s\nblock %d\nsize %d\n", treeVersion, treeBlock, len(data))
	for off := 0; off < len(data); off += treeBlock {
		s := sha256.Sum256(data[off:min(off+treeBlock, len(data))])
		h.Write(s[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// randomBytes returns n bytes no two blocks of which are alike.
func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for k := range 8 {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	return b
}

// openWritten writes data to a new file in the test's temporary folder
// and opens it for reading; the caller closes it.
func openWritten(t *testing.T, data []byte) *os.File {
	t.Helper()
	name := filepath.Join(t.TempDir(), "audio.mp3")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestHashBlocks checks the sum hashBlocks makes, several blocks at once,
// against the one made block after block, for files that end before,
// on and after a block's end and that are empty; and that its report of
// progress never goes back and ends at the file's size.
func TestHashBlocks(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	data := randomBytes(2*treeBlock + 12345)
	for _, size := range []int{0, 1, treeBlock - 1, treeBlock, treeBlock + 1, 2*treeBlock + 12345} {
		f := openWritten(t, data[:size])
		var reports []int64
		b, err := hashBlocks(f, int64(size), 0, func(n int64) { reports = append(reports, n) })
		f.Close()
		if err != nil {
			t.Fatalf("%d bytes: %v", size, err)
		}
		if got, want := b.treeSum(), treeSumOf(data[:size]); got != want {
			t.Errorf("%d bytes: tree sum %s, want %s", size, got, want)
		}
		if !slices.IsSorted(reports) || (size > 0 && reports[len(reports)-1] != int64(size)) {
			t.Errorf("%d bytes: progress reported %v", size, reports)
		}
	}

	// A file shorter than the size asked for has changed.
	f := openWritten(t, data[:treeBlock+1])
	defer f.Close()
	if _, err := hashBlocks(f, 2*treeBlock, 0, nil); err == nil || !strings.Contains(err.Error(), "shorter") {
		t.Errorf("a file shorter than its size: %v, want it said to have got shorter", err)
	}
}

// TestUploadParts checks the parts' sums and first part uploadParts
// gives against the tagged audio cut as the store would cut it with
// them: the first part, then parts of the store's size.
func TestUploadParts(t *testing.T) {
	data := randomBytes(3*treeBlock + 4321)
	f := openWritten(t, data)
	defer f.Close()
	blocks, err := hashBlocks(f, int64(len(data)), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name            string
		tag, audioStart int
		partSize        int64
		aligned         bool
	}{
		{"small old tag", 2000, 1000, treeBlock, true},
		{"old tag ends near a block's end", 1000, treeBlock - 100, treeBlock, true},
		{"no old tag, big new one", 6 << 20, 0, treeBlock, true},
		{"no old tag, small new one", 300, 0, treeBlock, true},
		{"parts of another size", 2000, 1000, 5 << 20, false},
	} {
		tag := bytes.Repeat([]byte{'T'}, tc.tag)
		obj := append(append([]byte(nil), tag...), data[tc.audioStart:]...)
		sums, first, err := uploadParts(f, tag, int64(tc.audioStart), blocks, tc.partSize)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.aligned != (first > 0) {
			t.Errorf("%s: first part %d; want one of its own: %v", tc.name, first, tc.aligned)
		}
		if first > 0 && (first < minFirstPart || (first-int64(tc.tag)+int64(tc.audioStart))%treeBlock != 0) {
			t.Errorf("%s: first part of %d bytes does not end on a block's end, or is below S3's smallest part", tc.name, first)
		}
		var want []string
		cut := first
		if cut == 0 {
			cut = tc.partSize
		}
		for off := int64(0); off < int64(len(obj)); {
			end := min(off+cut, int64(len(obj)))
			s := sha256.Sum256(obj[off:end])
			want = append(want, hex.EncodeToString(s[:]))
			off, cut = end, tc.partSize
		}
		if !slices.Equal(sums, want) {
			t.Errorf("%s: %d sums, not those of the %d parts cut at %d then %d", tc.name, len(sums), len(want), first, tc.partSize)
		}
	}
}

// partsWatch is a store that signs parts with their sums, and records
// how the tagged audio's upload was to be cut.
type partsWatch struct {
	storage.Store
	ps          storage.PartSummer
	first, sums int64 // of the last .mp3 Put
}

func (w *partsWatch) PartSize(size int64) int64 { return w.ps.PartSize(size) }

func (w *partsWatch) Put(ctx context.Context, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if strings.HasSuffix(key, ".mp3") {
		w.first, w.sums = opts.FirstPart, int64(len(opts.PartSHA256))
	}
	return w.Store.Put(ctx, key, r, size, opts)
}

// TestS3PublishSignsPartsWithBlocks publishes an episode of about 40 MiB
// of audio to an S3-compatible server: the upload's first part ends on a
// block's end of the source, every other part is one of its blocks,
// signed with the sum the block got when the audio's sum was made, and
// the server, which checks each part against its sum, takes them all.
// The object is the tag, then the source's audio.
func TestS3PublishSignsPartsWithBlocks(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cfg := sampleShow(t, "s3://"+bucket+"/show", endpoint, endpoint+"/"+bucket+"/show/")
	const slug = "01-p99-observability"
	source := filepath.Join(cfg.EpisodesDir(), slug+".mp3")
	f, err := os.Create(source)
	if err != nil {
		t.Fatal(err)
	}
	// 48 kHz, 128 kbit/s: 384-byte frames.
	if _, err := mp3test.Write(f, mp3test.Options{Frames: 40 << 20 / 384, Header: mp3test.Info}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s3, err := OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ps, ok := s3.(storage.PartSummer)
	if !ok || ps.PartSize(40<<20) != treeBlock {
		t.Fatalf("the S3 store's parts are not the audio's blocks (%T)", s3)
	}
	w := &partsWatch{Store: s3, ps: ps}
	if _, err := newPipeline(t, cfg, w, Options{}).Publish(ctx, []string{slug}); err != nil {
		t.Fatal(err)
	}
	e := readManifest(t, w).Find(slug)
	rc, _, err := w.Get(ctx, e.Audio.Key)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(t.TempDir(), "object.mp3")
	if err := os.WriteFile(obj, data, 0o644); err != nil {
		t.Fatal(err)
	}
	checkRecipe(t, obj, source, e.Audio)
	fi, err := os.Stat(source)
	if err != nil {
		t.Fatal(err)
	}
	blocks := (fi.Size() + treeBlock - 1) / treeBlock
	if w.first < minFirstPart || w.sums != blocks {
		t.Errorf("the audio's upload: first part %d bytes, %d sums; want a first part of its own and one sum for each of the %d blocks but the first", w.first, w.sums, blocks)
	}
}
