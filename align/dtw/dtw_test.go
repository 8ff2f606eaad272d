package dtw

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// seq makes a 2-dimensional sequence that wanders, so every stretch of it
// looks different.
func seq(rng *rand.Rand, n int) []float32 {
	out := make([]float32, 0, 2*n)
	var a, b float64
	for i := 0; i < n; i++ {
		a += rng.NormFloat64()
		b += rng.NormFloat64()
		out = append(out, float32(a), float32(b))
	}
	return out
}

// warp resamples s by the monotone map src(i) and returns it with the map.
func warp(s []float32, n int, src func(i int) int) []float32 {
	out := make([]float32, 0, 2*n)
	for i := 0; i < n; i++ {
		j := src(i)
		out = append(out, s[2*j], s[2*j+1])
	}
	return out
}

func TestAlignRecoversWarp(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 600
	a := seq(rng, n)
	tests := []struct {
		name string
		m    int
		src  func(i int) int // b's frame i shows a's frame src(i)
	}{
		{"identity", n, func(i int) int { return i }},
		{"slower", 900, func(i int) int { return i * 2 / 3 }},
		{"faster then slower", 700, func(i int) int {
			if i < 200 {
				return i * 2
			}
			return min(400+(i-200)*200/500, n-1)
		}},
	}
	for _, tt := range tests {
		b := warp(a, tt.m, tt.src)
		// A band of ±300 around the straight diagonal.
		lo, hi := make([]int, n), make([]int, n)
		for x := range lo {
			c := x * tt.m / n
			lo[x], hi[x] = max(c-300, 0), min(c+300, tt.m-1)
			if x == 0 {
				lo[x] = 0
			}
			if x == n-1 {
				hi[x] = tt.m - 1
			}
		}
		path, err := Align(a, b, 2, lo, hi)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		// For each a frame x, the first b frame showing it.
		worst := 0
		for x := 0; x < n; x += 7 {
			first := -1
			for y := 0; y < tt.m; y++ {
				if tt.src(y) >= x {
					first = y
					break
				}
			}
			if first < 0 {
				continue
			}
			worst = max(worst, int(math.Abs(float64(path[x]-first))))
		}
		if worst > 3 {
			t.Errorf("%s: path strays %d frames from the true warp", tt.name, worst)
		}
		for x := 1; x < n; x++ {
			if path[x] < path[x-1] {
				t.Fatalf("%s: path goes back at %d", tt.name, x)
			}
		}
	}
}

func TestAlignBand(t *testing.T) {
	a := []float32{0, 1, 2}
	b := []float32{0, 1, 2, 3}
	// Rows that do not overlap admit no path.
	if _, err := Align(a, b, 1, []int{0, 3, 3}, []int{1, 3, 3}); !errors.Is(err, ErrBand) {
		t.Errorf("disjoint band: err = %v, want ErrBand", err)
	}
	if _, err := Align(a, b, 1, []int{0, 0}, []int{1, 1}); err == nil {
		t.Error("band of the wrong length: no error")
	}
	path, err := Align(a, b, 1, []int{0, 0, 0}, []int{3, 3, 3})
	if err != nil {
		t.Fatal(err)
	}
	if path[0] != 0 || path[1] != 1 || path[2] != 2 {
		t.Errorf("path %v, want [0 1 2]", path)
	}
}

// Memory is the band, not the square: a long sequence with a narrow band
// must not allocate n×m.
func TestAlignMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a long sequence")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 50000
	a := seq(rng, n)
	lo, hi := make([]int, n), make([]int, n)
	for x := range lo {
		lo[x], hi[x] = max(x-50, 0), min(x+50, n-1)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Align(a, a, 2, lo, hi); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	// The band holds 5 million cells; the square would hold 2.5 billion.
	if got := after.TotalAlloc - before.TotalAlloc; got > 20<<20 {
		t.Errorf("allocated %d MB", got>>20)
	}
}

// Tracing the warp back a stretch at a time, each stretch's directions
// recomputed from a saved cost row, finds the very path one stretch finds.
func TestAlignStretches(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n, m = 900, 1100
	a := seq(rng, n)
	b := warp(a, m, func(i int) int { return min(i*n/m+int(20*math.Sin(float64(i)/60)), n-1) })
	b = append(b, seq(rng, 50)...) // a tail that matches nothing
	mb := len(b) / 2
	lo, hi := make([]int, n), make([]int, n)
	for x := range lo {
		c := x * mb / n
		lo[x], hi[x] = max(c-40-x%7, 0), min(c+60+x%5, mb-1)
		if x > 0 {
			lo[x], hi[x] = max(lo[x], lo[x-1]), max(hi[x], hi[x-1])
		}
	}
	lo[0], hi[n-1] = 0, mb-1
	defer func(c int) { MaxCells = c }(MaxCells)
	want, err := Align(a, b, 2, lo, hi)
	if err != nil {
		t.Fatal(err)
	}
	for _, cells := range []int{1, 97, 5000, 40000} {
		MaxCells = cells
		got, err := Align(a, b, 2, lo, hi)
		if err != nil {
			t.Fatalf("MaxCells %d: %v", cells, err)
		}
		for x := range want {
			if got[x] != want[x] {
				t.Fatalf("MaxCells %d: row %d matched %d, %d in one stretch", cells, x, got[x], want[x])
			}
		}
	}
}

// flatSeq reads a long sequence without storing it: frame i is a function
// of i.
type flatSeq struct{ n int }

func (s flatSeq) Len() int { return s.n }
func (s flatSeq) Dim() int { return 2 }
func (s flatSeq) Frame(i int, dst []float32) {
	dst[0], dst[1] = float32(math.Sin(float64(i)/17)), float32(math.Cos(float64(i)/29))
}

// Memory does not grow with the length beyond the path itself (an int
// per row) and a cost row saved every MaxCells cells: a warp four times
// as long allocates, besides its path, less than twice as much.
func TestAlignMemoryFlat(t *testing.T) {
	defer func(c int) { MaxCells = c }(MaxCells)
	MaxCells = 1 << 16
	extra := func(n int) uint64 {
		lo, hi := make([]int, n), make([]int, n)
		for x := range lo {
			lo[x], hi[x] = max(x-50, 0), min(x+50, n-1)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := AlignSeq(flatSeq{n}, flatSeq{n}, lo, hi); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc - uint64(8*n)
	}
	short, long := extra(20000), extra(80000)
	// Directions for every cell would be 101 bytes a row: 8 MB at 80000.
	if long > 2*short || long > 1<<20 {
		t.Errorf("beyond the path, %d rows allocated %d bytes, %d rows %d bytes", 20000, short, 80000, long)
	}
}
