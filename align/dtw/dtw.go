// Package dtw warps one sequence of feature vectors onto another by dynamic
// time warping inside a band: for each frame x of the first sequence only
// the frames [Lo[x], Hi[x]] of the second are considered, so time is
// O(frames × band width), never O(frames²). Memory is bounded whatever the
// length: the warp's directions are kept for at most MaxCells cells at a
// time (see AlignSeq), and the second sequence is read through a window
// as wide as the band.
//
//	lo, hi := band(...)                          // around a first estimate
//	path, err := dtw.Align(synth, real, 13, lo, hi)
//	y := path[x]                                 // first real frame matched to synth frame x
package dtw

import (
	"errors"
	"math"
	"slices"
)

// ErrBand means the band leaves no path from the first row to the last.
var ErrBand = errors.New("dtw: band admits no path")

// Seq is a sequence of frames, read mostly in order.
type Seq interface {
	Len() int
	Dim() int
	// Frame writes frame i into dst, which has Dim() elements.
	Frame(i int, dst []float32)
}

// Flat is a Seq of Dim-dimensional frames stored one after the other.
type Flat struct {
	Data []float32
	D    int
}

func (f Flat) Len() int                   { return len(f.Data) / f.D }
func (f Flat) Dim() int                   { return f.D }
func (f Flat) Frame(i int, dst []float32) { copy(dst, f.Data[i*f.D:(i+1)*f.D]) }

// MaxCells is how many cells' directions AlignSeq keeps at once (one byte
// each). A longer warp is traced back a stretch of rows at a time, each
// stretch's directions recomputed from the cost row saved at its start:
// the path is the same, for at most twice the work.
var MaxCells = 4 << 20

// Align warps a onto b, both flat slices of dim-dimensional frames. lo and
// hi give, for every frame of a, the inclusive range of b's frames it may
// match; both must be non-decreasing and overlap from one row to the next.
// The path runs from the first cell of the band's first row to the last
// cell of its last row: give a row 0 band starting at 0 and a last band
// ending at len(b)-1 to pin both ends. It returns, for every frame of a,
// the first frame of b it was matched to.
func Align(a, b []float32, dim int, lo, hi []int) ([]int, error) {
	return AlignSeq(Flat{a, dim}, Flat{b, dim}, lo, hi)
}

// Index is the type of a band's bounds and a path's frames: int32 halves
// what a long warp's band and path take.
type Index interface{ ~int | ~int32 }

// AlignSeq is Align on sequences of any storage; a and b must have the
// same Dim. Memory beyond the band and the returned path is O(band width
// + MaxCells + checkpoints), a checkpoint being one cost row saved every
// MaxCells cells.
func AlignSeq[I Index](a, b Seq, lo, hi []I) ([]I, error) {
	n, m, dim := a.Len(), b.Len(), a.Dim()
	if n == 0 || m == 0 || len(lo) != n || len(hi) != n || b.Dim() != dim {
		return nil, errors.New("dtw: empty input or band of the wrong length")
	}
	bounds := func(x int) (int, int) { return max(int(lo[x]), 0), min(int(hi[x]), m-1) }
	// Check the band and cut the rows into stretches of at most MaxCells
	// cells (at least one row each).
	starts := []int{0}
	cells := 0
	for x := 0; x < n; x++ {
		l, h := bounds(x)
		if h < l {
			return nil, ErrBand
		}
		if x > 0 {
			pl, ph := bounds(x - 1)
			if l < pl || l > ph+1 {
				return nil, ErrBand
			}
		}
		if w := h - l + 1; cells > 0 && cells+w > MaxCells {
			starts = append(starts, x)
			cells = w
		} else {
			cells += w
		}
	}
	w := &warper{a: a, b: b, dim: dim, bounds: bounds, ax: make([]float32, dim)}
	// Forward over every row, saving the cost row before each stretch
	// and keeping the directions of the last one.
	checks := make([]row, len(starts))
	var prev row
	last := len(starts) - 1
	for k, s := range starts {
		checks[k] = prev.clone()
		end := n
		if k < last {
			end = starts[k+1]
		}
		var dirs []uint8
		if k == last {
			dirs = w.dirsFor(s, end)
		}
		prev = w.rows(s, end, prev, dirs)
	}
	if math.IsInf(prev.c[prev.h-prev.l], 1) {
		return nil, ErrBand
	}
	path := make([]I, n)
	x, y := n-1, prev.h
	for k := last; k >= 0; k-- {
		s, end := starts[k], n
		if k < last {
			end = starts[k+1]
			w.rows(s, end, checks[k], w.dirsFor(s, end))
		}
		x, y = back(w, path, s, x, y)
	}
	return path, nil
}

// row is one row's costs over its band [l, h].
type row struct {
	l, h int
	c    []float64
}

