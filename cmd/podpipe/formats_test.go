package main

import (
	"context"
	"os"

	"github.com/podpipe/podpipe/internal/formattest/tsv"
	"github.com/podpipe/podpipe/transcript/formats"
)

// runWithTSV is podpipe with one more transcript format, added by its
// package and its one row and nothing else: the scripts' podpipe-tsv
// (testdata/script/formats.txtar).
func runWithTSV() {
	formats.Register(tsv.Format)
	os.Exit(run(context.Background(), os.Args))
}
