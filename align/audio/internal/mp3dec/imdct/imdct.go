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

// long holds, for the 36-point IMDCT of long blocks, only its distinct
// rows: the 36 outputs are 18 values up to sign (found here, not assumed),
// so WinTo does half the products of Win. It is filled after cosN36.
var long struct {
	rows [][18]float32
	row  [36]int
	sign [36]float32
}

func init() {
	l := &long
	for p := 0; p < 36; p++ {
		var c [18]float32
		for m := 0; m < 18; m++ {
			c[m] = cosN36[m][p]
		}
		found := false
		for u, r := range l.rows {
			for _, sg := range []float32{1, -1} {
				same := true
				for m := range c {
					if d := c[m] - sg*r[m]; d > 1e-6 || d < -1e-6 {
						same = false
						break
					}
				}
				if same {
					l.row[p], l.sign[p], found = u, sg, true
					break
				}
			}
			if found {
				break
			}
		}
		if !found {
			l.rows = append(l.rows, c)
			l.row[p], l.sign[p] = len(l.rows)-1, 1
		}
	}
}

// WinTo is Win into out, without allocating; in[n:] must be zero (a
// long block's products with them are skipped).
func WinTo(out *[36]float32, in []float32, n, blockType int) {
	in = in[:18]
	if blockType == 2 {
		*out = [36]float32{}
		iwd := &imdctWinData[2]
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
		return
	}
	var y [36]float32
	in = in[:max(0, min(n, 18))]
	for u := range long.rows {
		r := &long.rows[u]
		var sum float32
		for m, v := range in {
			sum += v * r[m]
		}
		y[u] = sum
	}
	iwd := &imdctWinData[blockType]
	for p := 0; p < 36; p++ {
		out[p] = long.sign[p] * y[long.row[p]] * iwd[p]
	}
}
