package progress

import (
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		unit        Unit
		done, total int64
		elapsed     time.Duration
		want        string
	}{
		{Time, int64(12*time.Minute + 30*time.Second), int64(40*time.Minute + 15*time.Second), 30 * time.Second,
			"12:30 of 40:15 (31%), 25× real time, 1:07 left"},
		{Bytes, 120e6, 500e6, 4 * time.Second, "120 MB of 500 MB (24%), 30 MB/s, 0:13 left"},
		{Bytes, 1500, 0, time.Second, "2 kB, 2 kB/s"},
		{Time, int64(time.Hour + 2*time.Minute + 3*time.Second), int64(time.Hour + 2*time.Minute + 3*time.Second), time.Minute,
			"1:02:03 of 1:02:03 (100%), 62× real time"},
		{Bytes, 0, 2e9, 0, "0 B of 2.0 GB (0%)"},
		{Time, 0, 0, 75 * time.Second, "working, 1:15 so far"},
	} {
		if got := Describe(c.unit, c.done, c.total, c.elapsed); got != c.want {
			t.Errorf("Describe(%v, %d, %d, %s) = %q, want %q", c.unit, c.done, c.total, c.elapsed, got, c.want)
		}
	}
}

// TestLines checks the plain reporter on a clock the test moves: a line
// once per interval, none for short work, and a closing line only for
// work that was reported.
func TestLines(t *testing.T) {
	var b strings.Builder
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	l := &lines{w: &b, every: 10 * time.Second, now: func() time.Time { return now }}

	quick := l.Start("uploading cover.jpg", Bytes, 1e5)
	quick.Set(1e5)
	quick.Done()

	st := l.Start("timing the transcript to the audio", Time, int64(40*time.Minute))
	for i := 1; i <= 40; i++ {
		now = now.Add(3 * time.Second)
		st.Set(int64(time.Duration(i) * time.Minute))
	}
	st.Done()
	st.Set(0) // after Done: nothing
	want := "timing the transcript to the audio: 4:00 of 40:00 (10%), 20× real time, 1:48 left\n" +
		"timing the transcript to the audio: 8:00 of 40:00 (20%), 20× real time, 1:36 left\n" +
		"timing the transcript to the audio: 12:00 of 40:00 (30%), 20× real time, 1:24 left\n" +
		"timing the transcript to the audio: 16:00 of 40:00 (40%), 20× real time, 1:12 left\n" +
		"timing the transcript to the audio: 20:00 of 40:00 (50%), 20× real time, 1:00 left\n" +
		"timing the transcript to the audio: 24:00 of 40:00 (60%), 20× real time, 0:48 left\n" +
		"timing the transcript to the audio: 28:00 of 40:00 (70%), 20× real time, 0:36 left\n" +
		"timing the transcript to the audio: 32:00 of 40:00 (80%), 20× real time, 0:24 left\n" +
		"timing the transcript to the audio: 36:00 of 40:00 (90%), 20× real time, 0:12 left\n" +
		"timing the transcript to the audio: 40:00 of 40:00 (100%), 20× real time\n" +
		"timing the transcript to the audio: done, 40:00 in 2:00\n"
	if got := b.String(); got != want {
		t.Errorf("lines:\n%s\nwant:\n%s", got, want)
	}
}

// TestBars runs the mpb reporter into a buffer (no terminal): it must
// draw the stage, by its name, and finish without hanging.
func TestBars(t *testing.T) {
	var b strings.Builder
	r := Bars(&syncWriter{b: &b})
	st := r.Start("uploading audio.mp3", Bytes, 1e6)
	st.Set(5e5)
	time.Sleep(300 * time.Millisecond)
	st.Set(1e6)
	st.Done()
	r.Close()
	if out := b.String(); !strings.Contains(out, "uploading audio.mp3") {
		t.Errorf("the bars did not draw the stage:\n%q", out)
	}
}

func TestNil(t *testing.T) {
	st := Start(nil, "x", Bytes, 1)
	st.Set(1)
	st.Done()
	Discard.Start("x", Time, 1).Done()
}

type syncWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// TestLinesUnknown: work that cannot say how far it is still gets a line
// every interval, on the real clock.
func TestLinesUnknown(t *testing.T) {
	w := &syncWriter{b: new(strings.Builder)}
	line := regexp.MustCompile(`timing x\.md to its audio: working, 0:\d\d so far\n`)
	st := Lines(w, 20*time.Millisecond).Start("timing x.md to its audio", Time, 0)
	// Wait for two lines rather than for a fixed time: a loaded machine
	// may run the ticker late, never not at all.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		w.mu.Lock()
		n := len(line.FindAllString(w.b.String(), -1))
		w.mu.Unlock()
		if n >= 2 {
			break
		}
	}
	st.Done()
	w.mu.Lock()
	out := w.b.String()
	w.mu.Unlock()
	if n := len(line.FindAllString(out, -1)); n < 2 ||
		!regexp.MustCompile(`timing x\.md to its audio: done in 0:\d\d\n$`).MatchString(out) {
		t.Errorf("lines:\n%s", out)
	}
}
