// Command mkcover draws the sample show's cover art: a square RGB JPEG
// (Apple asks for 1400 to 3000 pixels square, RGB, under 512 KB) made of a
// gradient, broadcast rings, a waveform and a dot-matrix "CNDC 2025". It uses
// the standard library only and draws the same image on every run.
//
//	go run ./internal/cmd/mkcover -out cover.jpg
package main

import (
	"bufio"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "cover.jpg", "JPEG file to write")
	size := flag.Int("size", 1400, "width and height in pixels (Apple: 1400 to 3000)")
	quality := flag.Int("quality", 88, "JPEG quality, 1 to 100")
	flag.Parse()
	if *size < 64 || *size > 3000 || *quality < 1 || *quality > 100 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := writeCover(*out, *size, *quality); err != nil {
		fmt.Fprintln(os.Stderr, "mkcover:", err)
		os.Exit(1)
	}
}

// writeCover writes through a temporary file so a failed run never leaves a
// broken cover behind.
func writeCover(name string, size, quality int) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := encode(f, draw(size), quality); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

func encode(w io.Writer, img image.Image, quality int) error {
	bw := bufio.NewWriter(w)
	if err := jpeg.Encode(bw, img, &jpeg.Options{Quality: quality}); err != nil {
		return err
	}
	return bw.Flush()
}

// canvas holds linear-ish float colours so that layers blend without the
// banding 8-bit intermediate values would give.
type canvas struct {
	n   int
	pix []rgb
}

type rgb struct{ r, g, b float64 }

func hex(v uint32) rgb {
	return rgb{float64(v>>16&0xff) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255}
}

func mix(a, b rgb, t float64) rgb {
	return rgb{a.r + (b.r-a.r)*t, a.g + (b.g-a.g)*t, a.b + (b.b-a.b)*t}
}

// shape paints colour c with opacity alpha wherever the signed distance
// function sd (negative inside, in pixels) covers the pixel, inside the
// bounding box (x0,y0)-(x1,y1). Coverage ramps over one pixel at the edge,
// which is all the anti-aliasing a cover needs.
func (cv *canvas) shape(x0, y0, x1, y1 float64, c rgb, alpha float64, sd func(x, y float64) float64) {
	ix0, iy0 := max(0, int(x0)-2), max(0, int(y0)-2)
	ix1, iy1 := min(cv.n, int(x1)+3), min(cv.n, int(y1)+3)
	for y := iy0; y < iy1; y++ {
		for x := ix0; x < ix1; x++ {
			cov := math.Max(0, math.Min(1, 0.5-sd(float64(x)+0.5, float64(y)+0.5)))
			if cov > 0 {
				p := &cv.pix[y*cv.n+x]
				*p = mix(*p, c, cov*alpha)
			}
		}
	}
}

func (cv *canvas) disc(cx, cy, r float64, c rgb, alpha float64) {
	cv.shape(cx-r, cy-r, cx+r, cy+r, c, alpha, func(x, y float64) float64 {
		return math.Hypot(x-cx, y-cy) - r
	})
}

func (cv *canvas) ring(cx, cy, r, width float64, c rgb, alpha float64) {
	R := r + width
	cv.shape(cx-R, cy-R, cx+R, cy+R, c, alpha, func(x, y float64) float64 {
		return math.Abs(math.Hypot(x-cx, y-cy)-r) - width/2
	})
}

// capsule is a vertical bar with round ends, centred on (cx, cy).
func (cv *canvas) capsule(cx, cy, w, h float64, c rgb, alpha float64) {
	r := w / 2
	half := math.Max(0, h/2-r)
	cv.shape(cx-r, cy-h/2, cx+r, cy+h/2, c, alpha, func(x, y float64) float64 {
		dy := math.Max(0, math.Abs(y-cy)-half)
		return math.Hypot(x-cx, dy) - r
	})
}

// hexagon is a regular hexagon's outline with a vertex at the top, the shape
// cloud-native projects like for their logos.
func (cv *canvas) hexagon(cx, cy, r, width float64, c rgb, alpha float64) {
	R := r + width
	cv.shape(cx-R, cy-R, cx+R, cy+R, c, alpha, func(x, y float64) float64 {
		// Folded into one quadrant, the sides' normals are (1, 0) and
		// (cos 60°, sin 60°); the larger projection is the distance.
		px, py := math.Abs(x-cx), math.Abs(y-cy)
		apothem := r * 0.8660254
		s := math.Max(px, px*0.5+py*0.8660254)
		return math.Abs(s-apothem) - width/2
	})
}

