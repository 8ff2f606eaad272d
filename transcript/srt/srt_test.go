package srt_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astisub"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/internal/ttest"
	"github.com/podpipe/podpipe/transcript/srt"
)

func TestRead(t *testing.T) {
	src := "\uFEFF1\r\n00:00:00,000 --> 00:00:02,500\r\nHost Name: Hello <i>and</i>\r\nwelcome.\r\n\r\n" +
		"2\n00:00:02,500 --> 00:00:04,000\nStill the host.\n\n" +
		"3\n00:00:04.000 --> 00:00:06,000 X1:0 X2:0\n[音樂]\n\n" +
		"00:00:06,000 --> 00:00:09,000\n來賓：大家好，\n我是來賓。\n\n" +
		"5\n00:00:09,000 --> 00:00:10,000\nAt 10:30 we met <someone>.\n" +
		// No blank lines: each cue still ends where the next one starts.
		"6\n00:00:10,000 --> 00:00:11,000\nno blank line\n7\n00:00:11,000 --> 00:00:12,000\nbefore 7\n00:00:12,000 --> 00:00:13,000\nnor a number\n"
	got, err := srt.Read("ep.srt", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []transcript.Unit{
		{Kind: transcript.Speech, Speaker: "Host Name", Text: "Hello and welcome.", End: 2500 * time.Millisecond},
		{Kind: transcript.Speech, Speaker: "Host Name", Text: "Still the host.", Start: 2500 * time.Millisecond, End: 4 * time.Second},
		{Kind: transcript.Cue, Text: "音樂", Start: 4 * time.Second, End: 6 * time.Second},
		{Kind: transcript.Speech, Speaker: "來賓", Text: "大家好，我是來賓。", Start: 6 * time.Second, End: 9 * time.Second},
		{Kind: transcript.Speech, Speaker: "來賓", Text: "At 10:30 we met <someone>.", Start: 9 * time.Second, End: 10 * time.Second},
		{Kind: transcript.Speech, Speaker: "來賓", Text: "no blank line", Start: 10 * time.Second, End: 11 * time.Second},
		{Kind: transcript.Speech, Speaker: "來賓", Text: "before 7", Start: 11 * time.Second, End: 12 * time.Second},
		{Kind: transcript.Speech, Speaker: "來賓", Text: "nor a number", Start: 12 * time.Second, End: 13 * time.Second},
	}
	if len(got.Units) != len(want) {
		t.Fatalf("got %d units, want %d: %+v", len(got.Units), len(want), got.Units)
	}
	for i, w := range want {
		g := got.Units[i]
		if g.Kind != w.Kind || g.Speaker != w.Speaker || g.Text != w.Text || g.Start != w.Start || g.End != w.End {
			t.Errorf("unit %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
		is              error
	}{
		{"empty", "\n\n", "x.srt:1: empty transcript", transcript.ErrEmpty},
		{"not srt", "hello\n", `x.srt:1: want a cue number or a timing line (start --> end), not "hello"`, nil},
		{"number only", "1\n", "x.srt:1: cue number has no timing line (start --> end) after it", nil},
		{"broken arrow", "1\n00:00:01,000 --> 00:00:03,000\nhi\n\n2\n00:00:05,000 -> 00:00:06,000\nho\n", `x.srt:6: bad timestamp: want a timing line (start --> end) after the cue number, not "00:00:05,000 -> 00:00:06,000"`, transcript.ErrTimestamp},
		{"no blank line before an overlapping cue", "1\n00:00:01,000 --> 00:00:03,000\nhi\n2\n00:00:02,000 --> 00:00:06,000\nho\n", "x.srt:5: cue starts at 00:00:02,000, before the previous cue ends (00:00:03,000): cues out of order or overlapping", transcript.ErrOrder},
		{"broken timestamp", "1\n00:00:00,000 --> 00:00:1,000\nhi\n", `x.srt:2: bad timestamp "00:00:1,000": want hh:mm:ss,mmm`, transcript.ErrTimestamp},
		{"four hour digits", "1\n00:00:00,000 --> 1000:00:00,000\nhi\n", `x.srt:2: bad timestamp "1000:00:00,000": want hh:mm:ss,mmm`, transcript.ErrTimestamp},
		{"seconds 60", "1\n00:00:60,000 --> 00:01:01,000\nhi\n", `x.srt:2: bad timestamp "00:00:60,000": minutes and seconds run to 59`, transcript.ErrTimestamp},
		{"backwards", "1\n00:00:02,000 --> 00:00:01,000\nhi\n", "x.srt:2: cue ends at 00:00:01,000, not after it starts at 00:00:02,000: cues out of order or overlapping", transcript.ErrOrder},
		{"out of order", "1\n00:00:05,000 --> 00:00:06,000\na\n\n2\n00:00:01,000 --> 00:00:02,000\nb\n", "x.srt:6: cue starts at 00:00:01,000, before the previous cue (00:00:05,000): cues out of order or overlapping", transcript.ErrOrder},
		{"overlap", "1\n00:00:01,000 --> 00:00:03,000\na\n\n2\n00:00:02,000 --> 00:00:04,000\nb\n", "x.srt:6: cue starts at 00:00:02,000, before the previous cue ends (00:00:03,000): cues out of order or overlapping", transcript.ErrOrder},
		{"invalid utf8", "1\n00:00:00,000 --> 00:00:01,000\n\xc3\x28\n", "x.srt:3: invalid UTF-8", transcript.ErrUTF8},
		{"garbage", "\x89PNG\r\n\x1a\n\x00\x00", "x.srt:1: invalid UTF-8", transcript.ErrUTF8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srt.Read("x.srt", strings.NewReader(tc.src))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v, want %s", err, tc.want)
			}
			var pe *transcript.ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error is %T, want *transcript.ParseError", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error does not wrap %v", tc.is)
			}
		})
	}
}

