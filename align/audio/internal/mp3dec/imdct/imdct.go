// Copyright 2017 Hajime Hoshi
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package imdct

import (
	"math"
)

var imdctWinData = [4][36]float32{}

func init() {
	for i := 0; i < 36; i++ {
		imdctWinData[0][i] = float32(math.Sin(math.Pi / 36 * (float64(i) + 0.5)))
	}
	for i := 0; i < 18; i++ {
		imdctWinData[1][i] = float32(math.Sin(math.Pi / 36 * (float64(i) + 0.5)))
	}
	for i := 18; i < 24; i++ {
		imdctWinData[1][i] = 1.0
	}
	for i := 24; i < 30; i++ {
		imdctWinData[1][i] = float32(math.Sin(math.Pi / 12 * (float64(i) + 0.5 - 18.0)))
	}
	for i := 30; i < 36; i++ {
		imdctWinData[1][i] = 0.0
	}
	for i := 0; i < 12; i++ {
		imdctWinData[2][i] = float32(math.Sin(math.Pi / 12 * (float64(i) + 0.5)))
	}
	for i := 12; i < 36; i++ {
		imdctWinData[2][i] = 0.0
	}
	for i := 0; i < 6; i++ {
		imdctWinData[3][i] = 0.0
	}
	for i := 6; i < 12; i++ {
		imdctWinData[3][i] = float32(math.Sin(math.Pi / 12 * (float64(i) + 0.5 - 6.0)))
	}
	for i := 12; i < 18; i++ {
		imdctWinData[3][i] = 1.0
	}
	for i := 18; i < 36; i++ {
		imdctWinData[3][i] = float32(math.Sin(math.Pi / 36 * (float64(i) + 0.5)))
	}
}

var cosN12 = [6][12]float32{}

func init() {
	const N = 12
	for i := 0; i < 6; i++ {
		for j := 0; j < 12; j++ {
			cosN12[i][j] = float32(math.Cos(math.Pi / (2 * N) * (2*float64(j) + 1 + N/2) * (2*float64(i) + 1)))
		}
	}
}

var cosN36 = [18][36]float32{}

func init() {
	const N = 36
	for i := 0; i < 18; i++ {
		for j := 0; j < 36; j++ {
			cosN36[i][j] = float32(math.Cos(math.Pi / (2 * N) * (2*float64(j) + 1 + N/2) * (2*float64(i) + 1)))
		}
	}
}

func Win(in []float32, blockType int) []float32 {
	out := make([]float32, 36)
	if blockType == 2 {
		iwd := imdctWinData[blockType]
		const N = 12
		for i := 0; i < 3; i++ {
			for p := 0; p < N; p++ {
				sum := float32(0.0)
				for m := 0; m < N/2; m++ {
					sum += in[i+3*m] * cosN12[m][p]
				}
				out[6*i+p+6] += sum * iwd[p]
			}
		}
		return out
	}
	const N = 36
	iwd := imdctWinData[blockType]
	for p := 0; p < N; p++ {
		sum := float32(0.0)
		for m := 0; m < N/2; m++ {
			sum += in[m] * cosN36[m][p]
		}
		out[p] = sum * iwd[p]
	}
	return out
}

// The 36-point IMDCT of a long block is an 18-point DCT-IV, u[k] =
// Σ x[m] cos(π/72 (2k+1)(2m+1)), unfolded: out[p] = u[p+9] for p < 9,
// -u[26-p] up to 26, -u[p-27] after. The DCT-IV is computed as a 9-point
// complex DFT between two twiddles, and the DFT as 3 × 3 (about 110
// products where the matrix took 324).
var (
	preC, preS   [9]float32 // e^{-iπ(4n+1)/72}
	postC, postS [9]float32 // e^{-iπk/18}
	tw9C, tw9S   [3][3]float32
)

const sin60 = 0.86602540378443864676

// dct4x6[k][m] is cos(π/24 (2k+1)(2m+1)), the 6-point DCT-IV.
var dct4x6 = func() (c [6][6]float32) {
	for k := range 6 {
		for m := range 6 {
			c[k][m] = float32(math.Cos(math.Pi / 24 * float64((2*k+1)*(2*m+1))))
		}
	}
	return c
}()