// font is a 5×7 dot-matrix font for the few characters the cover uses.
var font = map[rune][7]string{
	'C': {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."},
	'N': {"#...#", "##..#", "##..#", "#.#.#", "#..##", "#..##", "#...#"},
	'D': {"####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."},
	'2': {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"},
	'0': {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."},
	'5': {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."},
	' ': {".....", ".....", ".....", ".....", ".....", ".....", "....."},
}

// text draws s in dot matrix, centred on cx, with its top at y.
func (cv *canvas) text(s string, cx, y, pitch float64, c rgb) {
	runes := []rune(s)
	width := float64(len(runes)*6-1) * pitch
	x0 := cx - width/2 + pitch/2
	for i, r := range runes {
		g := font[r]
		for row, line := range g {
			for col, ch := range line {
				px := x0 + float64(i*6+col)*pitch
				py := y + float64(row)*pitch + pitch/2
				if ch == '#' {
					cv.disc(px, py, pitch*0.4, c, 0.95)
				} else {
					cv.disc(px, py, pitch*0.12, c, 0.12) // unlit dots, as on a real display
				}
			}
		}
	}
}

func draw(n int) image.Image {
	cv := &canvas{n: n, pix: make([]rgb, n*n)}
	s := float64(n) / 1400 // every measure below is for 1400 px
	top, bottom := hex(0x1b1f4b), hex(0x0e6e74)
	glow := hex(0xff8a65)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			fx, fy := float64(x)/float64(n), float64(y)/float64(n)
			c := mix(top, bottom, math.Min(1, 0.65*fy+0.35*fx))
			// A warm glow behind the rings, as if from a stage light.
			d := math.Hypot(fx-0.5, fy-0.4)
			c = mix(c, glow, 0.45*math.Exp(-d*d/0.05))
			cv.pix[y*n+x] = c
		}
	}

	white, sun, ink := hex(0xffffff), hex(0xffcf5c), hex(0x1b1f4b)
	cx, cy := 700*s, 560*s

	// Scattered small dots, placed by a fixed linear congruential sequence
	// so the cover is the same on every run.
	seed := uint32(2025)
	next := func() float64 {
		seed = seed*1664525 + 1013904223
		return float64(seed>>8) / (1 << 24)
	}
	for range 70 {
		x, y, r := next()*1400*s, next()*980*s, (2+next()*4)*s
		if math.Hypot(x-cx, y-cy) > 600*s {
			cv.disc(x, y, r, white, 0.25+0.35*next())
		}
	}

	for i, r := range []float64{190, 290, 390, 490, 590} {
		cv.ring(cx, cy, r*s, (12-float64(i)*1.5)*s, white, 0.5-float64(i)*0.08)
	}
	cv.disc(cx, cy, 130*s, sun, 1)
	cv.hexagon(cx, cy, 78*s, 14*s, ink, 0.9)
	cv.disc(cx, cy, 22*s, ink, 0.9)

	// A waveform across the lower third: the podcast's voice.
	const bars = 41
	for i := range bars {
		t := float64(i) / (bars - 1)
		env := math.Sin(math.Pi * t)
		h := 30 + 200*env*(0.55+0.45*math.Abs(math.Sin(t*23+1.3)*math.Cos(t*7)))
		x := (700 + (t-0.5)*1120) * s
		cv.capsule(x, 1040*s, 16*s, h*s, white, 0.85)
	}

	cv.text("CNDC 2025", cx, 1190*s, 19*s, sun)

	img := image.NewRGBA(image.Rect(0, 0, n, n))
	for i, p := range cv.pix {
		img.Pix[4*i+0] = uint8(math.Round(255 * math.Max(0, math.Min(1, p.r))))
		img.Pix[4*i+1] = uint8(math.Round(255 * math.Max(0, math.Min(1, p.g))))
		img.Pix[4*i+2] = uint8(math.Round(255 * math.Max(0, math.Min(1, p.b))))
		img.Pix[4*i+3] = 0xff
	}
	return img
}
