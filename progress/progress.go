// Package progress reports long work (decoding, aligning, uploading) as it
// goes: bars on a terminal, an occasional plain line otherwise, nothing
// under --quiet. The work says what it does in the user's words and how
// far it is; this package adds the percentage, the rate and the time left.
//
//	st := r.Start("timing the transcript to the audio", progress.Time, int64(total))
//	st.Set(int64(done)) // as often as convenient
//	st.Done()
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// Unit is what a stage counts.
type Unit int

const (
	Bytes Unit = iota // bytes moved
	Time              // a span of audio, in nanoseconds (a time.Duration)
)

// Reporter is told of long work as it goes. A nil Reporter is valid and
// reports nothing.
type Reporter interface {
	// Start begins a stage: what it does, in the user's words, and how
	// much there is to do (0 when unknown).
	Start(what string, unit Unit, total int64) Stage
	// Close ends the reporting: bars are drawn one last time.
	Close()
}

// Stage is one piece of long work.
type Stage interface {
	Set(done int64) // how much is done so far
	Done()          // finished (or given up): no more Set
}

// Start is r.Start, or a stage that reports nothing when r is nil.
func Start(r Reporter, what string, unit Unit, total int64) Stage {
	if r == nil {
		return nopStage{}
	}
	return r.Start(what, unit, total)
}

type nopStage struct{}

func (nopStage) Set(int64) {}
func (nopStage) Done()     {}

// Discard reports nothing (--quiet).
var Discard Reporter = discard{}

type discard struct{}

func (discard) Start(string, Unit, int64) Stage { return nopStage{} }
func (discard) Close()                          {}

// Every is how often a plain line reports a running stage.
const Every = 10 * time.Second

// For picks the reporter for a command writing its diagnostics to f:
// nothing when quiet, bars when f is a terminal, plain lines every ten
// seconds otherwise (a log, CI).
func For(f *os.File, quiet bool) Reporter {
	switch {
	case quiet:
		return Discard
	case term.IsTerminal(int(f.Fd())):
		return Bars(f)
	default:
		return Lines(f, Every)
	}
}

// Lines reports each stage in plain lines on w: one when it has run for
// every (and then once per every), and one when it is done, if it was
// reported at all. Short work stays silent.
func Lines(w io.Writer, every time.Duration) Reporter {
	return &lines{w: w, every: every, now: time.Now}
}

type lines struct {
	mu    sync.Mutex
	w     io.Writer
	every time.Duration
	now   func() time.Time
}

func (l *lines) Start(what string, unit Unit, total int64) Stage {
	t := l.now()
	s := &lineStage{l: l, what: what, unit: unit, total: total, start: t, last: t}
	if total == 0 && l.every > 0 {
		// Work that cannot say how far it is reports nothing as it goes:
		// say that it still runs.
		s.stop = make(chan struct{})
		go s.tick()
	}
	return s
}

func (l *lines) Close() {}

type lineStage struct {
	l           *lines
	what        string
	unit        Unit
	total, done int64
	start, last time.Time
	said, ended bool
	stop        chan struct{} // ends tick
}

func (s *lineStage) tick() {
	t := time.NewTicker(s.l.every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.Set(s.done)
		}
	}
}

func (s *lineStage) Set(done int64) {
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	s.done = max(s.done, done)
	if now := s.l.now(); !s.ended && now.Sub(s.last) >= s.l.every {
		s.last = now
		s.said = true
		fmt.Fprintf(s.l.w, "%s: %s\n", s.what, Describe(s.unit, s.done, s.total, now.Sub(s.start)))
	}
}

func (s *lineStage) Done() {
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	if s.ended {
		return
	}
	s.ended = true
	if s.stop != nil {
		close(s.stop)
	}
	if s.said && s.total == 0 && s.done == 0 {
		fmt.Fprintf(s.l.w, "%s: done in %s\n", s.what, clock(s.l.now().Sub(s.start)))
	} else if s.said {
		fmt.Fprintf(s.l.w, "%s: done, %s in %s\n", s.what, amount(s.unit, s.done), clock(s.l.now().Sub(s.start)))
	}
}

// Describe says how far a stage is: "12:30 of 40:15 (31%), 25× real
// time, 1:05 left" or "120 MB of 500 MB (24%), 30 MB/s, 0:13 left".
func Describe(unit Unit, done, total int64, elapsed time.Duration) string {
	if done == 0 && total == 0 {
		return "working, " + clock(elapsed) + " so far"
	}
	s := amount(unit, done)
	if total > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", amount(unit, total), min(100, done*100/total))
	}
	if elapsed <= 0 || done <= 0 {
		return s
	}
	perSec := float64(done) / elapsed.Seconds()
	switch unit {
	case Bytes:
		s += ", " + bytes(int64(perSec)) + "/s"
	case Time:
		s += fmt.Sprintf(", %.0f× real time", perSec/float64(time.Second))
	}
	if total > done {
		left := time.Duration(float64(total-done) / perSec * float64(time.Second))
		s += ", " + clock(left) + " left"
	}
	return s
}

func amount(unit Unit, n int64) string {
	if unit == Time {
		return clock(time.Duration(n))
	}
	return bytes(n)
}

// clock is a duration as a player shows it: 0:07, 12:30, 1:02:03.
func clock(d time.Duration) string {
	s := int64((d + time.Second/2) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// bytes is a size in decimal units, as disks and networks are sold.
func bytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.0f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
