package transcript

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CaptionOptions shape the cues of the timed formats.
type CaptionOptions struct {
	MaxCols  int // display columns per line (a CJK character is two)
	MaxLines int // lines per cue
	// Names puts "Name: " before the text at each speaker change (SRT's
	// way), and wherever the text alone would read as a name or a cue.
	Names bool
}

// Caption is one cue of a timed format: a piece of one unit, laid out in
// lines, with a share of the unit's time.
type Caption struct {
	Start, End time.Duration // whole milliseconds; strictly increasing, never overlapping
	Kind       Kind
	Speaker    string
	Lines      []string // Join(Lines...) is the caption's text
	Unit       int      // index of the unit in Transcript.Units
	Named      bool     // the first line starts with "Speaker: " (CaptionOptions.Names), or with the rest of a name too wide for one caption
}

// Text returns the caption's text on one line.
func (c Caption) Text() string { return JoinAll(c.Lines) }

// Captions cuts the units of a timed transcript into cues of at most
// o.MaxLines lines of o.MaxCols columns: a turn is split at sentence
// punctuation (。！？.!?) first, then at clause punctuation (，、；,;), then
// wherever the width runs out, and pieces are merged back while they fit.
// Each piece gets a share of its unit's time in proportion to its Weight,
// rounded to whole milliseconds. Cues become one bracketed caption: "[音樂]".
//
// Lines are only broken where Join puts the text back together exactly: at
// a space, or where NoSpaceBetween holds (between two Chinese characters,
// or next to full-width punctuation).
func Captions(t *Transcript, o CaptionOptions) ([]Caption, error) {
	if t.Timing == Untimed {
		return nil, fmt.Errorf("transcript: captions: %w", ErrUntimed)
	}
	if o.MaxCols <= 0 {
		o.MaxCols = 40
	}
	if o.MaxLines <= 0 {
		o.MaxLines = 2
	}
	out := make([]Caption, 0, len(t.Units)) // at least one each, mostly
	prevEnd := time.Duration(0)
	last := ""
	for i, u := range t.Units {
		text := Normalize(u.Text)
		if text == "" {
			continue
		}
		if len(text)+len(u.Speaker) > maxMeasured-len(": []") {
			return nil, Errorf("", u.Line, "captions: unit of %d bytes is over the %d captions can lay out", len(text)+len(u.Speaker), maxMeasured)
		}
		start, end := u.Start.Round(time.Millisecond), u.End.Round(time.Millisecond)
		// Rounding may make neighbours touch or cross by a millisecond.
		start = max(start, prevEnd)
		if end <= start {
			return nil, Errorf("", u.Line, "unit ends at %s, not after it starts at %s: %w", u.End, u.Start, ErrOrder)
		}
		prefix := ""
		if o.Names && u.Kind == Speech && u.Speaker != "" && u.Speaker != last {
			prefix = Normalize(u.Speaker) + ": "
		}
		if u.Kind == Speech {
			last = u.Speaker
		}
		first, named := len(out), 0 // named: how many captions hold a part of prefix
		if len(u.Sentences) > 0 && u.Kind == Speech {
			// An aligner timed each sentence: split within each one's span.
			for k, sp := range u.Sentences {
				ss, se := max(sp.Start.Round(time.Millisecond), start), min(sp.End.Round(time.Millisecond), end)
				if k == len(u.Sentences)-1 {
					se = end
				}
				txt := Normalize(sp.Text)
				if txt == "" || se <= ss {
					continue
				}
				pieces, n := splitText(txt, o, prefix)
				at := len(out)
				out = appendPieces(out, pieces, prefix, txt, ss, se, u, i, o)
				named += min(n, len(out)-at)
				start = se
				if len(out) > first {
					prefix = ""
				}
			}
		} else {
			pieces := [][]string{layout("["+text+"]", o)}
			if u.Kind == Speech {
				pieces, named = splitText(text, o, prefix)
			}
			out = appendPieces(out, pieces, prefix, text, start, end, u, i, o)
		}
		// A name wider than a caption runs on into the next ones.
		for k := first; k < min(first+named, len(out)); k++ {
			out[k].Named = true
		}
		prevEnd = end
	}
	if o.Names {
		out = names(out, o)
	}
	return out, nil
}

