package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/mp3/mp3test"
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

// bursts is a test signal with sharp onsets: noise bursts of varying length
// and level between silences, so that a shift of a few samples shows.
func bursts(rate int, seconds float64) []float32 {
	rng := rand.New(rand.NewPCG(3, 4))
	s := make([]float32, int(seconds*float64(rate)))
	for i := 0; i < len(s); {
		on := rate/20 + int(rng.UintN(uint(rate/4)))
		amp := 0.1 + 0.4*rng.Float64()
		for j := i; j < min(i+on, len(s)); j++ {
			s[j] = float32(amp * (2*rng.Float64() - 1))
		}
		i += on + rate/20 + int(rng.UintN(uint(rate/5)))
	}
	return s
}

// ffmpegDecode decodes path with ffmpeg to 16 kHz mono float samples, the
// timeline a player plays.
func ffmpegDecode(t *testing.T, ffmpeg, path string) []float32 {
	t.Helper()
	out, err := exec.Command(ffmpeg, "-v", "error", "-i", path, "-f", "f32le", "-ar", "16000", "-ac", "1", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	s := make([]float32, len(out)/4)
	for i := range s {
		s[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
	}
	return s
}

// lag returns the shift of b against a (b[i+lag] ~ a[i]) within ±limit
// samples that correlates best, and that correlation.
func lag(a, b []float32, limit int) (int, float64) {
	best, bestC := 0, math.Inf(-1)
	n := min(len(a), len(b)) - 2*limit
	for l := -limit; l <= limit; l++ {
		var c, ea, eb float64
		for i := limit; i < limit+n; i++ {
			x, y := float64(a[i]), float64(b[i+l])
			c += x * y
			ea += x * x
			eb += y * y
		}
		if c /= math.Sqrt(ea*eb + 1e-30); c > bestC {
			best, bestC = l, c
		}
	}
	return best, bestC
}

// podpipe's decode must sit on the timeline ffmpeg (and so a browser)
// plays: the Xing/Info frame is no audio and the LAME tag's encoder delay
// and padding are dropped. Before that every time was 51 ms late.
func TestMP3MatchesFFmpeg(t *testing.T) {
	ffmpeg := testtool.Need(t, "ffmpeg")
	lame := testtool.Need(t, "lame")
	dir := t.TempDir()
	for _, rate := range []int{44100, 48000, 22050} {
		src := filepath.Join(dir, "in.wav")
		f, err := os.Create(src)
		if err != nil {
			t.Fatal(err)
		}
		WriteWAV(f, bursts(rate, 4), rate)
		f.Close()
		encoders := map[string][]string{
			"lame-cbr": {lame, "--quiet", "-b", "64", src},
			"lame-vbr": {lame, "--quiet", "-V", "5", src},
			// 96 kbit/s: at 22.05 kHz, frames whose padding byte go-mp3 lost.
			"ffmpeg-cbr": {ffmpeg, "-v", "error", "-i", src, "-c:a", "libmp3lame", "-b:a", "96k"},
		}

		for name, cmd := range encoders {
			t.Run(fmt.Sprintf("%s-%d", name, rate), func(t *testing.T) {
				out := filepath.Join(dir, fmt.Sprintf("%s-%d.mp3", name, rate))
				if b, err := exec.Command(cmd[0], append(cmd[1:], out)...).CombinedOutput(); err != nil {
					t.Fatalf("%s: %v: %s", cmd[0], err, b)
				}
				f, err := os.Open(out)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				got, err := ReadAll(f)
				if err != nil {
					t.Fatal(err)
				}
				want := ffmpegDecode(t, ffmpeg, out)
				// One MP3 frame at most in length, and the same timeline to
				// the sample (0.1 ms), far inside a frame.
				frame := 1152 * Rate / rate
				if d := len(got) - len(want); d < -frame || d > frame {
					t.Errorf("%d samples, ffmpeg %d", len(got), len(want))
				}
				l, c := lag(want, got, 1200)
				t.Logf("lag %d, correlation %.4f", l, c)
				if l < -2 || l > 2 || c < 0.98 {
					t.Errorf("podpipe's decode is %d samples (%.1f ms) off ffmpeg's (correlation %.3f)", l, float64(l)*1000/Rate, c)
				}
			})
		}
	}
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// An ID3v2 header is a claim, not a size to allocate: 14 bytes claiming a
// 256 MiB tag made the decoder allocate it (510 MB).
func TestHugeID3Claim(t *testing.T) {
	in := []byte("ID3\x03\x00\x00\x7f\x7f\x7f\x7f\xff\xfb\x90\x00")
	for name, r := range map[string]io.Reader{
		"seekable": bytes.NewReader(in),
		"stream":   io.MultiReader(bytes.NewReader(in)),
	} {
		var err error
		n := allocated(func() { _, err = ReadAll(r) })
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v, want ErrFormat", name, err)
		}
		if n > 4<<20 {
			t.Errorf("%s: decoding a 14-byte file allocated %d MB", name, n>>20)
		}
	}
}

// A real tag of 200 MB before the audio (a sparse file here: the tag is
// padding) is skipped, not read.
func TestLargeID3Tag(t *testing.T) {
	var audio bytes.Buffer
	if _, err := mp3test.Write(&audio, mp3test.Options{Frames: 100, SampleRate: 44100}); err != nil {
		t.Fatal(err)
	}
	const size = 200 << 20
	path := filepath.Join(t.TempDir(), "tagged.mp3")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write([]byte{'I', 'D', '3', 3, 0, 0, size >> 21 & 0x7f, size >> 14 & 0x7f, size >> 7 & 0x7f, size & 0x7f})
	f.WriteString("TIT2\x00\x00\x00\x03\x00\x00\x00hi")
	if _, err := f.WriteAt(audio.Bytes(), 10+size); err != nil {
		t.Fatal(err)
	}
	var got []float32
	n := allocated(func() {
		f.Seek(0, io.SeekStart)
		got, err = ReadAll(f)
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := 100 * 1152 * Rate / 44100; abs(len(got)-want) > 1152 {
		t.Errorf("%d samples, want about %d", len(got), want)
	}
	if n > 32<<20 {
		t.Errorf("decoding after a 200 MB tag allocated %d MB", n>>20)
	}
}

// Free-format MP3 is refused with its real cause, not as "not an MP3".
func TestFreeFormat(t *testing.T) {
	var buf bytes.Buffer
	if _, err := mp3test.Write(&buf, mp3test.Options{Frames: 50}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	for p := 0; p+4 <= len(b); p += 384 { // 128 kbit/s at 48 kHz
		b[p+2] &= 0x0F
	}
	_, err := ReadAll(bytes.NewReader(b))
	if !errors.Is(err, mp3.ErrFreeFormat) || !errors.Is(err, ErrFormat) {
		t.Errorf("error %v, want ErrFormat and mp3.ErrFreeFormat", err)
	}
}

func TestDuration(t *testing.T) {
	var w bytes.Buffer
	WriteWAV(&w, make([]float32, 24000), 16000)
	var m bytes.Buffer
	mp3test.Write(&m, mp3test.Options{Frames: 1000, SampleRate: 44100, Header: mp3test.Info, Delay: 576, Padding: 1000})
	tests := []struct {
		name string
		in   []byte
		want time.Duration
	}{
		{"wav", w.Bytes(), 1500 * time.Millisecond},
		{"mp3", m.Bytes(), time.Duration(1000*1152-576-1000) * time.Second / 44100},
	}
	for _, tt := range tests {
		got, err := Duration(bytes.NewReader(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
		} else if d := got - tt.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if _, err := Duration(strings.NewReader("not audio at all")); !errors.Is(err, ErrFormat) {
		t.Errorf("text: error %v, want ErrFormat", err)
	}
}

// From a reader that cannot seek, ID3v2 tags are read past: the samples
// are those of the same file read from a seekable reader, but for the
// gapless trim (a file without a LAME tag has none).
func TestMP3Stream(t *testing.T) {
	var buf bytes.Buffer
	tag := []byte{'I', 'D', '3', 3, 0, 0, 0, 0, 0, 0x1a} // 26 bytes: the size's low bits matter
	body := make([]byte, 26)
	copy(body[16:], "\xff\xfb\x94\x00") // a 48 kHz frame header, if the tag were misread
	buf.Write(append(tag, body...))
	if _, err := mp3test.Write(&buf, mp3test.Options{Frames: 40, SampleRate: 44100}); err != nil {
		t.Fatal(err)
	}
	seek, err := ReadAll(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	stream, err := ReadAll(io.MultiReader(bytes.NewReader(buf.Bytes())))
	if err != nil {
		t.Fatal(err)
	}
	if len(seek) != len(stream) || len(seek) < 40*1152*Rate/44100-1 {
		t.Errorf("%d samples streamed, %d seekable, want %d", len(stream), len(seek), 40*1152*Rate/44100)
	}
}
