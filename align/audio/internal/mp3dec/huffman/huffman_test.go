package huffman

import (
	"math/rand/v2"
	"testing"

	"github.com/podpipe/podpipe/align/audio/internal/mp3dec/bits"
)

// Decoding through the lookup tables reads the same code words, and the
// same number of bits, as walking the tree from its root bit by bit.
func TestLookupMatchesWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n, h := range huffmanMain {
		if h.treelen == 0 {
			continue
		}
		for range 3000 {
			buf := make([]byte, 8)
			for i := range buf {
				buf[i] = byte(rng.UintN(256))
			}
			// Short code words are the common case: make them likely.
			if rng.IntN(2) == 0 {
				buf[0] &= 0x0f
			}
			word := uint32(buf[0])<<24 | uint32(buf[1])<<16 | uint32(buf[2])<<8 | uint32(buf[3])
			point, used, leaf := walk(h.hufftable, h.treelen, 0, word, 32)

			m := bits.New(buf)
			x, y, _, _, err := Decode(m, n)
			if !leaf {
				if err == nil {
					t.Fatalf("table %d, % x: decoded (%d, %d), the tree has no such code", n, buf, x, y)
				}
				continue
			}
			if err != nil {
				t.Fatalf("table %d, % x: %v", n, buf, err)
			}
			// The code word holds (x, y), or for the quadruple tables
			// (v, w, x, y) in four bits; sign bits and linbits follow.
			leafv := int(h.hufftable[point])
			want := used
			if n > 31 {
				for b := 3; b >= 0; b-- {
					want += leafv >> b & 1
				}
			} else {
				wx, wy := leafv>>4&0xf, leafv&0xf
				if abs(x) < 15 && abs(x) != wx || abs(y) < 15 && abs(y) != wy {
					t.Fatalf("table %d, % x: (%d, %d), want (%d, %d)", n, buf, x, y, wx, wy)
				}
				for _, c := range []int{wx, wy} {
					if c == 15 {
						want += h.linbits
					}
					if c != 0 {
						want++
					}
				}
			}
			if m.BitPos() != want {
				t.Fatalf("table %d, % x: read %d bits, want %d", n, buf, m.BitPos(), want)
			}
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
