package suggest

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// sample reads a sample episode and times it with the truth its synthetic
// audio was made with (internal/cmd/synth), so that the test measures the
// suggestion, not the aligner.
func sample(t *testing.T, slug string) (*transcript.Transcript, time.Duration) {
	t.Helper()
	md := filepath.Join("..", "..", "episodes", slug+".md")
	src, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := markdown.Parse(md, src)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("..", "..", "internal", "cmd", "synth", "testdata", slug+".truth.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	i := 0
	var end time.Duration
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if i >= len(tr.Units) {
			t.Fatalf("%s: more truth lines than units", slug)
		}
		tr.Units[i].Start = seconds(t, fields[0])
		tr.Units[i].End = seconds(t, fields[1])
		end = tr.Units[i].End
		i++
	}
	if i != len(tr.Units) {
		t.Fatalf("%s: %d truth lines for %d units", slug, i, len(tr.Units))
	}
	tr.Timing = transcript.Aligned
	return tr, end + 500*time.Millisecond // synth closes with half a second of silence
}

func seconds(t *testing.T, s string) time.Duration {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Duration(f * float64(time.Second))
}

// turnStarts are the starts of the units that open a speaker turn.
func turnStarts(tr *transcript.Transcript) map[time.Duration]bool {
	starts := map[time.Duration]bool{}
	prev := ""
	for i, u := range tr.Units {
		if u.Kind != transcript.Speech {
			prev = ""
			continue
		}
		if u.Speaker != prev || i == 0 {
			starts[u.Start] = true
		}
		prev = u.Speaker
	}
	return starts
}

// TestSampleLongEpisode: the sample show's 30-minute conversation of a
// host and two guests, with no headings, gets 5 to 12 chapters, each
// starting at a turn start (the first at 0), none shorter than 60 s, all
// titled in under 50 characters, and each start at one of the host's
// questions that change the subject.
func TestSampleLongEpisode(t *testing.T) {
	tr, d := sample(t, "04-platform-engineering")
	list := Chapters(tr, d, Options{})
	for _, c := range list {
		t.Logf("%s %s", transcript.FormatTimestamp(c.Start), c.Title)
	}
	if n := len(list); n < 5 || n > 12 {
		t.Fatalf("%d chapters for %v, want 5 to 12", n, d)
	}
	checkList(t, tr, d, list)
	// Where the editors' own outline (the host's questions that open a
	// subject) turns to a new one: most chapters start there.
	subjects := map[time.Duration]bool{}
	for _, u := range tr.Units {
		for _, q := range []string{"平台工程到底是什麼", "黃金路徑長什麼樣子", "衡量開發者體驗", "軟體供應鏈安全", "我們來聊錢", "AI 程式助理", "平台團隊應該怎麼組成", "值班制度", "事故檢討", "小團隊", "叢集是怎麼管理", "新進工程師"} {
			if u.Speaker == "林雅婷" && strings.Contains(u.Text, q) {
				subjects[u.Start] = true
			}
		}
	}
	hit := 0
	for _, c := range list[1:] {
		if subjects[c.Start] {
			hit++
		}
	}
	if hit*4 < (len(list)-1)*3 {
		t.Errorf("%d of %d chapter starts after the first are at a question that changes the subject, want three quarters", hit, len(list)-1)
	}
}

func checkList(t *testing.T, tr *transcript.Transcript, d time.Duration, list []chapters.Chapter) {
	t.Helper()
	starts := turnStarts(tr)
	for i, c := range list {
		if i == 0 {
			if c.Start != 0 {
				t.Errorf("first chapter starts at %v, want 0", c.Start)
			}
		} else if !starts[c.Start] {
			t.Errorf("chapter %d (%q) starts at %v, not at a turn start", i+1, c.Title, c.Start)
		}
		end := d
		if i+1 < len(list) {
			end = list[i+1].Start
		}
		if end-c.Start < time.Minute {
			t.Errorf("chapter %d (%q) is %v long, under a minute", i+1, c.Title, end-c.Start)
		}
		if n := utf8.RuneCountInString(c.Title); n == 0 || n >= 50 {
			t.Errorf("chapter %d title %q has %d characters", i+1, c.Title, n)
		}
	}
	if _, _, err := chapters.Validate(list, d); err != nil {
		t.Errorf("the suggestion does not validate: %v", err)
	}
}

