package webvtt_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astisub"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/internal/ttest"
	"github.com/podpipe/podpipe/transcript/webvtt"
)

func TestRead(t *testing.T) {
	src := "WEBVTT - Episode 1\nKind: captions\n\nNOTE a comment\nspanning lines\n\n" +
		"intro\n00:00.000 --> 00:02.500 align:start\n<v.loud Host Name>Hello &amp; <b>welcome</b>\nto the show.\n\n" +
		"00:00:02.500 --> 00:00:04.000\nStill the host.\n\n" +
		"00:00:04.000 --> 00:00:06.000\n[音樂]\n\n" +
		"00:00:06.000 --> 00:00:09.000\n<v 來賓>大家好，\n我是來賓。\n"
	got, err := webvtt.Read("ep.vtt", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []transcript.Unit{
		{Kind: transcript.Speech, Speaker: "Host Name", Text: "Hello & welcome to the show.", Start: 0, End: 2500 * time.Millisecond},
		{Kind: transcript.Speech, Speaker: "Host Name", Text: "Still the host.", Start: 2500 * time.Millisecond, End: 4 * time.Second},
		{Kind: transcript.Cue, Text: "音樂", Start: 4 * time.Second, End: 6 * time.Second},
		{Kind: transcript.Speech, Speaker: "來賓", Text: "大家好，我是來賓。", Start: 6 * time.Second, End: 9 * time.Second},
	}
	if len(got.Units) != len(want) {
		t.Fatalf("got %d units, want %d: %+v", len(got.Units), len(want), got.Units)
	}
	for i, w := range want {
		g := got.Units[i]
		if g.Kind != w.Kind || g.Speaker != w.Speaker || g.Text != w.Text || g.Start != w.Start || g.End != w.End || !g.Anchor {
			t.Errorf("unit %d = %+v, want %+v", i, g, w)
		}
	}
	if got.Title != "Episode 1" || got.Timing != transcript.Source {
		t.Errorf("title %q timing %v", got.Title, got.Timing)
	}
}

// TestReadNoBlankAfterHeader: a file whose first cue follows the WEBVTT
// line directly, as some tools write it, is read as browsers read it.
func TestReadNoBlankAfterHeader(t *testing.T) {
	got, err := webvtt.Read("x.vtt", strings.NewReader("WEBVTT\n00:00:00.000 --> 00:00:01.000\n<v A>hi\n\n00:00:01.000 --> 00:00:02.000\nho\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Units) != 2 || got.Units[0].Text != "hi" || got.Units[0].Speaker != "A" || got.Units[0].Line != 2 {
		t.Errorf("units %+v", got.Units)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
		is              error
	}{
		{"empty", "", "x.vtt:1: empty transcript", transcript.ErrEmpty},
		{"no header", "00:00.000 --> 00:01.000\nhi\n", "x.vtt:1: unknown transcript format: not WebVTT: the first line must be WEBVTT", transcript.ErrFormat},
		{"broken timestamp", "WEBVTT\n\n00:00.000 --> 00:01.00\nhi\n", `x.vtt:3: bad timestamp "00:01.00": want hh:mm:ss.ttt`, transcript.ErrTimestamp},
		{"minutes 60", "WEBVTT\n\n00:60.000 --> 01:01.000\nhi\n", `x.vtt:3: bad timestamp "00:60.000": want hh:mm:ss.ttt`, transcript.ErrTimestamp},
		// Hours past any episode once overflowed: the first converted
		// with exit 0 to 487600:38:35,698, the second reported negative times.
		{"hours overflow", "WEBVTT\n\n00:00.000 --> 99999999999:00:00.000\nhi\n", `x.vtt:3: bad timestamp "99999999999:00:00.000": after 999:59:59.999, the latest time podpipe handles`, transcript.ErrTimestamp},
		{"hours wrap negative", "WEBVTT\n\n9999999:00:00.000 --> 9999999:00:01.000\nhi\n", `x.vtt:3: bad timestamp "9999999:00:00.000": after 999:59:59.999, the latest time podpipe handles`, transcript.ErrTimestamp},
		{"just past the latest", "WEBVTT\n\n00:00.000 --> 1000:00:00.000\nhi\n", `x.vtt:3: bad timestamp "1000:00:00.000": after 999:59:59.999, the latest time podpipe handles`, transcript.ErrTimestamp},
		{"no end", "WEBVTT\n\n00:00.000 -->\nhi\n", "x.vtt:3: bad timestamp: timing line has no end time", transcript.ErrTimestamp},
		{"backwards", "WEBVTT\n\n00:02.000 --> 00:01.000\nhi\n", "x.vtt:3: cue ends at 00:00:01.000, not after it starts at 00:00:02.000: cues out of order or overlapping", transcript.ErrOrder},
		{"zero length", "WEBVTT\n\n00:01.000 --> 00:01.000\nhi\n", "x.vtt:3: cue ends at 00:00:01.000, not after it starts at 00:00:01.000: cues out of order or overlapping", transcript.ErrOrder},
		{"out of order", "WEBVTT\n\n00:05.000 --> 00:06.000\na\n\n00:01.000 --> 00:02.000\nb\n", "x.vtt:6: cue starts at 00:00:01.000, before the previous cue (00:00:05.000): cues out of order or overlapping", transcript.ErrOrder},
		{"overlap", "WEBVTT\n\n00:01.000 --> 00:03.000\na\n\n00:02.000 --> 00:04.000\nb\n", "x.vtt:6: cue starts at 00:00:02.000, before the previous cue ends (00:00:03.000): cues out of order or overlapping", transcript.ErrOrder},
		{"broken arrow", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhi\n\n00:00:02.000 -> 00:00:03.000\nho\n", `x.vtt:6: bad timestamp: want a timing line (start --> end), not "00:00:02.000 -> 00:00:03.000"`, transcript.ErrTimestamp},
		{"id without timing", "WEBVTT\n\nintro\nhello\n", `x.vtt:4: cue "intro" has no timing line (start --> end)`, nil},
		{"invalid utf8", "WEBVTT\n\n00:00.000 --> 00:01.000\nh\xffi\n", "x.vtt:4: invalid UTF-8", transcript.ErrUTF8},
		{"binary", "WEBVTT\x00\x01\x02", "x.vtt:1: binary data, not text (control byte 0x00)", transcript.ErrBinary},
		{"no cues", "WEBVTT\n\nNOTE nothing\n", "x.vtt:4: no speaker turns: no cues with text", transcript.ErrNoSpeech},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := webvtt.Read("x.vtt", strings.NewReader(tc.src))
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

func TestWriteUntimed(t *testing.T) {
	tr := &transcript.Transcript{Units: []transcript.Unit{{Text: "x"}}}
	if err := webvtt.Write(&bytes.Buffer{}, tr); !errors.Is(err, transcript.ErrUntimed) {
		t.Fatalf("error %v, want ErrUntimed", err)
	}
}

// TestAstisub reads what Write wrote with a WebVTT parser we did not write.
func TestAstisub(t *testing.T) {
	src := "WEBVTT\n\n00:00.000 --> 00:05.000\n<v 主持人>大家好，歡迎收聽這一集的節目，今天我們要聊的是如何把一個很大的系統拆成模組。\n\n" +
		"00:05.000 --> 00:07.000\n[音樂]\n\n00:07.000 --> 00:12.000\n<v Guest>Thanks for having me. It is <great> to be here & talk.\n"
	tr, err := webvtt.Read("in.vtt", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := webvtt.Write(&buf, tr); err != nil {
		t.Fatal(err)
	}
	subs, err := astisub.ReadFromWebVTT(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("astisub: %v\n%s", err, buf.String())
	}
	if len(subs.Items) < 4 {
		t.Fatalf("astisub read %d cues, want at least 4:\n%s", len(subs.Items), buf.String())
	}
	var prevEnd time.Duration
	voices := map[string]bool{}
	var text []string
	for _, it := range subs.Items {
		if it.StartAt < prevEnd || it.EndAt <= it.StartAt {
			t.Errorf("cue %v --> %v after %v", it.StartAt, it.EndAt, prevEnd)
		}
		prevEnd = it.EndAt
		if len(it.Lines) > 2 {
			t.Errorf("cue has %d lines", len(it.Lines))
		}
		for _, l := range it.Lines {
			if l.VoiceName != "" {
				voices[l.VoiceName] = true
			}
			text = append(text, l.String())
		}
	}
	if !voices["主持人"] || !voices["Guest"] {
		t.Errorf("astisub found voices %v, want 主持人 and Guest", voices)
	}
	if prevEnd != 12*time.Second {
		t.Errorf("last cue ends at %v, want 12s", prevEnd)
	}
	all := strings.Join(text, "")
	for _, want := range []string{"[音樂]", "大家好", "Thanks for having me."} {
		if !strings.Contains(all, want) {
			t.Errorf("astisub text lacks %q: %q", want, all)
		}
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add("WEBVTT\n\n00:00.000 --> 00:01.000\n<v A>hello\n\n00:01.000 --> 00:03.000\n[music]\n\n00:03.000 --> 00:09.000\n<v B>大家好，歡迎收聽。我們今天要談 Go 語言與 <b>測試</b> 的關係，還有 &lt;script&gt; 標籤。\n")
	f.Add("WEBVTT\n\nNOTE\n" + webvtt.EstimatedNote + "\n\n1\n00:00:00.000 --> 00:00:00.002\nabc def ghi jkl mno pqr stu vwx yz abc def ghi jkl mno pqr stu vwx yz abc\n")
	f.Add("WEBVTT\n\n00:00.000 --> 01:00.000\n<v A>[not a cue]\n\n01:00.000 --> 01:00.001\n(laughs)\n")
	f.Fuzz(func(t *testing.T, src string) {
		t1, err := webvtt.Read("fuzz.vtt", strings.NewReader(src))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := webvtt.Write(&buf, t1); err != nil {
			t.Fatalf("write: %v", err)
		}
		t2, err := webvtt.Read("again.vtt", bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("read back: %v\n%s", err, buf.String())
		}
		if err := ttest.Equivalent(t1, t2); err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
	})
}
