package main

import (
	"bytes"
	"io"
	"os"
	"sync"

	"github.com/podpipe/podpipe/progress"
)

// logWriter is where a command's pipeline writes its lines ("built: …",
// "uploaded: …"): nothing under --quiet, everything under --verbose, and
// by default all but the aligner's account of its own steps ("align:
// warped 3701 synthetic frames onto 3997 in a band of ±10s"), which is for
// whoever tunes the aligner. Its warnings stay: they say the times may be
// off.
func logWriter(out io.Writer, gopts globalOptions) io.Writer {
	switch {
	case gopts.quiet:
		return io.Discard
	case gopts.verbose:
		return out
	}
	return &dropLines{w: out, drop: func(line []byte) bool {
		return bytes.HasPrefix(line, []byte("align: ")) && !bytes.HasPrefix(line, []byte("align: warning:"))
	}}
}

// dropLines writes the lines written to it to w, but those drop matches.
type dropLines struct {
	mu   sync.Mutex
	w    io.Writer
	drop func(line []byte) bool
	part []byte // a line not yet ended
}

func (d *dropLines) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.part = append(d.part, p...)
	for {
		i := bytes.IndexByte(d.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := d.part[:i+1]
		if !d.drop(line) {
			if _, err := d.w.Write(line); err != nil {
				return 0, err
			}
		}
		d.part = d.part[i+1:]
	}
}

// lazyProgress is the progress reporter of a run, made at its first use,
// so that commands without long work start no terminal drawing.
type lazyProgress struct {
	once   sync.Once
	stderr io.Writer
	quiet  bool
	r      progress.Reporter
}

// reporter is what long work reports to: bars when stderr is a terminal,
// a plain line every ten seconds otherwise, nothing under --quiet. A nil
// l (options built by hand, as tests do) reports nothing.
func (l *lazyProgress) reporter() progress.Reporter {
	if l == nil {
		return nil
	}
	l.once.Do(func() {
		if f, ok := l.stderr.(*os.File); ok {
			l.r = progress.For(f, l.quiet)
		} else if l.quiet {
			l.r = progress.Discard
		} else {
			l.r = progress.Lines(l.stderr, progressEvery)
		}
	})
	return l.r
}

// progressEvery is how often a plain progress line is written.
const progressEvery = progress.Every

func (l *lazyProgress) close() {
	if l != nil && l.r != nil {
		l.r.Close()
	}
}
