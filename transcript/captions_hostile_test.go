package transcript

import (
	"cmp"
	"strings"
	"testing"
	"time"
	"unicode"
)

// within runs f and fails the test if it takes longer than d, so that an
// endless loop fails the test instead of hanging the run.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

// checkCaptions checks what every caption list promises: times in order,
// and the text, without the names put before it, joined back as it was.
func checkCaptions(t *testing.T, cs []Caption, tr *Transcript, o CaptionOptions) {
	t.Helper()
	var prev time.Duration
	texts := map[int][]string{}
	for i, c := range cs {
		if c.Start < prev || c.End <= c.Start {
			t.Fatalf("caption %d runs %v..%v after %v", i, c.Start, c.End, prev)
		}
		prev = c.End
		text := c.Text()
		if c.Named {
			_, text, _ = strings.Cut(text, ": ")
		}
		texts[c.Unit] = append(texts[c.Unit], text)
	}
	for i, u := range tr.Units {
		want := Normalize(u.Text)
		if u.Kind == Cue {
			want = "[" + want + "]"
		}
		if got := JoinAll(texts[i]); got != want {
			t.Errorf("unit %d: captions join to %d bytes %.80q…, want %d bytes %.80q…", i, len(got), got, len(want), want)
		}
	}
}

var srtCaptions = CaptionOptions{MaxCols: 32, MaxLines: 2, Names: true}

// TestCaptionsWideName: a speaker name of 34 to 40 CJK characters made the
// SRT layout loop for ever, putting the name before the rest of the name.
// A name too wide for a caption runs on into the next, then the text
// follows; wider names and shapes finish as well.
func TestCaptionsWideName(t *testing.T) {
	s := time.Second
	for _, n := range []int{12, 16, 30, 31, 32, 33, 34, 36, 38, 40, 44, 48, 64, 200, 5000} {
		name := strings.Repeat("主持人", n/3+1)[:n*len("主")]
		for _, o := range []CaptionOptions{srtCaptions, {MaxCols: 40, MaxLines: 2}, {MaxCols: 16, MaxLines: 1, Names: true}, {MaxCols: 20, MaxLines: 3, Names: true}} {
			tr := &Transcript{Timing: Estimated, Units: []Unit{
				{Kind: Speech, Speaker: "A", Text: "開場。", Start: 0, End: s},
				{Kind: Speech, Speaker: name, Text: "歡迎收聽，今天聊可觀測性。A: 這句像名字。[音樂]", Start: s, End: 9 * s},
				{Kind: Speech, Speaker: name, Text: name + ": 我自己的名字開頭。", Start: 9 * s, End: 12 * s},
			}}
			var cs []Caption
			var err error
			within(t, 10*time.Second, func() { cs, err = Captions(tr, o) })
			if err != nil {
				t.Fatal(err)
			}
			checkCaptions(t, cs, tr, o)
			if o == srtCaptions && n <= 12 && !strings.HasPrefix(cs[1].Text(), name+": ") {
				t.Errorf("%d characters, %+v: turn starts %q", n, o, cs[1].Text())
			}
		}
	}
}

// TestCaptionsLinear: laying out one unpunctuated turn took time growing
// with the square of its length (100 KB took two minutes). Now 10 MB of
// CJK, of Latin words and of a speaker name finish in seconds, and lines
// stay within the width wherever the text has breaks.
func TestCaptionsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("10 MB turns")
	}
	size := 10 << 20
	if raceEnabled {
		size = 256 << 10 // the race detector makes it thirty times slower
	}
	cjk := strings.Repeat("我們今天來聊可觀測性的事情", size/len("我們今天來聊可觀測性的事情"))
	latin := strings.Repeat("observability is what we talk about today ", size/len("observability is what we talk about today "))
	half := cjk[:len(cjk)/2]
	for _, tc := range []struct {
		name, speaker, text string
		o                   CaptionOptions
		end                 time.Duration // 10 hours if zero
	}{
		{"cjk srt", "林雅婷", cjk, srtCaptions, 0},
		{"cjk vtt", "林雅婷", cjk, CaptionOptions{MaxCols: 40, MaxLines: 2}, 0},
		{"latin", "Marcus Chen", latin, srtCaptions, 0},
		{"wide name", half, "短短一句話。A: 像名字的句子。" + half, srtCaptions, 0},
		{"no breaks", "A", strings.Repeat("-", size) + " 好。", srtCaptions, 0},
		// Too short to cut into captions: one caption of every line, whose
		// text reads like a name again after every "A: ".
		{"name-like", "林雅婷", strings.Repeat("A: 嗯 ", size/len("A: 嗯 ")), srtCaptions, 100 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			end := cmp.Or(tc.end, 10*time.Hour)
			tr := &Transcript{Timing: Estimated, Units: []Unit{{Kind: Speech, Speaker: tc.speaker, Text: tc.text, End: end}}}
			for _, o := range []CaptionOptions{tc.o} {
				var cs []Caption
				var err error
				start := time.Now()
				within(t, 60*time.Second, func() { cs, err = Captions(tr, o) })
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%+v: %d captions in %v", o, len(cs), time.Since(start))
				checkCaptions(t, cs, tr, o)
				for _, c := range cs {
					if len(c.Lines) > o.MaxLines && !c.Named && tc.end == 0 {
						t.Fatalf("caption of %d lines", len(c.Lines))
					}
					for _, l := range c.Lines {
						if Width(l) > o.MaxCols && strings.ContainsAny(l, " 我") {
							t.Fatalf("line %.80q… is %d columns", l, Width(l))
						}
					}
				}
			}
		})
	}
}

// TestBreaksIdeographs: the shortcut for common CJK ideographs in breaks
// gives what NoSpaceBetween gives.
func TestBreaksIdeographs(t *testing.T) {
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		if !Wide(r) || !unspaced(r) || unicode.IsPunct(r) {
			t.Fatalf("%U: wide %v, unspaced %v, punctuation %v", r, Wide(r), unspaced(r), unicode.IsPunct(r))
		}
	}
}
