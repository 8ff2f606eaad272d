// Package suggest proposes chapters for a timed transcript that has none:
// a chapter starts where the conversation turns to a new subject, and is
// titled from its own text.
//
// Where: only at the start of a speaker turn, scored by lexical cohesion
// in the manner of TextTiling (Hearst 1997): the words of the stretch
// before a turn are compared with those of the stretch after it, and a
// dip in their similarity deeper than its neighbours' is a change of
// subject. A host's question after a long answer adds to the score: it is
// how an interviewer moves a conversation on. No model is needed. Chinese
// is compared by character bigrams, which stand in for words without a
// segmenter's dictionary (a two-character word is one bigram, a longer one
// a few overlapping ones), and bigrams that hold a function character
// (的, 了, 我們, 這個…) are left out; Latin-script words are compared
// whole. Terms are weighted by their rarity across the episode's turns,
// so the words every turn shares do not mask a change of subject.
//
// How many: about one chapter per four minutes, none shorter than
// MinLength and none longer than MaxLength where a turn start allows it.
//
// Titles: the host's question that opens the chapter, made short (its
// last clause, without the leading "那" or the closing "嗎"), else the
// clause of the chapter's opening turns that holds most of its key terms.
//
//	list := suggest.Chapters(t, duration, suggest.Options{})
package suggest

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/transcript"
)

// Options tune a suggestion; zero values take the defaults.
type Options struct {
	MinLength time.Duration // shortest chapter; 60 s
	MaxLength time.Duration // longest chapter, where a turn start allows; 8 min
	Target    time.Duration // the usual chapter's length; 4 min
	MaxTitle  int           // longest title, in characters; 30
}

func (o Options) withDefaults() Options {
	o.MinLength = cmp.Or(o.MinLength, 60*time.Second)
	o.MaxLength = cmp.Or(o.MaxLength, 8*time.Minute)
	o.Target = cmp.Or(o.Target, 4*time.Minute)
	o.MaxTitle = cmp.Or(o.MaxTitle, 30)
	return o
}

// shortest is the length of chapter below which an episode is not worth
// splitting: an episode under twice as long gets no chapters.
const shortest = 3 * time.Minute

// window is how much text, in characters, each side of a turn start is
// compared: about a minute and a half of speech.
const window = 360

// A turn is one speaker's consecutive units.
type turn struct {
	speaker string
	unit    int // its first unit
	start   time.Duration
	end     time.Duration
	text    string
	runes   int
	terms   map[string]float64 // term counts, then weights
}

// Chapters proposes chapters for t, which must be timed, over an episode
// of the given duration. It returns nil when the episode is too short for
// two chapters of three minutes or has fewer than two turns to start them at:
// one chapter covering the episode lets a listener jump nowhere.
func Chapters(t *transcript.Transcript, duration time.Duration, opt Options) []chapters.Chapter {
	opt = opt.withDefaults()
	turns := splitTurns(t)
	if len(turns) < 2 || duration < 2*opt.MinLength {
		return nil
	}
	weigh(turns)
	hosts := hostNames(t, turns)

	// The number of chapters: about one per Target, at least two once the
	// episode is long enough for two of a reasonable length.
	n := int(math.Round(float64(duration) / float64(opt.Target)))
	if n < 2 && duration >= 2*shortest {
		n = 2
	}
	if n < 2 {
		return nil
	}
	spacing := max(opt.MinLength, duration/time.Duration(n)/2)

	scores := score(turns, hosts)
	var cands []int // turn indexes that may start a chapter
	for i := 1; i < len(turns); i++ {
		if s := turns[i].start; s >= opt.MinLength && duration-s >= opt.MinLength {
			cands = append(cands, i)
		}
	}
	byScore := slices.Clone(cands)
	slices.SortStableFunc(byScore, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })

	var starts []time.Duration // chosen chapter starts after 0
	chosen := map[int]bool{}
	fits := func(at, gap time.Duration) bool {
		if at < gap || duration-at < gap {
			return false
		}
		for _, s := range starts {
			if (at - s).Abs() < gap {
				return false
			}
		}
		return true
	}
	for _, i := range byScore {
		if len(starts) == n-1 {
			break
		}
		if fits(turns[i].start, spacing) {
			starts = append(starts, turns[i].start)
			chosen[i] = true
		}
	}
	// Split a chapter longer than MaxLength at its best turn start, as long
	// as both halves keep MinLength.
	for {
		slices.Sort(starts)
		bounds := append(append([]time.Duration{0}, starts...), duration)
		split := false
		for k := 0; k+1 < len(bounds); k++ {
			if bounds[k+1]-bounds[k] <= opt.MaxLength {
				continue
			}
			best := -1
			for _, i := range byScore {
				if s := turns[i].start; !chosen[i] && s > bounds[k] && s < bounds[k+1] && fits(s, opt.MinLength) {
					best = i
					break
				}
			}
			if best >= 0 {
				starts = append(starts, turns[best].start)
				chosen[best] = true
				split = true
				break
			}
		}
		if !split {
			break
		}
	}
	if len(starts) == 0 {
		return nil
	}
	slices.Sort(starts)

	first := []int{0}
	for i := range turns {
		if chosen[i] {
			first = append(first, i)
		}
	}
	slices.Sort(first)
	list := make([]chapters.Chapter, len(first))
	for k, i := range first {
		last := len(turns)
		if k+1 < len(first) {
			last = first[k+1]
		}
		list[k] = chapters.Chapter{Start: turns[i].start, Title: title(turns[i:last], hosts, opt.MaxTitle)}
		if k == 0 {
			list[k].Start = 0
		}
	}
	return list
}

