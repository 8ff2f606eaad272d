package transcript_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

func sample(t *testing.T) *transcript.Transcript {
	t.Helper()
	src, err := os.ReadFile("testdata/talk.md")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := markdown.Parse("testdata/talk.md", src)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestProportional(t *testing.T) {
	tr := sample(t)
	const d = 48 * time.Minute
	if err := (transcript.Proportional{}).Time(context.Background(), tr, transcript.Audio{Duration: d}); err != nil {
		t.Fatal(err)
	}
	if tr.Timing != transcript.Estimated {
		t.Errorf("timing %v", tr.Timing)
	}
	if tr.Units[0].Start != 0 || tr.Units[len(tr.Units)-1].End != d {
		t.Errorf("units span %v..%v, want 0..%v", tr.Units[0].Start, tr.Units[len(tr.Units)-1].End, d)
	}
	var prev time.Duration
	for i, u := range tr.Units {
		if u.Start != prev || u.End <= u.Start {
			t.Fatalf("unit %d (line %d): %v..%v after %v", i, u.Line, u.Start, u.End, prev)
		}
		prev = u.End
		// The editors' anchors stay where they are.
		if strings.HasPrefix(u.Text, "大家好，歡迎收聽《工程師") && u.Start != 5*time.Second {
			t.Errorf("anchored turn starts at %v, want 5s", u.Start)
		}
	}
	// Longer text gets more time: compare two turns of one speaker.
	var short, long transcript.Unit
	for _, u := range tr.Units {
		if u.Text == "有，而且不少。第一個是我前面提到的，太早切微服務。第二個是我們一開始自己寫了一套 ORM，覺得現成的都不夠好。結果維護那套 ORM 花的時間比寫業務邏輯還多。後來我們全部改回直接寫 SQL，搭配 database/sql 跟一個很薄的產生器，反而清楚很多。" {
			long = u
		}
		if u.Text == "對，那個案例我們討論了整整兩個禮拜。最後的決定是：新系統先完全模仿舊的行為，等搬完之後，再用一個獨立的變更去修正，並且事先通知受影響的客戶。不要在搬家的時候順便裝潢，這是我們學到最重要的一課。" {
			short = u
		}
	}
	if long.End == 0 || short.End == 0 {
		t.Fatal("sample turns not found")
	}
	if long.End-long.Start <= short.End-short.Start {
		t.Errorf("a longer turn got %v, a shorter one %v", long.End-long.Start, short.End-short.Start)
	}
	for _, s := range tr.Sections {
		switch {
		case s.Title == "資料搬遷":
			if s.Start != 14*time.Minute+30*time.Second || tr.Units[s.Unit].Start != s.Start {
				t.Errorf("anchored section starts at %v, its first unit at %v", s.Start, tr.Units[s.Unit].Start)
			}
		case !s.Notes:
			if s.Start != tr.Units[s.Unit].Start {
				t.Errorf("section %q starts at %v, its first unit at %v", s.Title, s.Start, tr.Units[s.Unit].Start)
			}
		}
	}
}

func TestProportionalErrors(t *testing.T) {
	unit := func(text string, start time.Duration, anchor bool, line int) transcript.Unit {
		return transcript.Unit{Speaker: "A", Text: text, Start: start, Anchor: anchor, Line: line}
	}
	for _, tc := range []struct {
		name     string
		units    []transcript.Unit
		d        time.Duration
		want     string
		sections []transcript.Section
	}{
		{"no duration", []transcript.Unit{unit("a", 0, false, 1)}, 0, "transcript: proportional timing needs the audio's duration", nil},
		{"anchors out of order", []transcript.Unit{unit("a", 2*time.Minute, true, 3), unit("b", time.Minute, true, 5)}, time.Hour,
			"line 5: anchor 01:00 is not after the anchor 02:00 on line 3: cues out of order or overlapping", nil},
		{"anchor past the end", []transcript.Unit{unit("a", 0, false, 3), unit("b", 2*time.Minute, true, 5)}, time.Minute,
			"line 5: anchor 02:00 is at or after the end of the audio (01:00)", nil},
		{"too short", []transcript.Unit{unit("a", 0, false, 3), unit("b", 0, false, 4)}, time.Millisecond,
			"line 3: 2 units cannot fit in 1ms", nil},
		{"heading anchor before the turn above it", []transcript.Unit{unit("a", 5*time.Second, true, 5), unit("b", 10*time.Second, true, 9)}, time.Minute,
			"line 7: anchor 00:03 is not after the anchor 00:05 on line 5: cues out of order or overlapping",
			[]transcript.Section{{Title: "一", Unit: 0, Line: 3}, {Title: "二", Unit: 1, Line: 7, Start: 3 * time.Second, Anchor: true}}},
		{"heading anchor after its first turn's", []transcript.Unit{unit("a", 0, false, 5), unit("b", 10*time.Second, true, 9)}, time.Minute,
			"line 7: anchor 00:20 is after the anchor 00:10 of the first turn under it, on line 9: cues out of order or overlapping",
			[]transcript.Section{{Title: "二", Unit: 1, Line: 7, Start: 20 * time.Second, Anchor: true}}},
		{"heading anchor past the end", []transcript.Unit{unit("a", 0, false, 5)}, time.Minute,
			"line 7: anchor 02:00 is at or after the end of the audio (01:00)",
			[]transcript.Section{{Title: "尾", Unit: 1, Line: 7, Start: 2 * time.Minute, Anchor: true}}},
		{"no units", nil, time.Minute, "transcript: no speaker turns", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := &transcript.Transcript{Units: tc.units, Sections: tc.sections}
			err := (transcript.Proportional{}).Time(context.Background(), tr, transcript.Audio{Duration: tc.d})
			if errString(err) != tc.want {
				t.Errorf("error %v\nwant  %s", err, tc.want)
			}
			// A caller that knows the file names it: "ep.md:5: anchor …".
			var pe *transcript.ParseError
			if strings.HasPrefix(tc.want, "line ") && (!errors.As(err, &pe) || pe.File != "" || pe.Line == 0) {
				t.Errorf("error %v is not a *transcript.ParseError with a line and no file", err)
			}
		})
	}
	// A transcript timed by its source keeps its times.
	tr := &transcript.Transcript{Timing: transcript.Source, Units: []transcript.Unit{{Text: "a", Start: time.Second, End: 2 * time.Second}}}
	if err := (transcript.Proportional{}).Time(context.Background(), tr, transcript.Audio{Duration: time.Minute}); err != nil || tr.Units[0].Start != time.Second {
		t.Errorf("source-timed transcript changed: %v %+v", err, tr.Units[0])
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (transcript.Proportional{}).Time(ctx, &transcript.Transcript{Units: []transcript.Unit{{Text: "a"}}}, transcript.Audio{Duration: time.Minute}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestCaptions checks the promises of Captions on the sample, for the
// shapes the VTT and SRT writers use.
func TestCaptions(t *testing.T) {
	tr := sample(t)
	if err := (transcript.Proportional{}).Time(context.Background(), tr, transcript.Audio{Duration: 48 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []transcript.CaptionOptions{{MaxCols: 40, MaxLines: 2}, {MaxCols: 32, MaxLines: 2, Names: true}} {
		cs, err := transcript.Captions(tr, o)
		if err != nil {
			t.Fatal(err)
		}
		var prev time.Duration
		texts := map[int][]string{}
		for i, c := range cs {
			if c.Start < prev || c.End <= c.Start {
				t.Errorf("%+v: caption %d runs %v..%v after %v", o, i, c.Start, c.End, prev)
			}
			prev = c.End
			if len(c.Lines) > o.MaxLines {
				t.Errorf("%+v: caption %d has %d lines: %q", o, i, len(c.Lines), c.Lines)
			}
			for _, l := range c.Lines {
				// Only a run with no break (a long Latin word) may overflow.
				if transcript.Width(l) > o.MaxCols && strings.ContainsAny(l, " ") {
					t.Errorf("%+v: line %q is %d columns", o, l, transcript.Width(l))
				}
			}
			text := c.Text()
			if c.Named {
				_, text, _ = strings.Cut(text, ": ")
			}
			texts[c.Unit] = append(texts[c.Unit], text)
		}
		if prev != 48*time.Minute {
			t.Errorf("%+v: captions end at %v", o, prev)
		}
		for i, u := range tr.Units {
			want := u.Text
			if u.Kind == transcript.Cue {
				want = "[" + u.Text + "]"
			}
			if got := transcript.JoinAll(texts[i]); got != want {
				t.Errorf("%+v: unit %d captions join to %q, want %q", o, i, got, want)
			}
		}
	}
	// Lines end at punctuation where the text allows it.
	cs, _ := transcript.Captions(tr, transcript.CaptionOptions{MaxCols: 40, MaxLines: 2})
	atPunct, lines := 0, 0
	for _, c := range cs {
		for _, l := range c.Lines {
			lines++
			if strings.ContainsAny(l[len(l)-3:], "，。？！、：；") {
				atPunct++
			}
		}
	}
	if atPunct*10 < lines*7 {
		t.Errorf("only %d of %d lines end at punctuation", atPunct, lines)
	}
}

func TestCaptionsSentences(t *testing.T) {
	tr := &transcript.Transcript{Timing: transcript.Aligned, Units: []transcript.Unit{{
		Speaker: "A", Text: "第一句話。第二句話比較長一點。", End: 10 * time.Second,
		Sentences: []transcript.Span{{Text: "第一句話。", End: 2 * time.Second}, {Text: "第二句話比較長一點。", Start: 2 * time.Second, End: 10 * time.Second}},
	}}}
	cs, err := transcript.Captions(tr, transcript.CaptionOptions{MaxCols: 24, MaxLines: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].End != 2*time.Second || cs[1].Start != 2*time.Second {
		t.Errorf("captions %+v do not follow the sentences' times", cs)
	}
	if _, err := transcript.Captions(&transcript.Transcript{Units: tr.Units}, transcript.CaptionOptions{}); !errors.Is(err, transcript.ErrUntimed) {
		t.Errorf("untimed: %v", err)
	}
}
