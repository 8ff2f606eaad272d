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
	Named      bool     // the first line starts with "Speaker: " (CaptionOptions.Names)
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
	var out []Caption
	prevEnd := time.Duration(0)
	last := ""
	for i, u := range t.Units {
		text := Normalize(u.Text)
		if text == "" {
			continue
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
		first, named := len(out), prefix != ""
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
				out = appendPieces(out, splitText(txt, o, prefix), txt, ss, se, u, i, o)
				start = se
				if len(out) > first {
					prefix = ""
				}
			}
		} else {
			pieces := [][]string{layout("["+text+"]", o)}
			if u.Kind == Speech {
				pieces = splitText(text, o, prefix)
			}
			out = appendPieces(out, pieces, text, start, end, u, i, o)
		}
		if named && len(out) > first {
			out[first].Named = true
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
// than a millisecond for each it makes one caption of the whole text.
func appendPieces(out []Caption, pieces [][]string, text string, start, end time.Duration, u Unit, unit int, o CaptionOptions) []Caption {
	span := end - start
	if span < time.Duration(len(pieces))*time.Millisecond {
		if u.Kind == Cue {
			text = "[" + text + "]"
		}
		pieces = [][]string{wrap(text, o.MaxCols)}
	}
	weights := make([]float64, len(pieces))
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

// breaks returns the byte offsets in s where a line or cue may break: at a
// space (the space is dropped) or where NoSpaceBetween holds, but not
// before closing or after opening punctuation.
func breaks(s string) []int {
	var at []int
	prev := rune(-1)
	for i, r := range s {
		if prev != -1 {
			switch {
			case r == ' ':
				at = append(at, i)
			case prev == ' ':
			case NoSpaceBetween(prev, r) && !strings.ContainsRune(noBreakBefore, r) && !strings.ContainsRune(noBreakAfter, prev):
				at = append(at, i)
			}
		}
		prev = r
	}
	return at
}

const (
	noBreakBefore = "，。、；：！？」』）】〉》〕…—～・ー"
	noBreakAfter  = "「『（【〈《〔"
	sentenceEnd   = "。！？!?"
	clauseEnd     = "，、；：,;:"
	closingMarks  = "」』）)】〉》”’\"'"
)

// cut splits s at break offset b, dropping the space there.
func cut(s string, b int) (string, string) {
	return strings.TrimRight(s[:b], " "), strings.TrimLeft(s[b:], " ")
}

// wrap breaks s greedily into lines of at most cols columns; a line is
// longer only when it has no break at all (a long URL).
func wrap(s string, cols int) []string {
	var lines []string
	for Width(s) > cols {
		best := -1
		for _, b := range breaks(s) {
			if Width(strings.TrimRight(s[:b], " ")) <= cols {
				best = b
			} else {
				if best < 0 {
					best = b
				}
				break
			}
		}
		if best < 0 {
			break
		}
		var line string
		line, s = cut(s, best)
		lines = append(lines, line)
	}
	return append(lines, s)
}

// wrapBalanced wraps s into as few lines as wrap does, but of even width:
// a long clause becomes two lines of 15 characters, not 20 and 10.
func wrapBalanced(s string, cols int) []string {
	lines := wrap(s, cols)
	if len(lines) < 2 {
		return lines
	}
	for lim := Width(s) / len(lines); lim < cols; lim++ {
		if l := wrap(s, lim); len(l) <= len(lines) {
			return l
		}
	}
	return lines
}

// layout lays out a piece that fits in o.MaxLines lines; two lines are
// balanced, preferring a break after punctuation.
func layout(s string, o CaptionOptions) []string {
	if Width(s) <= o.MaxCols || o.MaxLines < 2 {
		return []string{s}
	}
	lines := wrap(s, o.MaxCols)
	if len(lines) != 2 {
		return lines
	}
	bestCost, best := 1<<30, -1
	for _, b := range breaks(s) {
		l, r := cut(s, b)
		wl, wr := Width(l), Width(r)
		if wl > o.MaxCols || wr > o.MaxCols {
			continue
		}
		cost := max(wl, wr)
		if last, _ := utf8.DecodeLastRuneInString(l); unicode.IsPunct(last) {
			cost -= 6
		}
		if cost < bestCost {
			bestCost, best = cost, b
		}
	}
	if best < 0 {
		return lines
	}
	l, r := cut(s, best)
	return []string{l, r}
}

// splitText cuts a unit's text into captions, each a list of lines. The
// text is first cut into atoms that fit on one line: sentences, or clauses
// of a long sentence, or width-wrapped pieces of a long clause. Atoms are
// then packed into lines and lines into captions, so that lines end at
// punctuation wherever the text allows.
func splitText(s string, o CaptionOptions, prefix string) [][]string {
	var atoms []string
	for _, sentence := range splitAfter(prefix+s, isSentenceEnd) {
		if Width(sentence) <= o.MaxCols {
			atoms = append(atoms, sentence)
			continue
		}
		for _, clause := range splitAfter(sentence, func(s string, i int, r rune) bool {
			return strings.ContainsRune(clauseEnd, r)
		}) {
			if Width(clause) <= o.MaxCols {
				atoms = append(atoms, clause)
				continue
			}
			atoms = append(atoms, wrapBalanced(clause, o.MaxCols)...)
		}
	}
	var lines []string
	for _, a := range atoms {
		if n := len(lines); n > 0 && Width(Join(lines[n-1], a)) <= o.MaxCols {
			lines[n-1] = Join(lines[n-1], a)
			continue
		}
		lines = append(lines, a)
	}
	var caps [][]string
	for len(lines) > 0 {
		n := min(o.MaxLines, len(lines))
		caps = append(caps, lines[:n])
		lines = lines[n:]
	}
	return caps
}

func isSentenceEnd(s string, i int, r rune) bool {
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
	ok := map[int]bool{}
	for _, b := range breaks(s) {
		ok[b] = true
	}
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
			if !strings.ContainsRune(closingMarks+sentenceEnd, c) {
				break
			}
			i += n
		}
		if ok[i] && i < len(s) {
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
// in two, sharing its time.
func names(cs []Caption, o CaptionOptions) []Caption {
	for i := 0; i < len(cs); i++ {
		c := cs[i]
		if c.Kind != Speech || c.Speaker == "" || c.Named {
			continue
		}
		text := c.Text()
		_, _, nameLike := SplitSpeaker(text)
		_, cueLike := CueText(text)
		if !nameLike && !cueLike {
			continue
		}
		cs[i].Named = true
		full := Normalize(c.Speaker) + ": " + text
		lines := wrap(full, o.MaxCols)
		if len(lines) <= o.MaxLines || c.End-c.Start < 2*time.Millisecond {
			cs[i].Lines = layout(full, o)
			if len(lines) > o.MaxLines {
				cs[i].Lines = lines
			}
			continue
		}
		head, tail := JoinAll(lines[:o.MaxLines]), JoinAll(lines[o.MaxLines:])
		_, headText, _ := strings.Cut(head, ": ")
		wh, wt := Weight(headText), Weight(tail)
		mid := c.Start + time.Duration(float64(c.End-c.Start)*wh/(wh+wt)).Round(time.Millisecond)
		mid = min(max(mid, c.Start+time.Millisecond), c.End-time.Millisecond)
		first, second := c, c
		first.End, first.Lines, first.Named = mid, layout(head, o), true
		second.Start, second.Lines = mid, layout(tail, o)
		cs = append(cs[:i], append([]Caption{first, second}, cs[i+1:]...)...)
		// The tail is checked on the next turn of the loop: it gets a
		// name only if it reads like one.
	}
	return cs
}