func (r row) clone() row {
	if r.c == nil {
		return r
	}
	return row{r.l, r.h, append([]float64(nil), r.c...)}
}

type warper struct {
	a, b   Seq
	dim    int
	bounds func(x int) (int, int)
	ax     []float32
	win    window
	dir    []uint8 // directions of the stretch being traced: 0 diagonal, 1 from the row above, 2 from the left
	off    []int   // start of each of its rows in dir
	from   int     // its first row
	// rowA and rowB are the cost rows' storage, kept from one stretch
	// to the next.
	rowA, rowB []float64
}

// dirsFor makes room for the directions of rows [s, end).
func (w *warper) dirsFor(s, end int) []uint8 {
	w.off = append(w.off[:0], 0)
	for x := s; x < end; x++ {
		l, h := w.bounds(x)
		w.off = append(w.off, w.off[len(w.off)-1]+h-l+1)
	}
	if c := w.off[len(w.off)-1]; cap(w.dir) >= c {
		w.dir = w.dir[:c]
	} else {
		w.dir = make([]uint8, c)
	}
	w.from = s
	return w.dir
}

// rows computes rows [s, end) from the row before s (empty for s = 0),
// writing their directions to dirs when not nil, and returns row end-1.
func (w *warper) rows(s, end int, before row, dirs []uint8) row {
	inf := math.Inf(1)
	prev := row{before.l, before.h, append(w.rowA[:0], before.c...)}
	plo, phi := prev.l, prev.h
	if s == 0 {
		plo, phi = 0, -1
	}
	cur := row{c: w.rowB[:0]}
	defer func() { w.rowA, w.rowB = prev.c, cur.c }()
	for x := s; x < end; x++ {
		l, h := w.bounds(x)
		cur.c = cur.c[:0]
		w.a.Frame(x, w.ax)
		bs := w.win.span(w.b, w.dim, l, h)
		for y := l; y <= h; y++ {
			d := dist(w.ax, bs[(y-l)*w.dim:(y-l+1)*w.dim])
			best, how := inf, uint8(0)
			if x == 0 {
				if y == l {
					best = 0
				}
			} else {
				if y-1 >= plo && y-1 <= phi {
					best, how = prev.c[y-1-plo], 0
				}
				if y >= plo && y <= phi && prev.c[y-plo] < best {
					best, how = prev.c[y-plo], 1
				}
			}
			if y > l && cur.c[y-1-l] < best {
				best, how = cur.c[y-1-l], 2
			}
			cur.c = append(cur.c, best+d)
			if dirs != nil {
				dirs[w.off[x-s]+y-l] = how
			}
		}
		prev, cur = cur, prev
		prev.l, prev.h = l, h
		plo, phi = l, h
	}
	return prev
}

// back traces the path from cell (x, y) back through the stretch whose
// directions w holds, which starts at row s, writing path; it returns the
// cell it left the stretch for.
func back[I Index](w *warper, path []I, s, x, y int) (int, int) {
	at := func(x, y int) uint8 {
		l, _ := w.bounds(x)
		return w.dir[w.off[x-w.from]+y-l]
	}
	for x >= s {
		path[x] = I(y) // walking back, the last write for row x is its first y
		if x == 0 {
			// Slide left along the first row while the path came from the left.
			l, _ := w.bounds(0)
			for y > l && at(0, y) == 2 {
				y--
			}
			path[0] = I(y)
			return -1, y
		}
		switch at(x, y) {
		case 0:
			x, y = x-1, y-1
		case 1:
			x--
		case 2:
			y--
		}
	}
	return x, y
}

// window holds b's frames [lo, lo+n) as float32, sliding forward with the
// band.
type window struct {
	lo, n int
	start int // buf index of frame lo's first value
	buf   []float32
}

// span returns frames [l, h] of s, one after the other.
func (w *window) span(s Seq, dim, l, h int) []float32 {
	if l < w.lo || l > w.lo+w.n {
		w.lo, w.n, w.start, w.buf = l, 0, 0, w.buf[:0] // jumped (a stretch traced again): start afresh
	}
	drop := l - w.lo
	w.start += drop * dim
	w.lo, w.n = l, w.n-drop
	if w.start > len(w.buf)/2 && w.start > 0 {
		w.buf = w.buf[:copy(w.buf, w.buf[w.start:])]
		w.start = 0
	}
	for y := w.lo + w.n; y <= h; y++ {
		k := len(w.buf)
		w.buf = slices.Grow(w.buf, dim)[:k+dim]
		s.Frame(y, w.buf[k:k+dim])
		w.n++
	}
	return w.buf[w.start : w.start+(h-l+1)*dim]
}

func dist(a, b []float32) float64 {
	var s float32
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return math.Sqrt(float64(s))
}
