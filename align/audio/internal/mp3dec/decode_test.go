package mp3dec

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/podpipe/podpipe/internal/testtool"
)

// At half the rate the decoder gives exactly the even (or odd) samples of
// the full-rate synthesis of the same band.
func TestHalfRate(t *testing.T) {
	ffmpeg := testtool.Need(t, "ffmpeg")
	path := filepath.Join(t.TempDir(), "x.mp3")
	gen := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "anoisesrc=d=2:c=pink:r=44100:a=0.2",
		"-f", "lavfi", "-i", "sine=f=440:d=2:r=44100", "-filter_complex", "amix=inputs=2",
		"-c:a", "libmp3lame", "-b:a", "64k", path)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readAll := func(d *Decoder) []float32 {
		d.buf = nil // the first frame: decoded before half could be set
		var out []float32
		buf := make([]float32, 1000)
		for {
			n, err := d.Read(buf)
			out = append(out, buf[:n]...)
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	decoder := func(odd bool) *Decoder {
		d, err := NewDecoder(bytes.NewReader(data), 8000, odd)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	full := decoder(false)
	if full.half == 0 || full.SampleRate() != 22050 {
		t.Fatalf("8 kHz of a 44.1 kHz file: half %d, rate %d; want half the rate", full.half, full.SampleRate())
	}
	full.half = 0
	all := readAll(full)
	even, odd := readAll(decoder(false)), readAll(decoder(true))
	if len(even) != len(all)/2 || len(odd) != len(all)/2 {
		t.Fatalf("%d and %d samples at half the rate, %d at the full rate", len(even), len(odd), len(all))
	}
	for k := range even {
		if even[k] != all[2*k] || odd[k] != all[2*k+1] {
			t.Fatalf("sample %d: %v and %v, full rate %v and %v", k, even[k], odd[k], all[2*k], all[2*k+1])
		}
	}
	var energy float64
	for _, v := range even {
		energy += float64(v) * float64(v)
	}
	if energy == 0 {
		t.Fatal("all samples 0")
	}
}
