package transcript

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// width measures display columns the same way on every machine: the
// package-level runewidth functions follow the locale of the environment
// (ambiguous characters turn wide under a CJK locale), which would make the
// output depend on who ran it.
var width = &runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true}

// Width returns the display width of s in columns: a CJK character is two.
func Width(s string) int { return width.StringWidth(s) }

// Wide reports whether r takes two columns (CJK ideographs, kana, hangul,
// full-width punctuation).
func Wide(r rune) bool { return width.RuneWidth(r) == 2 }

// unspaced reports whether r belongs to a script written without spaces
// between words: a Chinese or Japanese character or full-width punctuation.
// Hangul is wide but spaced: Korean puts spaces between words. Wide symbols
// such as emoji keep the spaces an editor put around them.
func unspaced(r rune) bool {
	return Wide(r) && !unicode.Is(unicode.Hangul, r) && !unicode.Is(unicode.So, r)
}

// NoSpaceBetween reports whether a and b are written with nothing between
// them: two Chinese or Japanese characters (a line break inside a Chinese
// paragraph is not a space), or full-width punctuation and anything (it
// carries its own space: "你好，Marcus", "用 Go（或 Rust）").
func NoSpaceBetween(a, b rune) bool {
	full := func(r rune) bool { return Wide(r) && unicode.IsPunct(r) }
	return unspaced(a) && unspaced(b) || full(a) || full(b)
}

// Normalize collapses every run of white space in s to one space, drops it
// altogether where NoSpaceBetween says so and trims the ends. Every reader normalizes
// text this way, and Join undoes a split at any break Captions may choose,
// so text survives a trip through the timed formats unchanged.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune = -1 // last rune written
	pendingSpace := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			pendingSpace = prev != -1
			continue
		}
		if pendingSpace {
			if !NoSpaceBetween(prev, r) {
				b.WriteByte(' ')
			}
			pendingSpace = false
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// Join joins two pieces of one text that a caption line or cue boundary
// separated: directly where NoSpaceBetween says so, with a space otherwise.
func Join(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	last, _ := utf8.DecodeLastRuneInString(a)
	first, _ := utf8.DecodeRuneInString(b)
	if NoSpaceBetween(last, first) {
		return a + b
	}
	return a + " " + b
}

// JoinAll joins pieces with Join, in time linear in their length.
func JoinAll(pieces []string) string {
	n := len(pieces)
	for _, p := range pieces {
		n += len(p)
	}
	var b strings.Builder
	b.Grow(n)
	var last rune = -1 // the last rune written
	for _, p := range pieces {
		if p == "" {
			continue
		}
		if first, _ := utf8.DecodeRuneInString(p); last != -1 && !NoSpaceBetween(last, first) {
			b.WriteByte(' ')
		}
		b.WriteString(p)
		last, _ = utf8.DecodeLastRuneInString(p)
	}
	return b.String()
}

// Weight is how long s takes to say, in units of one CJK character: Latin
// words count by their letters (about three letters to a syllable), digits
// one each, and punctuation adds a short pause. It never returns less than
// one, so every unit gets some time.
func Weight(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("。！？!?…", r):
			w += 0.5
		case strings.ContainsRune("，、；：,;:", r):
			w += 0.25
		case unicode.IsDigit(r):
			w++
		case Wide(r) && (unicode.IsLetter(r) || unicode.Is(unicode.Han, r)):
			w++
		case unicode.IsLetter(r):
			w += 1.0 / 3
		}
	}
	return max(w, 1)
}
