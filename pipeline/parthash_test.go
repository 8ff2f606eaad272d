package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
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
