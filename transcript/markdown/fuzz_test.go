package markdown_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// FuzzParse checks that no input makes Parse panic, and that what it
// accepts keeps the model's promises.
func FuzzParse(f *testing.F) {
	if src, err := os.ReadFile(filepath.Join("..", "testdata", "talk.md")); err == nil {
		f.Add(string(src))
	}
	f.Add("+++\ntitle = \"x\"\n+++\n# T\n\n**A:** [01:00] hi\n\n*(音樂)*\n\nmore\n")
	f.Add("# T\n\n**日期:** 2025年2月30日\n\n## [00:10] S\n\n[00:05] **A**: x <b>y</b>\n\n[« 上一篇](./a.md)\n")
	f.Fuzz(func(t *testing.T, src string) {
		tr, err := markdown.Parse("fuzz.md", []byte(src))
		if err != nil {
			return
		}
		if tr.Title == "" {
			t.Fatal("accepted without a title")
		}
		speech := false
		for i, u := range tr.Units {
			if u.Text == "" || u.Text != transcript.Normalize(u.Text) {
				t.Fatalf("unit %d: text %q is empty or not normalized", i, u.Text)
			}
			if u.Kind == transcript.Speech {
				speech = true
				if u.Speaker == "" {
					t.Fatalf("unit %d: speech without a speaker", i)
				}
			}
			if u.Section < -1 || u.Section >= len(tr.Sections) || u.Line < 1 {
				t.Fatalf("unit %d: section %d line %d", i, u.Section, u.Line)
			}
		}
		if !speech {
			t.Fatal("accepted without speech")
		}
		for i, s := range tr.Sections {
			if s.Unit < 0 || s.Unit > len(tr.Units) || (i > 0 && s.Unit < tr.Sections[i-1].Unit) {
				t.Fatalf("section %d starts at unit %d", i, s.Unit)
			}
		}
	})
}
