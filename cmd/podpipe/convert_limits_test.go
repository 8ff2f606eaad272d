package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// transcript convert refuses a transcript of absurd size (a sparse 1 GiB
// file) with one line, from its size, without reading it into memory.
func TestConvertTooLarge(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.vtt")
	if err := os.WriteFile(in, []byte("WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(in, 1<<30); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := runTranscriptConvert(context.Background(), convertOptions{to: "srt"}, []string{in}, io.Discard)
	runtime.ReadMemStats(&after)
	want := in + ": too large: 1073741824 bytes, over the 32 MiB a transcript may have"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Errorf("convert allocated %d MiB: the file was read", n>>20)
	}
}