// appendPieces appends the captions of pieces (each a list of lines),
// sharing [start, end) among them by weight on whole milliseconds; with less
// than a millisecond for each it makes one caption of the whole text (after
// the prefix the pieces start with).
func appendPieces(out []Caption, pieces [][]string, prefix, text string, start, end time.Duration, u Unit, unit int, o CaptionOptions) []Caption {
	span := end - start
	if span < time.Duration(len(pieces))*time.Millisecond {
		if u.Kind == Cue {
			text = "[" + text + "]"
		}
		pieces = [][]string{wrap(prefix+text, o.MaxCols)}
	}
	var buf [4]float64 // most units have few pieces
	weights := buf[:0]
	if len(pieces) > len(buf) {
		weights = make([]float64, 0, len(pieces))
	}
	weights = weights[:len(pieces)]
	total := 0.0
	for k, p := range pieces {
		weights[k] = Weight(JoinAll(p))
		total += weights[k]
	}
	at, cum := start, 0.0
	for k, p := range pieces {
		cum += weights[k]
		next := end
		if k < len(pieces)-1 {
			next = start + time.Duration(float64(span)*cum/total).Round(time.Millisecond)
			next = max(next, at+time.Millisecond)
			next = min(next, end-time.Duration(len(pieces)-1-k)*time.Millisecond)
		}
		out = append(out, Caption{Start: at, End: next, Kind: u.Kind, Speaker: u.Speaker, Lines: p, Unit: unit})
		at = next
	}
	return out
}

// A measured text is a caption text with its break offsets and its
// display width up to each of them, found in one pass so that wrapping
// and balancing it cost time linear in its length, however long it is and
// however many times it is wrapped.
//
// Widths add up: the width of s[at[i]:at[j]] is w[j]-w[i]. That holds at
// the breaks of normalized text (a space, or between two wide characters),
// which are where grapheme clusters end too.
type measured struct {
	s     string
	at    []int32 // byte offsets where a line may break, ascending
	w     []int32 // w[k] is the display width of s[:at[k]]
	total int     // display width of s
}

// maxMeasured is the longest text measure takes: its offsets are 32-bit.
const maxMeasured = 1<<31 - 1

// measure finds where s may break: at a space (the space is dropped) or
// where NoSpaceBetween holds, but not before closing or after opening
// punctuation. s must be shorter than maxMeasured bytes.
func measure(s string) *measured {
	// Room for a break at every other byte: a Chinese text has one at
	// nearly every character, of three bytes.
	m := &measured{s: s, at: make([]int32, 0, len(s)/2+1), w: make([]int32, 0, len(s)/2+1)}
	total, simple := m.breaks(func(i, w int) {
		m.at = append(m.at, int32(i))
		m.w = append(m.w, int32(w))
	})
	if simple {
		m.total = total
		return m
	}
	// A rune that may join a cluster: runewidth measures each stretch
	// between breaks.
	last, wLast := 0, 0 // the previous break and the width before it
	for k, i := range m.at {
		wLast += Width(s[last:i])
		last = int(i)
		m.w[k] = int32(wLast)
	}
	m.total = wLast + Width(s[last:])
	return m
}

// breaks calls at with each offset i of m.s where a line may break, in
// order, and the width of m.s[:i] rune by rune. It is NoSpaceBetween rune
// by rune, with the class of each rune looked up once. It returns the
// width of m.s rune by rune, and whether that is its Width: whether each
// of its runes is a cluster of its own (classSimple).
func (m *measured) breaks(at func(i, w int)) (int, bool) {
	prev := rune(-1)
	var pu, pf bool // unspaced(prev), and prev is full-width punctuation
	w, simple := 0, true
	for i, r := range m.s {
		c := classOf(r)
		u, f := c&classUnspaced != 0, c&classFullPunct != 0
		if prev != -1 {
			switch {
			case r == ' ':
				at(i, w)
			case prev == ' ':
			case (pu && u || pf || f) && !inSet(noBreakBeforeSet, r) && !inSet(noBreakAfterSet, prev):
				at(i, w)
			}
		}
		switch {
		case c&classSimple == 0:
			simple = false
		case c&classOne != 0:
			w++
		default:
			w += 2
		}
		prev, pu, pf = r, u, f
	}
	return w, simple
}

// after returns where the text after break k starts (past the spaces a
// cut drops) and the width before that.
func (m *measured) after(k int) (int, int) {
	i, w := int(m.at[k]), int(m.w[k])
	for i < len(m.s) && m.s[i] == ' ' {
		i++
		w++
	}
	return i, w
}

// end returns where the text before break k ends (before the spaces a cut
// drops).
func (m *measured) end(k int) int {
	i := int(m.at[k])
	for i > 0 && m.s[i-1] == ' ' {
		i--
	}
	return i
}