// splitTurns groups t's speech into turns; a cue ends a turn.
func splitTurns(t *transcript.Transcript) []*turn {
	var turns []*turn
	var cur *turn
	for i, u := range t.Units {
		if u.Kind != transcript.Speech {
			cur = nil
			continue
		}
		if cur == nil || u.Speaker != cur.speaker {
			cur = &turn{speaker: u.Speaker, unit: i, start: u.Start}
			turns = append(turns, cur)
		} else {
			cur.text += "\n"
		}
		cur.text += u.Text
		cur.end = u.End
	}
	for _, tn := range turns {
		tn.runes = utf8.RuneCountInString(tn.text)
		tn.terms = map[string]float64{}
		for _, w := range terms(tn.text) {
			tn.terms[w]++
		}
	}
	return turns
}

// weigh turns each turn's term counts into tf·idf weights, idf counted
// over the episode's turns.
func weigh(turns []*turn) {
	df := map[string]int{}
	for _, tn := range turns {
		for w := range tn.terms {
			df[w]++
		}
	}
	n := float64(len(turns))
	for _, tn := range turns {
		for w, c := range tn.terms {
			tn.terms[w] = c * math.Log(1+n/float64(df[w]))
		}
	}
}

// hostNames are the speakers who ask: the transcript's hosts, else the
// first speaker.
func hostNames(t *transcript.Transcript, turns []*turn) map[string]bool {
	hosts := map[string]bool{}
	for _, p := range t.Hosts {
		hosts[p.Name] = true
	}
	if len(hosts) == 0 && len(turns) > 0 {
		hosts[turns[0].speaker] = true
	}
	return hosts
}

// score rates each turn as the start of a new subject: the depth of the
// dip in lexical cohesion at its start (TextTiling's depth score, scaled
// to the episode's deepest), plus half for a host's question and a
// quarter more when it follows a long answer.
func score(turns []*turn, hosts map[string]bool) []float64 {
	sim := make([]float64, len(turns)) // sim[i]: cohesion across the start of turn i
	for i := 1; i < len(turns); i++ {
		left, right := map[string]float64{}, map[string]float64{}
		for j, n := i-1, 0; j >= 0 && n < window; j-- {
			add(left, turns[j].terms)
			n += turns[j].runes
		}
		for j, n := i, 0; j < len(turns) && n < window; j++ {
			add(right, turns[j].terms)
			n += turns[j].runes
		}
		sim[i] = cosine(left, right)
	}
	depth := make([]float64, len(turns))
	deepest := 0.0
	for i := 1; i < len(turns); i++ {
		l := sim[i]
		for j := i - 1; j >= 1 && sim[j] >= l; j-- {
			l = sim[j]
		}
		r := sim[i]
		for j := i + 1; j < len(turns) && sim[j] >= r; j++ {
			r = sim[j]
		}
		depth[i] = (l - sim[i]) + (r - sim[i])
		deepest = max(deepest, depth[i])
	}
	out := make([]float64, len(turns))
	for i := 1; i < len(turns); i++ {
		if deepest > 0 {
			out[i] = depth[i] / deepest
		}
		if hosts[turns[i].speaker] && len(questions(turns[i].text)) > 0 {
			out[i] += 0.5
			answer := 0
			for j := i - 1; j >= 0 && !hosts[turns[j].speaker]; j-- {
				answer += turns[j].runes
			}
			if answer >= 120 {
				out[i] += 0.25
			}
		}
	}
	return out
}

func add(dst, src map[string]float64) {
	for w, x := range src {
		dst[w] += x
	}
}

func cosine(a, b map[string]float64) float64 {
	var dot, na, nb float64
	for w, x := range a {
		na += x * x
		dot += x * b[w]
	}
	for _, y := range b {
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// function holds the Chinese characters that mostly serve grammar
// (particles, pronouns, measure words, conjunctions); a bigram holding one
// rarely names a subject.
const function = "的了是在我你他她它們這那就也都很嗎呢吧啊呀嗯喔哦個和與及或而但還再又才把被讓給對說有沒不一要會可以所其些麼什怎樣裡做"

// terms are the text's terms for comparison: Han character bigrams
// without a function character, and Latin-script words of two letters or
// more, lower-cased.
func terms(s string) []string {
	var out []string
	var prev rune
	var word strings.Builder
	flush := func() {
		if utf8.RuneCountInString(word.String()) >= 2 {
			out = append(out, strings.ToLower(word.String()))
		}
		word.Reset()
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			if prev != 0 && !strings.ContainsRune(function, prev) && !strings.ContainsRune(function, r) {
				out = append(out, string([]rune{prev, r}))
			}
			prev = r
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(r)
		default:
			flush()
		}
		prev = 0
	}
	flush()
	return out
}
