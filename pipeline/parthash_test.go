package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/storage"
)

// TestPartHasher checks the parts' sums against the SHA-256 of each part
// cut from the whole, however the content is written: in one piece, in
// pieces that straddle the parts, byte by byte; and empty content.
func TestPartHasher(t *testing.T) {
	data := make([]byte, 10_000)
	for i := range data {
		data[i] = byte(i*31 + i/7)
	}
	for _, tc := range []struct{ n, part, chunk int }{
		{10_000, 1000, 10_000}, {10_000, 1000, 333}, {9_999, 1000, 1000}, {1001, 1000, 1}, {999, 1000, 64}, {0, 1000, 1},
	} {
		want := []string{}
		for off := 0; off < tc.n || off == 0; off += tc.part {
			s := sha256.Sum256(data[off:min(off+tc.part, tc.n)])
			want = append(want, hex.EncodeToString(s[:]))
			if tc.n == 0 {
				break
			}
		}
		p := &partHasher{size: int64(tc.part)}
		for off := 0; off < tc.n; off += tc.chunk {
			p.Write(data[off:min(off+tc.chunk, tc.n)])
		}
		if got := p.sums(); !slices.Equal(got, want) {
			t.Errorf("%d bytes in parts of %d, written %d at a time: %d sums %v, want %d %v", tc.n, tc.part, tc.chunk, len(got), got, len(want), want)
		}
	}
}

// summingStore is a store that takes the parts' sums (storage.PartSummer)
// and checks each against the content Put reads, as S3 would.
type summingStore struct {
	storage.Store // neither a FilePutter nor a Stager: the audio is streamed
	part          int64
	summed        []string // keys put with their parts' sums
}

func (s *summingStore) PartSize(int64) int64 { return s.part }

func (s *summingStore) Put(ctx context.Context, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if opts.PartSHA256 == nil {
		return s.Store.Put(ctx, key, r, size, opts)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	p := &partHasher{size: s.part}
	p.Write(data)
	if got := p.sums(); !slices.Equal(got, opts.PartSHA256) {
		return storage.ObjectInfo{}, fmt.Errorf("%s: the parts' sums given are not the content's", key)
	}
	s.summed = append(s.summed, key)
	return s.Store.Put(ctx, key, bytes.NewReader(data), size, opts)
}

// TestPublishGivesPartSums publishes an episode into a store that signs
// parts with their sums: the tagged audio, streamed, comes with the sums
// of its parts, and they are the content's.
func TestPublishGivesPartSums(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	st := &summingStore{Store: mustOpen(t, cfg), part: 1 << 20}
	p := NewWithStore(cfg, st, Options{Align: "none", Log: io.Discard})
	if _, err := p.Publish(context.Background(), []string{"04-platform-engineering"}); err != nil {
		t.Fatal(err)
	}
	if len(st.summed) != 1 || !strings.HasSuffix(st.summed[0], ".mp3") {
		t.Fatalf("put with their parts' sums: %v, want the audio alone", st.summed)
	}
}
