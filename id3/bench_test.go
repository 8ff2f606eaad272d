package id3_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/id3"
	"github.com/podpipe/podpipe/mp3/mp3test"
)

var benchMB = flag.Int("mp3.mb", 64, "size in MiB of the MP3 the benchmarks generate (scripts/bench-tag.sh runs 500)")

func benchSource(b *testing.B) (string, id3.Tag) {
	b.Helper()
	o := mp3test.Options{Frames: *benchMB << 20 / 384, Header: mp3test.Info}
	p := filepath.Join(os.TempDir(), fmt.Sprintf("podpipe-bench-%dmb-Info.mp3", *benchMB))
	if _, err := os.Stat(p); err != nil {
		f, err := os.Create(p + ".part")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := mp3test.Write(f, o); err != nil {
			b.Fatal(err)
		}
		f.Close()
		if err := os.Rename(p+".part", p); err != nil {
			b.Fatal(err)
		}
	}
	d := o.Duration()
	list := make([]chapters.Chapter, 20)
	for i := range list {
		list[i] = chapters.Chapter{Start: d / 20 * time.Duration(i), Title: fmt.Sprintf("Chapter %d", i+1)}
	}
	return p, id3.Tag{Title: "Benchmark", Artist: "The Show", Chapters: list}
}

// The tagged copy: a new tag, then the audio copied by the kernel, fsync,
// rename.
func BenchmarkWriteFile(b *testing.B) {
	src, tag := benchSource(b)
	st, _ := os.Stat(src)
	dst := filepath.Join(b.TempDir(), "out.mp3")
	b.SetBytes(st.Size())
	b.ResetTimer()
	for b.Loop() {
		if err := id3.WriteFile(dst, src, tag); err != nil {
			b.Fatal(err)
		}
	}
}

// A retag that fits the padding: one write at offset 0 and an fsync.
func BenchmarkRetagInPlace(b *testing.B) {
	src, tag := benchSource(b)
	dst := filepath.Join(b.TempDir(), "out.mp3")
	if err := id3.WriteFile(dst, src, tag); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		tag.Title = fmt.Sprintf("Benchmark %d", i%10)
		inPlace, err := id3.Retag(dst, tag)
		if err != nil || !inPlace {
			b.Fatalf("in place %v, %v", inPlace, err)
		}
	}
}
