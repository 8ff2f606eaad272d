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
func Width(s string) int {
	// Rune by rune while each rune is its own cluster of known width;
	// runewidth's clustering otherwise.
	n := 0
	for i := 0; i < len(s); {
		var c runeClass
		if b := s[i]; b < utf8.RuneSelf {
			c = asciiClass[b]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			c = classOf(r)
			i += size
		}
		switch {
		case c&classSimple == 0:
			return width.StringWidth(s)
		case c&classOne != 0:
			n++
		default:
			n += 2
		}
	}
	return n
}

// Wide reports whether r takes two columns (CJK ideographs, kana, hangul,
// full-width punctuation).
func Wide(r rune) bool { return classOf(r)&classWide != 0 }

// unspaced reports whether r belongs to a script written without spaces
// between words: a Chinese or Japanese character or full-width punctuation.
// Hangul is wide but spaced: Korean puts spaces between words. Wide symbols
// such as emoji keep the spaces an editor put around them.
func unspaced(r rune) bool { return classOf(r)&classUnspaced != 0 }

// NoSpaceBetween reports whether a and b are written with nothing between
// them: two Chinese or Japanese characters (a line break inside a Chinese
// paragraph is not a space), or full-width punctuation and anything (it
// carries its own space: "你好，Marcus", "用 Go（或 Rust）").
func NoSpaceBetween(a, b rune) bool {
	ca, cb := classOf(a), classOf(b)
	return ca&cb&classUnspaced != 0 || (ca|cb)&classFullPunct != 0
}

// Normalize collapses every run of white space in s to one space, drops it
// altogether where NoSpaceBetween says so and trims the ends. Every reader normalizes
// text this way, and Join undoes a split at any break Captions may choose,
// so text survives a trip through the timed formats unchanged.
func Normalize(s string) string {
	if normalized(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var prev rune = -1 // last rune written
	pendingSpace := false
	for _, r := range s {
		if classOf(r)&classSpace != 0 {
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

// normalized reports whether Normalize(s) is s, without building a copy:
// every text is normalized again by each step that reads it, and is
// mostly normalized already.
func normalized(s string) bool {
	prev := rune(-1)
	space := false // the rune before was a space
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			if r, size = utf8.DecodeRuneInString(s[i:]); r == utf8.RuneError && size == 1 {
				return false // Normalize writes U+FFFD for it
			}
		}
		i += size
		if classOf(r)&classSpace != 0 {
			if r != ' ' || space || prev == -1 {
				return false
			}
			space = true
			continue
		}
		if space && NoSpaceBetween(prev, r) {
			return false
		}
		space, prev = false, r
	}
	return !space
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
		// Most of a text: ASCII and the common CJK ideographs.
		if r < utf8.RuneSelf {
			switch {
			case r == '!' || r == '?':
				w += 0.5
			case r == ',' || r == ';' || r == ':':
				w += 0.25
			case '0' <= r && r <= '9':
				w++
			case 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z':
				w += 1.0 / 3
			}
			continue
		}
		if r >= ideographLo && r <= ideographHi {
			w++ // wide, and a letter of Han
			continue
		}
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