func init() {
	for n := range 9 {
		a := math.Pi * float64(4*n+1) / 72
		preC[n], preS[n] = float32(math.Cos(a)), float32(math.Sin(a))
		b := math.Pi * float64(n) / 18
		postC[n], postS[n] = float32(math.Cos(b)), float32(math.Sin(b))
	}
	for n2 := range 3 {
		for k1 := range 3 {
			a := 2 * math.Pi * float64(n2*k1) / 9
			tw9C[n2][k1], tw9S[n2][k1] = float32(math.Cos(a)), float32(math.Sin(a))
		}
	}
}

// dft3 is the 3-point DFT of (a0, a1, a2), real and imaginary parts.
func dft3(a0r, a0i, a1r, a1i, a2r, a2i float32) (x0r, x0i, x1r, x1i, x2r, x2i float32) {
	sr, si := a1r+a2r, a1i+a2i
	dr, di := (a1r-a2r)*sin60, (a1i-a2i)*sin60
	tr, ti := a0r-0.5*sr, a0i-0.5*si
	return a0r + sr, a0i + si, tr + di, ti - dr, tr - di, ti + dr
}

// dct4 replaces x with its 18-point DCT-IV (see above).
func dct4(x *[18]float32) {
	var zr, zi [9]float32
	for n := range 9 {
		a, b := x[2*n], x[17-2*n]
		c, s := preC[n], preS[n]
		zr[n], zi[n] = a*c+b*s, b*c-a*s
	}
	// n = 3n1 + n2, k = k1 + 3k2: a DFT over n1, twiddles, a DFT over n2.
	var ar, ai [3][3]float32 // [n2][k1]
	for n2 := range 3 {
		ar[n2][0], ai[n2][0], ar[n2][1], ai[n2][1], ar[n2][2], ai[n2][2] =
			dft3(zr[n2], zi[n2], zr[3+n2], zi[3+n2], zr[6+n2], zi[6+n2])
	}
	for n2 := 1; n2 < 3; n2++ {
		for k1 := 1; k1 < 3; k1++ {
			c, s := tw9C[n2][k1], tw9S[n2][k1]
			r, i := ar[n2][k1], ai[n2][k1]
			ar[n2][k1], ai[n2][k1] = r*c+i*s, i*c-r*s
		}
	}
	var yr, yi [9]float32
	for k1 := range 3 {
		yr[k1], yi[k1], yr[k1+3], yi[k1+3], yr[k1+6], yi[k1+6] =
			dft3(ar[0][k1], ai[0][k1], ar[1][k1], ai[1][k1], ar[2][k1], ai[2][k1])
	}
	for k := range 9 {
		c, s := postC[k], postS[k]
		r, i := yr[k], yi[k]
		x[2*k], x[17-2*k] = r*c+i*s, -(i*c - r*s)
	}
}

// WinTo is Win into out, without allocating; in[n:] must be zero (n is a
// hint the transforms may use).
func WinTo(out *[36]float32, in []float32, n, blockType int) {
	in = in[:18]
	if blockType == 2 {
		// Each window's 12-point IMDCT is a 6-point DCT-IV unfolded as
		// the long one is: out[p] = u[p+3], -u[8-p] from 3, -u[p-9]
		// from 9 (36 products for 72).
		*out = [36]float32{}
		iwd := &imdctWinData[2]
		for i := 0; i < 3; i++ {
			var u [6]float32
			for k := range 6 {
				c := &dct4x6[k]
				u[k] = in[i]*c[0] + in[i+3]*c[1] + in[i+6]*c[2] + in[i+9]*c[3] + in[i+12]*c[4] + in[i+15]*c[5]
			}
			o := (*[12]float32)(out[6*i+6:])
			for p := 0; p < 3; p++ {
				o[p] += u[p+3] * iwd[p]
			}
			for p := 3; p < 9; p++ {
				o[p] -= u[8-p] * iwd[p]
			}
			for p := 9; p < 12; p++ {
				o[p] -= u[p-9] * iwd[p]
			}
		}
		return
	}
	u := [18]float32(in)
	dct4(&u)
	iwd := &imdctWinData[blockType]
	for p := 0; p < 9; p++ {
		out[p] = u[p+9] * iwd[p]
	}
	for p := 9; p < 27; p++ {
		out[p] = -u[26-p] * iwd[p]
	}
	for p := 27; p < 36; p++ {
		out[p] = -u[p-27] * iwd[p]
	}
}
