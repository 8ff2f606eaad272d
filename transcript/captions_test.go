package transcript

import (
	"strings"
	"testing"
	"time"
)

// TestCaptionsNamesOnce: the speaker's name starts the first caption of a
// turn once, whether the turn was timed as a whole or sentence by sentence
// (as the aligner does).
func TestCaptionsNamesOnce(t *testing.T) {
	s := time.Second
	whole := Unit{Kind: Speech, Speaker: "林雅婷", Text: "歡迎收聽大會現場對談，我是林雅婷。今天的來賓是陳柏宇。", Start: 0, End: 6 * s}
	split := whole
	split.Sentences = []Span{
		{Text: "歡迎收聽大會現場對談，我是林雅婷。", Start: 0, End: 3 * s},
		{Text: "今天的來賓是陳柏宇。", Start: 3 * s, End: 6 * s},
	}
	for name, u := range map[string]Unit{"whole": whole, "sentences": split} {
		t.Run(name, func(t *testing.T) {
			tr := &Transcript{Timing: Aligned, Units: []Unit{u}}
			cs, err := Captions(tr, CaptionOptions{MaxCols: 32, MaxLines: 2, Names: true})
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, c := range cs {
				all = append(all, strings.Join(c.Lines, "\n"))
			}
			text := strings.Join(all, "\n")
			if n := strings.Count(text, "林雅婷:"); n != 1 {
				t.Errorf("the name prefix appears %d times:\n%s", n, text)
			}
			if !strings.HasPrefix(text, "林雅婷: 歡迎") || !cs[0].Named {
				t.Errorf("first caption not named:\n%s", text)
			}
		})
	}
}

// TestCaptionsKeepKoreanSpaces: Korean is written with spaces between
// words, so captions keep them and break lines only there, and the text
// joined back is the text.
func TestCaptionsKeepKoreanSpaces(t *testing.T) {
	text := Normalize("오늘은 쿠버네티스 비용 관리에\n대해 이야기합니다. 🎉 和 한국어 청취자 여러분 반갑습니다.")
	if !strings.Contains(text, "관리에 대해") || !strings.Contains(text, "🎉 和 한국어") {
		t.Fatalf("Normalize dropped a space: %q", text)
	}
	tr := &Transcript{Timing: Estimated, Units: []Unit{{Kind: Speech, Speaker: "A", Text: text, End: 10 * time.Second}}}
	cs, err := Captions(tr, CaptionOptions{MaxCols: 20, MaxLines: 2})
	if err != nil {
		t.Fatal(err)
	}
	var pieces []string
	words := map[string]bool{}
	for _, w := range strings.Fields(text) {
		words[w] = true
	}
	for _, c := range cs {
		for _, l := range c.Lines {
			pieces = append(pieces, l)
			for _, w := range strings.Fields(l) {
				if !words[w] {
					t.Errorf("line %q breaks the word %q", l, w)
				}
			}
		}
	}
	if got := JoinAll(pieces); got != text {
		t.Errorf("captions join to %q, want %q", got, text)
	}
}
