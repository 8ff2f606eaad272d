package transcript_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

func TestNormalizeJoin(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  a \n b\t", "a b"},
		{"第一行\n第二行", "第一行第二行"},
		{"中文 English 中文", "中文 English 中文"},
		{"句號。 下一句", "句號。下一句"},
		{"a\u00a0\u3000b", "a b"},
		// Korean is spaced; so are emoji where the editor spaced them.
		{"한국어  문장\n입니다", "한국어 문장 입니다"},
		{"emoji 🎉 和\n한국어", "emoji 🎉 和 한국어"},
		// Full-width punctuation carries its own space.
		{"你好， Marcus。 Go （或 Rust）", "你好，Marcus。Go（或 Rust）"},
		{"", ""},
	} {
		if got := transcript.Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ a, b, want string }{
		{"中", "文", "中文"}, {"中", "A", "中 A"}, {"한국어", "문장", "한국어 문장"}, {"billing、", "shipping", "billing、shipping"}, {"Go", "（或", "Go（或"}, {"好", "🎉", "好 🎉"}, {"A", "B", "A B"}, {"", "B", "B"}, {"A", "", "A"},
	} {
		if got := transcript.Join(tc.a, tc.b); got != tc.want {
			t.Errorf("Join(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestWidthWeight(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width int
		w     float64
	}{
		{"中文", 4, 2},
		{"abc", 3, 1},
		{"abcdef", 6, 2},
		{"中文，abc。", 11, 2 + 0.25 + 1 + 0.5},
		{"2025", 4, 4},
		{"", 0, 1},
	} {
		if got := transcript.Width(tc.s); got != tc.width {
			t.Errorf("Width(%q) = %d, want %d", tc.s, got, tc.width)
		}
		if got := transcript.Weight(tc.s); math.Abs(got-tc.w) > 1e-9 {
			t.Errorf("Weight(%q) = %v, want %v", tc.s, got, tc.w)
		}
	}
}

func TestClock(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"01:02", 62 * time.Second, true},
		{"1:02:03", time.Hour + 2*time.Minute + 3*time.Second, true},
		{"00:01.5", 1500 * time.Millisecond, true},
		{"01:60", 0, false},
		{"1", 0, false},
		{"a:b", 0, false},
		{"-1:00", 0, false},
		{"1.5:00", 0, false},
	} {
		got, err := transcript.ParseClock(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, transcript.ErrTimestamp) {
			t.Errorf("ParseClock(%q) error does not wrap ErrTimestamp", tc.in)
		}
	}
	for d, want := range map[time.Duration]string{0: "00:00", 61500 * time.Millisecond: "01:01", 3723 * time.Second: "1:02:03"} {
		if got := transcript.FormatClock(d); got != want {
			t.Errorf("FormatClock(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSplitSpeakerCueText(t *testing.T) {
	for _, tc := range []struct {
		in, name, rest string
		ok             bool
	}{
		{"Host: hello", "Host", "hello", true},
		{"主持人：大家好", "主持人", "大家好", true},
		{"Marcus Chen: Hi", "Marcus Chen", "Hi", true},
		{"At 10:30 we met", "", "", false},
		{"see https://go.dev", "", "", false},
		{"Hello, world: hi", "", "", false},
		{"但其實背後有一套蠻複雜的系統：訂閱週期", "", "", false},
		{"Name:", "", "", false},
	} {
		name, rest, ok := transcript.SplitSpeaker(tc.in)
		if name != tc.name || rest != tc.rest || ok != tc.ok {
			t.Errorf("SplitSpeaker(%q) = %q, %q, %v", tc.in, name, rest, ok)
		}
	}
	for _, tc := range []struct {
		in, inner string
		ok        bool
	}{
		{"[音樂]", "音樂", true}, {"(laughs)", "laughs", true}, {"（笑）", "笑", true}, {"♪ la la ♪", "la la", true},
		{"[]", "", false}, {"(a) b", "", false}, {"plain", "", false},
	} {
		inner, ok := transcript.CueText(tc.in)
		if inner != tc.inner || ok != tc.ok {
			t.Errorf("CueText(%q) = %q, %v", tc.in, inner, ok)
		}
	}
}

func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want string
	}{
		{"ok\n", ""},
		{"\uFEFFok", ""},
		{"", "x:1: empty transcript"},
		{"a\nb\nc\x00", "x:3: binary data, not text (control byte 0x00)"},
		{"a\n\xff", "x:2: invalid UTF-8"},
	} {
		err := transcript.CheckText("x", []byte(tc.src))
		if got := errString(err); got != tc.want {
			t.Errorf("CheckText(%q) = %q, want %q", tc.src, got, tc.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