const (
	noBreakBefore = "，。、；：！？」』）】〉》〕…—～・ー"
	noBreakAfter  = "「『（【〈《〔"
	sentenceEnd   = "。！？!?"
	clauseEnd     = "，、；：,;:"
	closingMarks  = "」』）)】〉》”’\"'"
)

// The sets of the loops over every rune of a text.
var (
	noBreakBeforeSet = runeSet(noBreakBefore)
	noBreakAfterSet  = runeSet(noBreakAfter)
	closingSet       = runeSet(closingMarks + sentenceEnd)
)

// inSet reports whether r is in set, one of the sets above, which hold
// no common CJK ideograph: most runes of a Chinese text need no lookup.
func inSet(set map[rune]bool, r rune) bool {
	return (r < ideographLo || r > ideographHi) && set[r]
}

func runeSet(s string) map[rune]bool {
	set := map[rune]bool{}
	for _, r := range s {
		set[r] = true
	}
	return set
}

// cut splits s at break offset b, dropping the space there.
func cut(s string, b int) (string, string) {
	return strings.TrimRight(s[:b], " "), strings.TrimLeft(s[b:], " ")
}

// wrap breaks s greedily into lines of at most cols columns; a line is
// longer only when it has no break at all (a long URL, a run of dashes).
// Such a word is left whole: every reader of WebVTT and SRT, ours too,
// joins a cue's lines with a space, so a break inside it would put a space
// into the text that comes back; players wrap it on screen instead.
func wrap(s string, cols int) []string {
	return measure(s).wrap(cols)
}

func (m *measured) wrap(cols int) []string {
	var lines []string
	m.greedy(cols, -1, func(from, to int) { lines = append(lines, m.s[from:to]) })
	return lines
}

// greedy breaks m's text into lines of at most cols columns as wrap does,
// calling line (unless nil) with the offsets of each. It returns how many
// lines there are, or limit+1 as soon as there are more than limit (when
// limit >= 0).
func (m *measured) greedy(cols, limit int, line func(from, to int)) int {
	n := 0
	from, wFrom := 0, 0 // where the current line starts, and the width before it
	k := 0              // the first break after from
	for m.total-wFrom > cols {
		best := -1
		for ; k < len(m.at); k++ {
			if int(m.w[k])-wFrom <= cols {
				best = k
				continue
			}
			if best < 0 {
				best = k
			}
			break
		}
		if best < 0 {
			break
		}
		if n++; limit >= 0 && n > limit {
			return n
		}
		if line != nil {
			line(from, m.end(best))
		}
		from, wFrom = m.after(best)
		for k = best + 1; k < len(m.at) && int(m.at[k]) <= from; k++ {
		}
	}
	if line != nil {
		line(from, len(m.s))
	}
	return n + 1
}

// wrapBalanced wraps s into as few lines as wrap does, but of even width:
// a long clause becomes two lines of 15 characters, not 20 and 10.
func wrapBalanced(s string, cols int) []string {
	m := measure(s)
	lines := m.wrap(cols)
	if len(lines) < 2 {
		return lines
	}
	for lim := m.total / len(lines); lim < cols; lim++ {
		if m.greedy(lim, len(lines), nil) <= len(lines) {
			return m.wrap(lim)
		}
	}
	return lines
}

// layout lays out a piece that fits in o.MaxLines lines; two lines are
// balanced, preferring a break after punctuation.
func layout(s string, o CaptionOptions) []string {
	return measure(s).layout(o)
}

func (m *measured) layout(o CaptionOptions) []string {
	s := m.s
	if m.total <= o.MaxCols || o.MaxLines < 2 {
		return []string{s}
	}
	lines := m.wrap(o.MaxCols)
	if len(lines) != 2 {
		return lines
	}
	bestCost, best := 1<<30, -1
	for k := range m.at {
		end := m.end(k)
		_, wr := m.after(k)
		wl, wr := int(m.w[k]), m.total-wr
		if wl > o.MaxCols || wr > o.MaxCols {
			continue
		}
		cost := max(wl, wr)
		if last, _ := utf8.DecodeLastRuneInString(s[:end]); unicode.IsPunct(last) {
			cost -= 6
		}
		if cost < bestCost {
			bestCost, best = cost, k
		}
	}
	if best < 0 {
		return lines
	}
	l, r := cut(s, int(m.at[best]))
	return []string{l, r}
}

