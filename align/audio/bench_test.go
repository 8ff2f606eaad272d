package audio

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/podpipe/podpipe/align/mfcc"
	"github.com/podpipe/podpipe/internal/testtool"
)

// cpuTime is the user and system CPU this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDecodeFeatures decodes an MP3 (10 minutes, 128 kbit/s stereo
// 44.1 kHz, from ffmpeg's encoder) to 16 kHz and computes its features,
// the aligner's first step, and reports its CPU time against ffmpeg's
// decode of the same file to the same 16 kHz mono (x-ffmpeg; the goal is
// at most 3).
func BenchmarkDecodeFeatures(b *testing.B) {
	ffmpeg := testtool.Need(b, "ffmpeg")
	path := filepath.Join(b.TempDir(), "bench.mp3")
	gen := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "anoisesrc=d=600:c=pink:r=44100:a=0.1",
		"-f", "lavfi", "-i", "sine=f=220:d=600:r=44100",
		"-filter_complex", "[0][1]amix=inputs=2,aformat=channel_layouts=stereo",
		"-c:a", "libmp3lame", "-b:a", "128k", path)
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("ffmpeg: %v: %s", err, out)
	}
	dec := exec.Command(ffmpeg, "-v", "error", "-threads", "1", "-i", path, "-f", "s16le", "-ar", "16000", "-ac", "1", "-y", os.DevNull)
	if out, err := dec.CombinedOutput(); err != nil {
		b.Fatalf("ffmpeg: %v: %s", err, out)
	}
	ffCPU := dec.ProcessState.UserTime() + dec.ProcessState.SystemTime()

	buf := make([]float32, Rate)
	b.ResetTimer()
	start := cpuTime()
	for range b.N {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := NewReader(f)
		if err != nil {
			b.Fatal(err)
		}
		x := mfcc.NewExtractor()
		for {
			n, err := r.Read(buf)
			x.Write(buf[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		f.Close()
	}
	cpu := (cpuTime() - start) / time.Duration(b.N)
	b.ReportMetric(cpu.Seconds(), "cpu-s/op")
	b.ReportMetric(ffCPU.Seconds(), "ffmpeg-cpu-s")
	b.ReportMetric(cpu.Seconds()/ffCPU.Seconds(), "x-ffmpeg")
}
