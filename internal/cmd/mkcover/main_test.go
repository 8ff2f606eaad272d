package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"testing"
)

// TestCover checks what podcast directories check: square, RGB (three
// components, which image/jpeg decodes as YCbCr, never CMYK or grey), the
// size asked for, and small enough; and that drawing is repeatable.
func TestCover(t *testing.T) {
	tests := []struct {
		size    int
		maxSize int
	}{
		{size: 200, maxSize: 30 << 10},
		{size: 1400, maxSize: 500 << 10},
	}
	for _, tt := range tests {
		if testing.Short() && tt.size > 200 {
			continue
		}
		var a, b bytes.Buffer
		if err := encode(&a, draw(tt.size), 88); err != nil {
			t.Fatal(err)
		}
		if err := encode(&b, draw(tt.size), 88); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("size %d: two runs drew different covers", tt.size)
		}
		if a.Len() > tt.maxSize {
			t.Errorf("size %d: %d bytes, want at most %d", tt.size, a.Len(), tt.maxSize)
		}
		img, err := jpeg.Decode(bytes.NewReader(a.Bytes()))
		if err != nil {
			t.Fatalf("size %d: decode: %v", tt.size, err)
		}
		if _, ok := img.(*image.YCbCr); !ok {
			t.Errorf("size %d: decoded as %T, want a three-component colour JPEG", tt.size, img)
		}
		if r := img.Bounds(); r.Dx() != tt.size || r.Dy() != tt.size {
			t.Errorf("size %d: bounds %v", tt.size, r)
		}
	}
}

// TestCommittedCover checks the cover the sample show publishes.
func TestCommittedCover(t *testing.T) {
	f, err := os.Open("../../../cover.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if format != "jpeg" || cfg.Width != 1400 || cfg.Height != 1400 {
		t.Errorf("cover.jpg is a %dx%d %s, want a 1400x1400 jpeg", cfg.Width, cfg.Height, format)
	}
	if st, _ := f.Stat(); st.Size() > 300<<10 {
		t.Errorf("cover.jpg is %d bytes, want under 300 KB", st.Size())
	}
}