// splitText cuts a unit's text into captions, each a list of lines. The
// text is first cut into atoms that fit on one line: sentences, or clauses
// of a long sentence, or width-wrapped pieces of a long clause. Atoms are
// then packed into lines and lines into captions, so that lines end at
// punctuation wherever the text allows.
//
// It also returns how many of the captions hold a part of prefix ("Name: "):
// one, unless the name is wider than a caption.
func splitText(s string, o CaptionOptions, prefix string) ([][]string, int) {
	var atoms []string
	for _, sentence := range splitAfter(prefix+s, isSentenceEnd) {
		if Width(sentence) <= o.MaxCols {
			atoms = append(atoms, sentence)
			continue
		}
		for _, clause := range splitAfter(sentence, func(s string, i int, r rune) bool {
			return isClauseEnd(r)
		}) {
			if Width(clause) <= o.MaxCols {
				atoms = append(atoms, clause)
				continue
			}
			atoms = append(atoms, wrapBalanced(clause, o.MaxCols)...)
		}
	}
	var lines []string
	lastW := 0 // the width of the last line
	for _, a := range atoms {
		wa := Width(a)
		if n := len(lines); n > 0 {
			if w := joinedWidth(lines[n-1], lastW, a, wa); w <= o.MaxCols {
				lines[n-1], lastW = Join(lines[n-1], a), w
				continue
			}
		}
		lines, lastW = append(lines, a), wa
	}
	// The lines that hold a part of "Name:" (the space after it is where
	// the text starts): Join puts back a name split across lines as it was.
	named, name := 0, strings.TrimSuffix(prefix, " ")
	for n := 0; named < len(lines) && n < len(name); named++ {
		if named > 0 && !joinsTight(lines[named-1], lines[named]) {
			n++
		}
		n += len(lines[named])
	}
	var caps [][]string
	for len(lines) > 0 {
		n := min(o.MaxLines, len(lines))
		caps = append(caps, lines[:n])
		lines = lines[n:]
	}
	return caps, (named + o.MaxLines - 1) / o.MaxLines
}

// joinedWidth returns Width(Join(a, b)) from the widths of a and b.
func joinedWidth(a string, wa int, b string, wb int) int {
	if a == "" || b == "" || joinsTight(a, b) {
		return wa + wb
	}
	return wa + 1 + wb
}

// joinsTight reports whether Join(a, b) puts nothing between a and b.
func joinsTight(a, b string) bool {
	last, _ := utf8.DecodeLastRuneInString(a)
	first, _ := utf8.DecodeRuneInString(b)
	return NoSpaceBetween(last, first)
}

// isClauseEnd reports whether r is in clauseEnd; most runes are common
// CJK ideographs, which are not.
func isClauseEnd(r rune) bool {
	return (r < ideographLo || r > ideographHi) && strings.ContainsRune(clauseEnd, r)
}

func isSentenceEnd(s string, i int, r rune) bool {
	if r >= ideographLo && r <= ideographHi {
		return false // most runes: none is in sentenceEnd
	}
	if strings.ContainsRune(sentenceEnd, r) {
		return true
	}
	// A Latin full stop ends a sentence only before a space or the end:
	// not in "3.14" or "example.com".
	if r == '.' {
		next := s[i+1:]
		return next == "" || next[0] == ' '
	}
	return false
}

// splitAfter splits s after each rune for which end is true (and any closing
// quotes or brackets after it), but only at a break where Join restores s.
func splitAfter(s string, end func(s string, i int, r rune) bool) []string {
	// The break opportunities are found only once an end falls inside
	// s: most sentences and clauses end where the text does, which is no
	// break opportunity but where the last piece ends anyway.
	var at []int32
	found := false
	var out []string
	from := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if !end(s, i-size, r) {
			continue
		}
		for i < len(s) {
			c, n := utf8.DecodeRuneInString(s[i:])
			if !inSet(closingSet, c) {
				break
			}
			i += n
		}
		if i == len(s) {
			break
		}
		if !found {
			(&measured{s: s}).breaks(func(i, _ int) { at = append(at, int32(i)) })
			found = true
		}
		for len(at) > 0 && int(at[0]) < i {
			at = at[1:]
		}
		if len(at) > 0 && int(at[0]) == i {
			piece, rest := cut(s[from:], i-from)
			out = append(out, piece)
			from = len(s) - len(rest)
		}
	}
	if from < len(s) {
		out = append(out, s[from:])
	}
	return out
}

