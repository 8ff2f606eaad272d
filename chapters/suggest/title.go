package suggest

import (
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// opening is how long after a chapter's start a host's question may
// still be the one that opens it (after a greeting, say).
const opening = 90 * time.Second

// title names a chapter from its turns: the first host's question among
// its opening turns, made short, else the clause of its opening turns with
// the most of the chapter's key terms.
func title(turns []*turn, hosts map[string]bool, maxRunes int) string {
	weight := map[string]float64{}
	for _, tn := range turns {
		add(weight, tn.terms)
	}
	open := openingTurns(turns)
	for _, tn := range open {
		if !hosts[tn.speaker] {
			continue
		}
		if q := shorten(questions(tn.text), weight, maxRunes); q != "" {
			return q
		}
	}
	return keyClause(open, weight, maxRunes)
}

// openingTurns are the turns that start within opening of the first.
func openingTurns(turns []*turn) []*turn {
	n := 1
	for n < len(turns) && turns[n].start-turns[0].start <= opening {
		n++
	}
	return turns[:n]
}

// questions are the sentences of text that ask, with their question
// marks.
func questions(text string) []string {
	var qs []string
	for _, s := range sentences(text) {
		if strings.HasSuffix(s, "？") || strings.HasSuffix(s, "?") {
			qs = append(qs, s)
		}
	}
	return qs
}

// sentences splits text after each sentence-ending mark.
func sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if strings.ContainsRune("。！？!?\n", r) {
			end := i + utf8.RuneLen(r)
			if s := strings.TrimSpace(text[start:end]); s != "" {
				out = append(out, s)
			}
			start = end
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// clauses splits a sentence at commas and the like, marks removed.
func clauses(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("，,、；;：:。！？!?\n", r) })
	var out []string
	for _, c := range f {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// leads are words that open a clause without adding to its subject.
var leads = []string{"那麼", "那", "所以", "好，", "好", "而且", "但是", "另外", "最後", "接下來", "再來", "我想問", "想請問", "請問", "現場有人問", "有人問", "我們來聊", "來聊聊"}

// trailing are the particles that close a question.
const trailing = "嗎呢吧啊呀？?。！!… "

// shorten makes a host's questions a title: of the clauses that ask
// (each question's last, fillers and closing particle removed, with the
// one before it when it leans on that one), the one that weighs
// most in the chapter for its length, at most maxRunes long; "" when
// there is no question.
func shorten(qs []string, weight map[string]float64, maxRunes int) string {
	best, bestScore := "", -1.0
	for _, q := range qs {
		cs := clauses(q)
		if len(cs) == 0 {
			continue
		}
		c := trim(cs[len(cs)-1])
		if len(cs) > 1 && leansBack(cs[len(cs)-2], c) {
			c = trim(cs[len(cs)-2]) + "，" + c
		}
		if s := clauseScore(c, weight); c != "" && s > bestScore {
			best, bestScore = c, s
		}
	}
	return clip(best, maxRunes)
}

// clauseScore is how much of the chapter's key terms a clause holds, for
// its length.
func clauseScore(c string, weight map[string]float64) float64 {
	s := 0.0
	for _, w := range terms(c) {
		s += weight[w]
	}
	return s / math.Sqrt(float64(utf8.RuneCountInString(c)))
}

// leansBack says whether a question's last clause needs the one before
// it to be understood: it is only a few characters, it points back (這對
// 平台工程有什麼影響), or the one before names the topic it asks about
// (可觀測性這一塊，…).
func leansBack(prev, last string) bool {
	if utf8.RuneCountInString(last) < 6 {
		return true
	}
	for _, p := range []string{"這", "它"} {
		if strings.HasPrefix(last, p) {
			return true
		}
	}
	for _, t := range []string{"這一塊", "這部分", "方面", "來說", "的話"} {
		if strings.HasSuffix(prev, t) {
			return true
		}
	}
	return false
}

func trim(s string) string {
	for again := true; again; {
		again = false
		for _, l := range leads {
			if rest, ok := strings.CutPrefix(s, l); ok && strings.TrimRight(rest, trailing) != "" {
				s, again = strings.TrimSpace(rest), true
			}
		}
	}
	return strings.TrimRight(s, trailing)
}

// clip cuts s to at most maxRunes characters, marking a cut with "…".
func clip(s string, maxRunes int) string {
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:maxRunes-1]), unicode.IsSpace) + "…"
}

// keyClause is the clause of the chapter's opening turns that weighs
// most in the chapter for its length.
func keyClause(open []*turn, weight map[string]float64, maxRunes int) string {
	best, bestScore := "", -1.0
	for _, tn := range open {
		for _, c := range clauses(tn.text) {
			c = trim(c)
			if n := utf8.RuneCountInString(c); n < 4 || n > maxRunes {
				continue
			}
			if s := clauseScore(c, weight); s > bestScore {
				best, bestScore = c, s
			}
		}
	}
	if best == "" {
		if cs := clauses(open[0].text); len(cs) > 0 {
			best = clip(trim(cs[0]), maxRunes)
		}
	}
	return best
}