// TestAstisub reads what Write wrote with an SRT parser we did not write
// and checks the limits: two lines, 32 columns, a name at each change.
func TestAstisub(t *testing.T) {
	tr := &transcript.Transcript{Timing: transcript.Source, Units: []transcript.Unit{
		{Speaker: "主持人", Text: "大家好，歡迎收聽這一集的節目，今天我們要聊的是如何把一個很大的系統拆成模組。", End: 6 * time.Second},
		{Speaker: "主持人", Text: "我們開始吧。", Start: 6 * time.Second, End: 7 * time.Second},
		{Kind: transcript.Cue, Text: "音樂", Start: 7 * time.Second, End: 9 * time.Second},
		{Speaker: "Guest", Text: "Thanks for having me. It is great to be here and to talk about modules, packages and tests.", Start: 9 * time.Second, End: 15 * time.Second},
	}}
	var buf bytes.Buffer
	if err := srt.Write(&buf, tr); err != nil {
		t.Fatal(err)
	}
	subs, err := astisub.ReadFromSRT(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("astisub: %v\n%s", err, buf.String())
	}
	var prevEnd time.Duration
	var names []string
	for _, it := range subs.Items {
		if it.StartAt < prevEnd || it.EndAt <= it.StartAt {
			t.Errorf("cue %v --> %v after %v", it.StartAt, it.EndAt, prevEnd)
		}
		prevEnd = it.EndAt
		// astisub keeps the blank line after the last cue as a line.
		lines := 0
		for _, l := range it.Lines {
			if l.String() != "" {
				lines++
			}
		}
		if lines > 2 {
			t.Errorf("cue %d has %d lines:\n%s", it.Index, lines, buf.String())
		}
		for _, l := range it.Lines {
			if w := transcript.Width(l.String()); w > 32 {
				t.Errorf("line %q is %d columns wide", l.String(), w)
			}
		}
		if n, _, ok := transcript.SplitSpeaker(it.String()); ok {
			names = append(names, n)
		}
	}
	if prevEnd != 15*time.Second {
		t.Errorf("last cue ends at %v", prevEnd)
	}
	if strings.Join(names, ",") != "主持人,Guest" {
		t.Errorf("names at changes: %v, want 主持人,Guest\n%s", names, buf.String())
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add("1\n00:00:00,000 --> 00:00:01,000\nA: hello\n\n2\n00:00:01,000 --> 00:00:03,000\n[music]\n\n3\n00:00:03,000 --> 00:00:09,000\nB：大家好，歡迎收聽。我們今天要談 Go 語言與 <b>測試</b> 的關係，還有 <script> 標籤。\n")
	f.Add("1\n00:00:00,000 --> 00:00:00,002\nabc def ghi jkl mno pqr stu vwx yz abc def ghi jkl mno pqr stu vwx yz abc\n")
	f.Add("1\n00:00:00,000 --> 00:01:00,000\nA: B: [not a cue]\n\n2\n00:01:00,000 --> 00:01:00,001\n(laughs)\n\n3\n00:01:00,001 --> 00:02:00,000\nC: x\n\n4\n00:02:00,000 --> 00:03:00,000\nD: y: z\n")
	f.Add("1\n00:00:00,000 --> 00:00:05,000\nA: x --> y and\n2\nthings\n2\n00:00:05,000 --> 00:00:06,000\nno blank line\n")
	f.Fuzz(func(t *testing.T, src string) {
		t1, err := srt.Read("fuzz.srt", strings.NewReader(src))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := srt.Write(&buf, t1); err != nil {
			t.Fatalf("write: %v", err)
		}
		t2, err := srt.Read("again.srt", bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("read back: %v\n%s", err, buf.String())
		}
		if err := ttest.Equivalent(t1, t2); err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
	})
}
