package transcript

import (
	"math/rand"
	"strings"
	"testing"
	"unicode"
)

// The looked-up classes must be what computing them gives, and Width what
// runewidth measures, for every rune, whatever stands around it.
func TestRuneClass(t *testing.T) {
	const computed = classWide | classUnspaced | classFullPunct | classSpace
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0x10000 && r%7 != 0 { // every rune of the BMP, a sample beyond
			continue
		}
		if got, want := classOf(r)&computed, computeClass(r); got != want {
			t.Fatalf("classOf(%U) = %b, want %b", r, got, want)
		}
	}
	var simple []rune
	for r := rune(0); r <= 0xFFFF; r++ {
		c := classOf(r)
		if c&classSimple == 0 {
			continue
		}
		simple = append(simple, r)
		if c&classWide != 0 && c&classOne != 0 || c&classWide == 0 && c&classOne == 0 {
			t.Fatalf("%U: wide and one column disagree: %b", r, c)
		}
		for _, s := range []string{string(r), "a" + string(r) + "b", string(r) + string(r), string(r) + "\u0301", "\u200d" + string(r), string(r) + "\u200d", "e\u0301" + string(r)} {
			if got, want := Width(s), width.StringWidth(s); got != want {
				t.Fatalf("Width(%+q) = %d, runewidth says %d", s, got, want)
			}
		}
	}
	// Strings mixing the looked-up runes with ones that join clusters.
	other := []rune{'\r', '\n', '\t', 0, 0x301, 0x200d, 0xfe0f, 0x1f44d, 0x1f1f9, 0x1f1fc, 0xac00, 0x1100, 0x1161, 0x302a, 0xff9e, 0xfffd}
	rnd := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for range rnd.Intn(8) {
			if rnd.Intn(3) == 0 {
				b.WriteRune(other[rnd.Intn(len(other))])
			} else {
				b.WriteRune(simple[rnd.Intn(len(simple))])
			}
		}
		if rnd.Intn(10) == 0 {
			b.WriteByte(0xff) // not UTF-8
		}
		s := b.String()
		if got, want := Width(s), width.StringWidth(s); got != want {
			t.Fatalf("Width(%+q) = %d, runewidth says %d", s, got, want)
		}
	}
}

// weightOf is Weight as it was before its fast paths, rune by rune.
func weightOf(r rune) float64 {
	switch {
	case strings.ContainsRune("。！？!?…", r):
		return 0.5
	case strings.ContainsRune("，、；：,;:", r):
		return 0.25
	case unicode.IsDigit(r):
		return 1
	case width.RuneWidth(r) == 2 && (unicode.IsLetter(r) || unicode.Is(unicode.Han, r)):
		return 1
	case unicode.IsLetter(r):
		return 1.0 / 3
	}
	return 0
}

func TestWeightRunes(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		// Three of a rune weigh three times one, unless that is under
		// Weight's floor of one.
		if got, want := Weight(strings.Repeat(string(r), 3)), max(3*weightOf(r), 1); got != want {
			t.Fatalf("Weight(3 × %U) = %v, want %v", r, got, want)
		}
	}
}

func TestNormalizedShortcut(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a b", "a  b", " a", "a ", "a\tb", "你 好", "你好", "a\u3000b", "a\u00a0b", "\xff", "x\xffy", "你，Marcus", "用 Go（或 Rust）", "한 국", "👍 a"} {
		// Normalize must give what building the copy gives.
		var b strings.Builder
		var prev rune = -1
		pending := false
		for _, r := range s {
			if unicode.IsSpace(r) {
				pending = prev != -1
				continue
			}
			if pending && !NoSpaceBetween(prev, r) {
				b.WriteByte(' ')
			}
			pending = false
			b.WriteRune(r)
			prev = r
		}
		if got := Normalize(s); got != b.String() {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, b.String())
		}
	}
}
