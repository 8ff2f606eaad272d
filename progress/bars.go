package progress

import (
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Bars draws a bar per running stage on w, a terminal, with mpb. A
// finished stage leaves its last state as a line. While no stage runs, no
// drawing goes on, so the command's own lines on the same terminal are
// never overdrawn.
func Bars(w io.Writer) Reporter { return &bars{w: w} }

type bars struct {
	w      io.Writer
	mu     sync.Mutex
	p      *mpb.Progress // while a stage runs
	active int
}

func (b *bars) Start(what string, unit Unit, total int64) Stage {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.p == nil {
		// mpb draws only on a terminal unless told to: For picks bars
		// for a terminal alone, and Bars draws on whatever it is given.
		b.p = mpb.New(mpb.WithOutput(b.w), mpb.WithAutoRefresh(), mpb.WithWidth(30), mpb.WithRefreshRate(200*time.Millisecond))
	}
	b.active++
	start := time.Now()
	bar := b.p.AddBar(total,
		mpb.PrependDecorators(decor.Name(what+" ")),
		mpb.AppendDecorators(decor.Any(func(s decor.Statistics) string {
			return " " + Describe(unit, s.Current, s.Total, time.Since(start))
		})),
	)
	return &barStage{b: b, bar: bar}
}

// Close does nothing: each stage's Done ends the drawing when it is the
// last to run.
func (b *bars) Close() {}

type barStage struct {
	b    *bars
	bar  *mpb.Bar
	once sync.Once
}

func (s *barStage) Set(done int64) { s.bar.SetCurrent(done) }

// Done completes the bar at whatever it reached; the last running stage
// waits for the final drawing, so that a line the command prints next
// (uploaded: …) comes below it.
func (s *barStage) Done() {
	s.once.Do(func() {
		s.bar.SetTotal(-1, true)
		s.b.mu.Lock()
		defer s.b.mu.Unlock()
		if s.b.active--; s.b.active == 0 {
			s.b.p.Wait()
			s.b.p = nil
		}
	})
}