// CueText reports whether a caption's text is a non-speech cue written the
// way subtitles write them, "[音樂]", "(applause)", "（笑）" or "♪ … ♪",
// and returns what is inside the brackets.
func CueText(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, p := range [][2]string{{"[", "]"}, {"(", ")"}, {"（", "）"}, {"［", "］"}, {"♪", "♪"}} {
		if len(s) > len(p[0])+len(p[1]) && strings.HasPrefix(s, p[0]) && strings.HasSuffix(s, p[1]) {
			if inner := Normalize(s[len(p[0]) : len(s)-len(p[1])]); inner != "" {
				return inner, true
			}
		}
	}
	return "", false
}

// SplitSpeaker splits a "Name: text" (or "Name：text") caption, the way SRT
// marks a speaker change, into the name and the text. A name is at most 40
// columns (twelve CJK characters) and four words without sentence punctuation; after an ASCII
// colon a space (or full-width punctuation) must follow, so "10:30" and
// "https://…" are not names.
func SplitSpeaker(s string) (name, rest string, ok bool) {
	i := strings.IndexAny(s, ":：")
	if i <= 0 {
		return "", "", false
	}
	after := s[i+1:]
	if s[i] == ':' {
		// "A: 。" normalizes to "A:。": full-width punctuation takes the space.
		if r, _ := utf8.DecodeRuneInString(after); after == "" || after[0] != ' ' && !(Wide(r) && unicode.IsPunct(r)) {
			return "", "", false
		}
	} else {
		after = s[i+len("："):]
	}
	name, rest = Normalize(s[:i]), Normalize(after)
	if name == "" || rest == "" || Width(name) > 24 || len(strings.Fields(name)) > 4 ||
		strings.ContainsAny(name, "。，！？!?,；;\"") || strings.Trim(name, "0123456789 ") == "" {
		return "", "", false
	}
	return name, rest, true
}

// names puts "Name: " before the captions whose text alone would read
// as a name or a cue, so that a reader of a format without voice spans (SRT)
// reads them as the speaker's words. A caption that no longer fits is split
// in two, sharing its time, when the first part holds the whole name and
// some of the text; the second is checked again, and as it is shorter than
// the text before, this ends. A name that fills a caption by itself stays
// with its text in one caption of more lines.
//
// A name wider than a whole caption is left to the first caption of its
// turn: it could only stand alone before each piece of text, at a cost that
// grows with the name on every caption.
func names(cs []Caption, o CaptionOptions) []Caption {
	out := make([]Caption, 0, len(cs))
	speaker, prefix, fits := "", "", false // the last speaker's
	for _, c := range cs {
		if c.Speaker != speaker {
			speaker, prefix = c.Speaker, Normalize(c.Speaker)+": "
			fits = Width(prefix) <= o.MaxCols*o.MaxLines
		}
		for {
			if c.Kind != Speech || c.Speaker == "" || c.Named || !fits {
				break
			}
			text := c.Text()
			_, _, nameLike := SplitSpeaker(text)
			_, cueLike := CueText(text)
			if !nameLike && !cueLike {
				break
			}
			c.Named = true
			m := measure(prefix + text)
			lines := m.wrap(o.MaxCols)
			// A caption of more lines than a caption has (a unit too short
			// to cut) keeps them: splitting it line by line would measure
			// the rest of its text again for each.
			if len(lines) <= o.MaxLines || c.End-c.Start < 2*time.Millisecond || len(c.Lines) > o.MaxLines {
				c.Lines = m.layout(o)
				if len(lines) > o.MaxLines {
					c.Lines = lines
				}
				break
			}
			head, tail := JoinAll(lines[:o.MaxLines]), JoinAll(lines[o.MaxLines:])
			nameColon := strings.TrimSuffix(prefix, " ")
			if !strings.HasPrefix(head, nameColon) || strings.TrimSpace(head[len(nameColon):]) == "" {
				// The name fills the first part: nothing of the text would
				// be left to it, and the rest would carry the name again.
				c.Lines = lines
				break
			}
			_, headText, _ := strings.Cut(head, ": ")
			wh, wt := Weight(headText), Weight(tail)
			mid := c.Start + time.Duration(float64(c.End-c.Start)*wh/(wh+wt)).Round(time.Millisecond)
			mid = min(max(mid, c.Start+time.Millisecond), c.End-time.Millisecond)
			first, second := c, c
			first.End, first.Lines = mid, layout(head, o)
			second.Start, second.Lines, second.Named = mid, layout(tail, o), false
			out = append(out, first)
			// The tail is checked on the next turn of the loop: it gets a
			// name only if it reads like one.
			c = second
		}
		out = append(out, c)
	}
	return out
}
