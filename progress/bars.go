package progress

import (
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Bars draws a bar per running stage on w, a terminal, with mpb; a
// finished stage's bar is removed.
func Bars(w io.Writer) Reporter {
	return &bars{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(30), mpb.WithRefreshRate(200*time.Millisecond))}
}

type bars struct {
	p    *mpb.Progress
	once sync.Once
}

func (b *bars) Start(what string, unit Unit, total int64) Stage {
	start := time.Now()
	bar := b.p.AddBar(total,
		mpb.BarRemoveOnComplete(),
		mpb.PrependDecorators(decor.Name(what+" ")),
		mpb.AppendDecorators(decor.Any(func(s decor.Statistics) string {
			return " " + Describe(unit, s.Current, s.Total, time.Since(start))
		})),
	)
	return &barStage{bar: bar}
}

func (b *bars) Close() { b.once.Do(b.p.Wait) }

type barStage struct{ bar *mpb.Bar }

func (s *barStage) Set(done int64) { s.bar.SetCurrent(done) }

// Done completes the bar, at whatever it reached.
func (s *barStage) Done() { s.bar.SetTotal(-1, true) }
