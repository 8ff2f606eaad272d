package align

import (
	"context"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/testtool"
)

// cpuTime is the user and system CPU this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAnalyse decodes the sample show's 30-minute episode and
// computes everything the aligner reads from it (features, tonal
// persistence, speech/music labels), and reports its CPU time against
// `ffmpeg -i x.mp3 -f null -` on the same file (x-ffmpeg; the goal is at
// most 3), and the live heap at its end, which is what grows with the
// episode's length (heap-MB).
func BenchmarkAnalyse(b *testing.B) {
	ffmpeg := testtool.Need(b, "ffmpeg")
	const path = "../episodes/04-platform-engineering.mp3"
	dec := exec.Command(ffmpeg, "-v", "error", "-threads", "1", "-i", path, "-f", "null", "-")
	if out, err := dec.CombinedOutput(); err != nil {
		b.Fatalf("ffmpeg: %v: %s", err, out)
	}
	ffCPU := dec.ProcessState.UserTime() + dec.ProcessState.SystemTime()
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var an *analysis
	b.ResetTimer()
	start := cpuTime()
	for range b.N {
		var err error
		an, err = analyse(context.Background(), path, 0, b.Logf, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	cpu := (cpuTime() - start) / time.Duration(b.N)
	b.StopTimer()
	runtime.GC()
	metrics.Read(heap)
	runtime.KeepAlive(an)
	b.ReportMetric(cpu.Seconds(), "cpu-s/op")
	b.ReportMetric(ffCPU.Seconds(), "ffmpeg-cpu-s")
	b.ReportMetric(cpu.Seconds()/ffCPU.Seconds(), "x-ffmpeg")
	b.ReportMetric(float64(heap[0].Value.Uint64())/1e6, "heap-MB")
}
