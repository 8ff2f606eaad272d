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
