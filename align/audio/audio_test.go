package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/podpipe/podpipe/internal/testtool"
)

func sine(rate int, freq, seconds, amp float64) []float32 {
	n := int(seconds * float64(rate))
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return s
}

// rms and zero crossings tell a resampled sine's amplitude and frequency.
func measure(s []float32) (rms, freq float64) {
	var ss float64
	cross := 0
	for i, v := range s {
		ss += float64(v) * float64(v)
		if i > 0 && (s[i-1] < 0) != (v < 0) {
			cross++
		}
	}
	return math.Sqrt(ss / float64(len(s))), float64(cross) / 2 / (float64(len(s)) / Rate)
}

func TestResampleWAV(t *testing.T) {
	for _, rate := range []int{8000, 16000, 22050, 44100, 48000} {
		var buf bytes.Buffer
		if err := WriteWAV(&buf, sine(rate, 440, 2, 0.5), rate); err != nil {
			t.Fatal(err)
		}
		got, err := ReadAll(&buf)
		if err != nil {
			t.Fatalf("%d Hz: %v", rate, err)
		}
		if want := 2 * Rate; abs(len(got)-want) > 40 {
			t.Errorf("%d Hz: %d samples out, want about %d", rate, len(got), want)
		}
		rms, freq := measure(got[1000 : len(got)-1000])
		if math.Abs(rms-0.5/math.Sqrt2) > 0.01 {
			t.Errorf("%d Hz: rms %.4f, want %.4f", rate, rms, 0.5/math.Sqrt2)
		}
		if math.Abs(freq-440) > 2 {
			t.Errorf("%d Hz: frequency %.1f, want 440", rate, freq)
		}
	}
}

// A tone above 8 kHz must not fold back into the 16 kHz signal.
func TestResampleRejectsAliases(t *testing.T) {
	var buf bytes.Buffer
	WriteWAV(&buf, sine(44100, 12000, 1, 0.5), 44100)
	got, err := ReadAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if rms, _ := measure(got[1000 : len(got)-1000]); rms > 0.01 {
		t.Errorf("12 kHz tone leaks through at rms %.4f", rms)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// wav builds a WAV header by hand for encodings WriteWAV does not write.
func wav(format, channels, bits uint16, rate uint32, data []byte, size uint32) []byte {
	le := binary.LittleEndian
	b := []byte("RIFF\x00\x00\x00\x00WAVE")
	b = append(b, "LIST"...)
	b = le.AppendUint32(b, 4)
	b = append(b, "junk"...)
	b = append(b, "fmt "...)
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, format)
	b = le.AppendUint16(b, channels)
	b = le.AppendUint32(b, rate)
	b = le.AppendUint32(b, rate*uint32(channels*bits/8))
	b = le.AppendUint16(b, channels*bits/8)
	b = le.AppendUint16(b, bits)
	b = append(b, "data"...)
	b = le.AppendUint32(b, size)
	return append(b, data...)
}

func TestWAVEncodings(t *testing.T) {
	le := binary.LittleEndian
	const n = 1600
	var pcm16st, f32, pcm24, pcm8 []byte
	for i := 0; i < n; i++ {
		pcm16st = le.AppendUint16(pcm16st, 16384)               // left 0.5
		pcm16st = le.AppendUint16(pcm16st, 65536-8192)          // right -0.25
		f32 = le.AppendUint32(f32, math.Float32bits(0.125))     // 0.125
		v := int32(-(1 << 21))                                  // -0.25 in 24 bits
		pcm24 = append(pcm24, byte(v), byte(v>>8), byte(v>>16)) //
		pcm8 = append(pcm8, 192)                                // 0.5
	}
	tests := []struct {
		name string
		file []byte
		want float32
	}{
		{"16-bit stereo", wav(1, 2, 16, 16000, pcm16st, uint32(len(pcm16st))), 0.125},
		{"float", wav(3, 1, 32, 16000, f32, uint32(len(f32))), 0.125},
		{"24-bit", wav(1, 1, 24, 16000, pcm24, uint32(len(pcm24))), -0.25},
		{"8-bit", wav(1, 1, 8, 16000, pcm8, uint32(len(pcm8))), 0.5},
		{"streamed size", wav(1, 1, 8, 16000, pcm8, 0x7ffff000), 0.5},
	}
	for _, tt := range tests {
		got, err := ReadAll(bytes.NewReader(tt.file))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if len(got) != n {
			t.Errorf("%s: %d samples, want %d", tt.name, len(got), n)
			continue
		}
		if mid := got[n/2]; math.Abs(float64(mid-tt.want)) > 1e-3 {
			t.Errorf("%s: sample %v, want %v", tt.name, mid, tt.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 64<<10)
	for i := range noise {
		noise[i] = byte(rng.UintN(256))
	}
	tests := map[string][]byte{
		"empty":        nil,
		"text":         []byte("this is not audio at all\n"),
		"noise":        noise,
		"wav no data":  []byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00"),
		"wav 12 bits":  wav(1, 1, 12, 16000, make([]byte, 100), 100),
		"wav 0 Hz":     wav(1, 1, 16, 0, make([]byte, 100), 100),
		"wav no fmt":   []byte("RIFF\x00\x00\x00\x00WAVEdata\x04\x00\x00\x00\x00\x00\x00\x00"),
		"mp3 tag only": append([]byte("ID3\x03\x00\x00\x00\x00\x00\x0a"), make([]byte, 10)...),
	}
	for name, in := range tests {
		_, err := ReadAll(bytes.NewReader(in))
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v is not ErrFormat", name, err)
		}
	}
}

// An MP3 from lame decodes to the same length and pitch as its source, and
// a truncated one decodes up to the cut.
func TestMP3(t *testing.T) {
	lame := testtool.Need(t, "lame")
	dir := t.TempDir()
	src := filepath.Join(dir, "in.wav")
	f, _ := os.Create(src)
	WriteWAV(f, sine(44100, 440, 3, 0.5), 44100)
	f.Close()
	mp3 := filepath.Join(dir, "out.mp3")
	if out, err := exec.Command(lame, "--quiet", "-b", "64", src, mp3).CombinedOutput(); err != nil {
		t.Fatalf("lame: %v: %s", err, out)
	}
	data, _ := os.ReadFile(mp3)
	got, err := ReadAll(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	// The decoder adds its delay and a frame of padding: ~0.1 s at most.
	if d := float64(len(got))/Rate - 3; d < -0.01 || d > 0.1 {
		t.Errorf("decoded %.3f s, want 3 s", float64(len(got))/Rate)
	}
	if _, freq := measure(got[8000 : len(got)-8000]); math.Abs(freq-440) > 3 {
		t.Errorf("frequency %.1f, want 440", freq)
	}
	cut, err := ReadAll(io.LimitReader(bytes.NewReader(data), int64(len(data)/2)))
	if err != nil {
		t.Fatalf("truncated: %v", err)
	}
	if d := float64(len(cut)) / Rate; d < 1.2 || d > 1.8 {
		t.Errorf("truncated file decoded to %.2f s, want about 1.5", d)
	}
}

func FuzzReader(f *testing.F) {
	var buf bytes.Buffer
	WriteWAV(&buf, sine(8000, 440, 0.05, 0.5), 8000)
	f.Add(buf.Bytes())
	f.Add([]byte("ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewReader(bytes.NewReader(b))
		if err != nil {
			return
		}
		p := make([]float32, 1024)
		for i := 0; i < 1000; i++ {
			if _, err := r.Read(p); err != nil {
				return
			}
		}
	})
}
