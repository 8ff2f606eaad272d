package markdown_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/fuzzlimit"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
	"github.com/podpipe/podpipe/transcript/srt"
	"github.com/podpipe/podpipe/transcript/webvtt"
)

// FuzzParse checks, under fuzzlimit's time limit, that no input makes
// Parse panic or grind, that what it accepts keeps the model's promises,
// and that its captions are laid out (a wide speaker name once looped the
// SRT layout for ever). Seeds: the repository's transcripts.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "episodes", "*.md"))
	for _, name := range append(files, filepath.Join("..", "testdata", "talk.md")) {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	f.Add("+++\ntitle = \"x\"\n+++\n# T\n\n**A:** [01:00] hi\n\n*(音樂)*\n\nmore\n")
	f.Add("# T\n\n**日期:** 2025年2月30日\n\n## [00:10] S\n\n[00:05] **A**: x <b>y</b>\n\n[« 上一篇](./a.md)\n")
	name := strings.Repeat("主持人", 12)
	f.Add("# T\n\n**" + name + ":** 大家好，今天聊可觀測性。\n\n**A:** 好。\n\n**" + name + ":** A: 像名字的一句話。\n")
	f.Add("# T\n\n**A:** " + strings.Repeat("[a](", 300) + "\n\n- - - - - - - - x\n\n> > > > y\n")
	f.Fuzz(func(t *testing.T, src string) {
		fuzzlimit.Run(t, func() error { return checkParse(src) })
	})
}

func checkParse(src string) error {
	tr, err := markdown.Parse("fuzz.md", []byte(src))
	if err != nil {
		return nil
	}
	if tr.Title == "" {
		return fmt.Errorf("accepted without a title")
	}
	speech := false
	for i, u := range tr.Units {
		if u.Text == "" || u.Text != transcript.Normalize(u.Text) {
			return fmt.Errorf("unit %d: text %q is empty or not normalized", i, u.Text)
		}
		if u.Kind == transcript.Speech {
			speech = true
			if u.Speaker == "" {
				return fmt.Errorf("unit %d: speech without a speaker", i)
			}
		}
		if u.Section < -1 || u.Section >= len(tr.Sections) || u.Line < 1 {
			return fmt.Errorf("unit %d: section %d line %d", i, u.Section, u.Line)
		}
	}
	if !speech {
		return fmt.Errorf("accepted without speech")
	}
	for i, s := range tr.Sections {
		if s.Unit < 0 || s.Unit > len(tr.Units) || (i > 0 && s.Unit < tr.Sections[i-1].Unit) {
			return fmt.Errorf("section %d starts at unit %d", i, s.Unit)
		}
	}
	if err := (transcript.Proportional{}).Time(context.Background(), tr, transcript.Audio{Duration: time.Hour}); err != nil {
		return nil // anchors out of order, past the end: the file's to fix
	}
	var buf bytes.Buffer
	if err := srt.Write(&buf, tr); err != nil {
		return fmt.Errorf("srt: %w", err)
	}
	if err := webvtt.Write(&buf, tr); err != nil {
		return fmt.Errorf("webvtt: %w", err)
	}
	return nil
}

// FuzzFrontMatter fuzzes the TOML between the "+++" lines, before a body
// that parses, under fuzzlimit's time limit.
func FuzzFrontMatter(f *testing.F) {
	f.Add("title = \"第 1 集\"\ndate = 2025-09-24\nepisode = 1\nseason = 2\nlanguage = \"zh-TW\"\nexplicit = false\n" +
		"hosts = [\"Host Name (主持人)\", {name = \"B\", role = \"guest\"}]\n" +
		"[[chapters]]\nstart = \"00:00:00\"\ntitle = \"開場\"\n[[chapters]]\nstart = 90.5\ntitle = \"二\"\nurl = \"https://example.com/\"\n")
	f.Add("date = \"2025年9月24日\"\nepisode_type = \"bonus\"\nguid = \"x\"\ndescription = \"\"\"\nmany\nlines\n\"\"\"\n")
	f.Add("a = [[[[[[[[1]]]]]]]]\nb = {c = {d = {e = 1}}}\n")
	f.Fuzz(func(t *testing.T, fm string) {
		src := "+++\n" + fm + "\n+++\n# T\n\n**A:** 大家好。\n"
		fuzzlimit.Run(t, func() error { return checkParse(src) })
	})
}
