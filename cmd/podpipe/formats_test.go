package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/internal/formattest/tsv"
	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/transcript/formats"
)

// runWithTSV is podpipe with one more transcript format, added by its
// package and its one row and nothing else: the scripts' podpipe-tsv
// (testdata/script/formats.txtar).
func runWithTSV() {
	formats.Register(tsv.Format)
	os.Exit(run(context.Background(), os.Args, os.Stdout, os.Stderr))
}

// TestConvertAgreesWithTable: transcript convert writes every writable
// format of the table, chosen by each of its extensions, with the table's
// writer, and the store would serve the file with the table's type.
func TestConvertAgreesWithTable(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.vtt")
	src := "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Ada>Hello.\n\n00:02.000 --> 00:03.500\n<v Bob>Hi.\n"
	if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range formats.All() {
		if f.Write == nil {
			continue
		}
		for _, ext := range f.Exts {
			out := filepath.Join(dir, "out"+ext)
			if got := formatOf(out); got != f.Name {
				t.Errorf("-o %s: format %q, want %q", out, got, f.Name)
				continue
			}
			if err := runTranscriptConvert(context.Background(), convertOptions{out: out, to: f.Name}, []string{in}, io.Discard); err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := formats.Read(in, strings.NewReader(src))
			if err != nil {
				t.Fatal(err)
			}
			tr.Title = "in"
			var want bytes.Buffer
			if err := f.Write(&want, tr, formats.Options{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("-o %s differs from the table's %s writer:\n%s\nwant\n%s", out, f.Name, got, want.Bytes())
			}
			if f.Published() && storage.ContentTypeFor(filepath.Base(out)) != f.ContentType() {
				t.Errorf("the store serves %s as %q, the table says %q", out, storage.ContentTypeFor(out), f.ContentType())
			}
		}
	}
}
