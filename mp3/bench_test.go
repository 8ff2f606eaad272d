package mp3_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/mp3/mp3test"
)

var benchMB = flag.Int("mp3.mb", 64, "size in MiB of the MP3 the benchmarks generate (scripts/bench-tag.sh runs 500)")

// benchFile generates (once) an MP3 of *benchMB MiB in the temp dir.
func benchFile(b *testing.B, header string) string {
	b.Helper()
	name := header
	if name == mp3test.None {
		name = "none"
	}
	p := filepath.Join(os.TempDir(), fmt.Sprintf("podpipe-bench-%dmb-%s.mp3", *benchMB, name))
	if _, err := os.Stat(p); err == nil {
		return p
	}
	f, err := os.Create(p + ".part")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := mp3test.Write(f, mp3test.Options{Frames: *benchMB << 20 / 384, Header: header}); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(p+".part", p); err != nil {
		b.Fatal(err)
	}
	return p
}

func benchProbe(b *testing.B, header string) {
	p := benchFile(b, header)
	st, _ := os.Stat(p)
	b.SetBytes(st.Size())
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := mp3.Probe(f); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

// With an Info header Probe reads a few KiB whatever the size.
func BenchmarkProbeInfo(b *testing.B) { benchProbe(b, mp3test.Info) }

// Without one it reads every frame header.
func BenchmarkProbeScan(b *testing.B) { benchProbe(b, mp3test.None) }
