// Package dtw warps one sequence of feature vectors onto another by dynamic
// time warping inside a band: for each frame x of the first sequence only
// the frames [Lo[x], Hi[x]] of the second are considered, so memory and time
// are O(frames × band width), never O(frames²), and a long episode aligns
// in seconds.
//
//	lo, hi := band(...)                          // around a first estimate
//	path, err := dtw.Align(synth, real, 13, lo, hi)
//	y := path[x]                                 // first real frame matched to synth frame x
package dtw

import (
	"errors"
	"math"
)

// ErrBand means the band leaves no path from the first row to the last.
var ErrBand = errors.New("dtw: band admits no path")

// Align warps a onto b, both flat slices of dim-dimensional frames. lo and
// hi give, for every frame of a, the inclusive range of b's frames it may
// match; both must be non-decreasing and overlap from one row to the next.
// The path runs from the first cell of the band's first row to the last
// cell of its last row: give a row 0 band starting at 0 and a last band
// ending at len(b)-1 to pin both ends. It returns, for every frame of a,
// the first frame of b it was matched to.
func Align(a, b []float32, dim int, lo, hi []int) ([]int, error) {
	n, m := len(a)/dim, len(b)/dim
	if n == 0 || m == 0 || len(lo) != n || len(hi) != n {
		return nil, errors.New("dtw: empty input or band of the wrong length")
	}
	off := make([]int, n+1) // start of row x in the direction store
	for x := 0; x < n; x++ {
		l, h := max(lo[x], 0), min(hi[x], m-1)
		if h < l || (x > 0 && (l < max(lo[x-1], 0) || l > min(hi[x-1], m-1)+1)) {
			return nil, ErrBand
		}
		off[x+1] = off[x] + h - l + 1
	}
	// dir: 0 diagonal, 1 from the row above (same y), 2 from the left (same x).
	dir := make([]uint8, off[n])
	prev := make([]float64, 0, 1024)
	cur := make([]float64, 0, 1024)
	inf := math.Inf(1)
	plo, phi := 0, -1
	for x := 0; x < n; x++ {
		l, h := max(lo[x], 0), min(hi[x], m-1)
		cur = cur[:0]
		ax := a[x*dim : (x+1)*dim]
		for y := l; y <= h; y++ {
			d := dist(ax, b[y*dim:(y+1)*dim])
			best, how := inf, uint8(0)
			if x == 0 {
				if y == l {
					best = 0
				}
			} else {
				if y-1 >= plo && y-1 <= phi {
					best, how = prev[y-1-plo], 0
				}
				if y >= plo && y <= phi && prev[y-plo] < best {
					best, how = prev[y-plo], 1
				}
			}
			if y > l && cur[y-1-l] < best {
				best, how = cur[y-1-l], 2
			}
			cur = append(cur, best+d)
			dir[off[x]+y-l] = how
		}
		prev, cur = cur, prev
		plo, phi = l, h
	}
	by := phi
	if math.IsInf(prev[phi-plo], 1) {
		return nil, ErrBand
	}
	path := make([]int, n)
	x, y := n-1, by
	for {
		path[x] = y // walking back, the last write for row x is its first y
		if x == 0 {
			// Slide left along the first row while the path came from the left.
			for y > max(lo[0], 0) && dir[off[0]+y-max(lo[0], 0)] == 2 {
				y--
			}
			path[0] = y
			break
		}
		l := max(lo[x], 0)
		switch dir[off[x]+y-l] {
		case 0:
			x, y = x-1, y-1
		case 1:
			x--
		case 2:
			y--
		}
	}
	return path, nil
}

func dist(a, b []float32) float64 {
	var s float32
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return math.Sqrt(float64(s))
}
