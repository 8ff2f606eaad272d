package main

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// head is the title, metadata and notes every case starts with: the bold
// Label: lines look like turns and must not be read as speech.
const head = "# 標題\n\n**日期:** 2025年9月24日\n**主持人:** 林雅婷 (主持人)\n\n---\n\n## 前言\n\n節目筆記，不是對話。\n\n## 對談內容\n\n"

var extractTests = []struct {
	name string
	in   string
	want []Unit
}{{
	name: "turns and cue",
	in:   head + "**林雅婷:** 歡迎收聽。\n\n*(音樂)*\n\n**陳柏宇:** 大家好。\n",
	want: []Unit{
		{Kind: Speech, Speaker: "林雅婷", Text: "歡迎收聽。", Line: 14},
		{Kind: Cue, Text: "音樂", Line: 16},
		{Kind: Speech, Speaker: "陳柏宇", Text: "大家好。", Line: 18},
	},
}, {
	name: "label forms",
	in:   head + "**A：** 全形冒號\n\n**B**: colon outside\n\n**C:**text right after\n",
	want: []Unit{
		{Kind: Speech, Speaker: "A", Text: "全形冒號", Line: 14},
		{Kind: Speech, Speaker: "B", Text: "colon outside", Line: 16},
		{Kind: Speech, Speaker: "C", Text: "text right after", Line: 18},
	},
}, {
	name: "continuation paragraph keeps the speaker",
	in:   head + "**A:** 第一段。\n\n第二段。\n\n---\n\n沒有標籤的段落。\n",
	want: []Unit{
		{Kind: Speech, Speaker: "A", Text: "第一段。", Line: 14},
		{Kind: Speech, Speaker: "A", Text: "第二段。", Line: 16},
		// After a rule the paragraph is no longer "right after a turn".
		{Kind: Speech, Speaker: "", Text: "沒有標籤的段落。", Line: 20},
	},
}, {
	name: "links, rules, headings and lists are skipped",
	in: head + "[**下一篇：B &raquo;**](./02-b.md)\n\n**A:** 一。\n\n---\n" +
		"[**&laquo; 上一篇：X**](./00-x.md) | [**下一篇：Y &raquo;**](./02-y.md)\n\n" +
		"### 問答\n\n*   **清單:** 不是對話\n- 也不是\n\n**B:** 二。\n",
	want: []Unit{
		{Kind: Speech, Speaker: "A", Text: "一。", Line: 16},
		{Kind: Speech, Speaker: "B", Text: "二。", Line: 26},
	},
}, {
	name: "inline markup and entities",
	in:   head + "**A:** 用 `trace_id` 找 *log*，**很重要**；R&amp;D &lt;50 ms，看 [文件](https://example.org)。\n",
	want: []Unit{
		{Kind: Speech, Speaker: "A", Text: "用 trace_id 找 log，很重要；R&D <50 ms，看 文件。", Line: 14},
	},
}, {
	name: "multi-line paragraph joins with a space",
	in:   head + "**A:** 第一行\n第二行\n",
	want: []Unit{{Kind: Speech, Speaker: "A", Text: "第一行 第二行", Line: 14}},
}, {
	name: "anchors after the label and before it",
	in:   head + "**A:** [00:05] 開始。\n\n[01:02:03] **B:** 晚一點。\n\n**C:** [5:07] 沒有補零。\n\n**D:** [00:09.25] 小數。\n",
	want: []Unit{
		{Kind: Speech, Speaker: "A", Text: "開始。", Line: 14, Anchor: 5 * time.Second, HasAnchor: true},
		{Kind: Speech, Speaker: "B", Text: "晚一點。", Line: 16, Anchor: time.Hour + 2*time.Minute + 3*time.Second, HasAnchor: true},
		{Kind: Speech, Speaker: "C", Text: "沒有補零。", Line: 18, Anchor: 5*time.Minute + 7*time.Second, HasAnchor: true},
		{Kind: Speech, Speaker: "D", Text: "小數。", Line: 20, Anchor: 9250 * time.Millisecond, HasAnchor: true},
	},
}, {
	name: "front matter is skipped",
	in:   "+++\ntitle = \"x\"\n+++\n" + head + "**A:** 嗨。\n",
	want: []Unit{{Kind: Speech, Speaker: "A", Text: "嗨。", Line: 17}},
}, {
	name: "paragraphs before the first turn are show notes",
	in:   head + "還是筆記。\n\n*(音樂)*\n\n**A:** 開始。\n",
	want: []Unit{{Kind: Speech, Speaker: "A", Text: "開始。", Line: 18}},
}}

func TestExtract(t *testing.T) {
	for _, tt := range extractTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Extract("ep.md", strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Extract:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestExtractErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
		msg      string
	}{
		{"empty", "", ErrNoTurns, "ep.md: no speaker turns"},
		{"metadata only", head, ErrNoTurns, "ep.md: no speaker turns"},
		{"empty turn", head + "**A:** 嗨。\n\n**B:**\n", ErrEmptyTurn, "ep.md:16: speaker turn has no text"},
		{"unclosed front matter", "+++\ntitle = 1\n", nil, "ep.md: front matter is not closed by +++"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Extract("ep.md", strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("Extract succeeded, want an error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v is not %v", err, tt.want)
			}
			if err.Error() != tt.msg {
				t.Errorf("error %q, want %q", err, tt.msg)
			}
		})
	}
}

var entityRE = regexp.MustCompile(`&(#?[0-9a-zA-Z]+);`)

// TestSampleEpisodes checks the sample show itself: every episode yields a
// short talk of plain text, so a markup slip in an episode (which the voice
// would read out) is caught here.
func TestSampleEpisodes(t *testing.T) {
	files, err := filepath.Glob("../../../episodes/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample episodes found: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		units, err := Extract(f, strings.NewReader(string(src)))
		if err != nil {
			t.Fatal(err)
		}
		turns, cues := 0, 0
		for _, u := range units {
			if u.Kind == Cue {
				cues++
				continue
			}
			if u.Speaker == "" {
				t.Errorf("%s:%d: speech without a speaker", f, u.Line)
			}
			turns++
			if strings.ContainsAny(u.Text, "*`[]<>|#") || entityRE.MatchString(u.Text) {
				t.Errorf("%s:%d: markup left in spoken text %q", f, u.Line, u.Text)
			}
		}
		// The one-minute episodes, and the half-hour conversation that
		// chapters are suggested for.
		most := 15
		if filepath.Base(f) == "04-platform-engineering.md" {
			most = 120
		}
		if turns < 8 || turns > most || cues == 0 {
			t.Errorf("%s: %d speech units and %d cues, want 8–%d and at least one cue", f, turns, cues, most)
		}
	}
}