// TestShortEpisodes: the sample's one-minute episodes are too short for
// two chapters of a few minutes; they get none rather than one.
func TestShortEpisodes(t *testing.T) {
	for _, slug := range []string{"01-p99-observability", "02-kubernetes-cost", "03-edge-ai-inference"} {
		tr, d := sample(t, slug)
		if list := Chapters(tr, d, Options{}); list != nil {
			t.Errorf("%s (%v): %d chapters, want none", slug, d, len(list))
		}
	}
}

// TestBounds: over a long synthetic conversation of turns on subjects
// that change every few minutes, the chapters keep to their bounds
// whatever the length: MinLength at least, and about one per Target.
func TestBounds(t *testing.T) {
	subjects := [][]string{
		{"資料庫", "索引", "查詢", "交易"},
		{"網路", "封包", "路由", "頻寬"},
		{"預算", "帳單", "折扣", "採購"},
		{"招募", "面試", "履歷", "薪資"},
		{"測試", "覆蓋率", "回歸", "斷言"},
		{"瀏覽器", "渲染", "樣式", "腳本"},
	}
	for _, minutes := range []int{7, 20, 40, 90} {
		tr := &transcript.Transcript{Hosts: []transcript.Person{{Name: "主持人"}}}
		at := time.Duration(0)
		d := time.Duration(minutes) * time.Minute
		for k := 0; at < d-30*time.Second; k++ {
			words := subjects[(int(at/(4*time.Minute)))%len(subjects)]
			speaker, text := "來賓", strings.Repeat(strings.Join(words, "和")+"都很重要。", 3)
			length := 25 * time.Second
			if k%3 == 0 {
				speaker, text, length = "主持人", "那"+words[k%len(words)]+"怎麼做？", 5*time.Second
			}
			tr.Units = append(tr.Units, transcript.Unit{Kind: transcript.Speech, Speaker: speaker, Text: text, Start: at, End: at + length})
			at += length + time.Second
		}
		list := Chapters(tr, d, Options{})
		if max := minutes/3 + 1; len(list) < 2 || len(list) > max {
			t.Errorf("%d min: %d chapters, want 2 to %d", minutes, len(list), max)
		}
		checkList(t, tr, d, list)
	}
}

func TestShorten(t *testing.T) {
	tests := []struct{ in, want string }{
		{"先請兩位定義一下，平台工程到底是什麼？", "平台工程到底是什麼"},
		{"那你們後來怎麼改？", "你們後來怎麼改"},
		{"現場有人問，小團隊也需要這些工具嗎？", "小團隊也需要這些工具"},
		{"我們來聊錢。雲端帳單越來越貴，平台團隊在成本上可以做什麼？", "平台團隊在成本上可以做什麼"},
		{"那要從哪裡開始追？", "要從哪裡開始追"},
		{"有人問，WebAssembly 適合跑推論嗎？", "WebAssembly 適合跑推論"},
		{"所以呢？", "所以"},
		{"現在每個人都在用 AI 程式助理，這對平台工程有什麼影響？", "現在每個人都在用 AI 程式助理，這對平台工程有什麼影響"},
		{"服務出問題的時候，第一件事就是看監控。可觀測性這一塊，平台要提供到什麼程度？", "可觀測性這一塊，平台要提供到什麼程度"},
	}
	for _, tt := range tests {
		if got := shorten(questions(tt.in), nil, 30); got != tt.want {
			t.Errorf("shorten(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := shorten([]string{"這是一個非常非常長而且沒有任何逗號的問題所以長到超過了章節標題應該有的長度上限吧？"}, nil, 20); utf8.RuneCountInString(got) != 20 || !strings.HasSuffix(got, "…") {
		t.Errorf("a long question becomes %q, want 20 characters ending in …", got)
	}
}

func TestTerms(t *testing.T) {
	got := strings.Join(terms("我們用 Backstage 做入口網站，服務目錄是最先上線的功能。"), " ")
	want := "backstage 入口 口網 網站 服務 務目 目錄 最先 先上 上線 功能"
	if got != want {
		t.Errorf("terms = %q, want %q", got, want)
	}
}
