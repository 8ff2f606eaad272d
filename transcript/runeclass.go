package transcript

import (
	"unicode"
	"unicode/utf8"
)

// The classes of a rune that layout asks about for every rune of a text:
// looked up in one step for ASCII, the common CJK ideographs and the CJK
// and full-width punctuation that make up nearly all of a transcript,
// computed from runewidth and the unicode tables for any other rune.
// TestRuneClass checks every rune of the tables against the computation.
type runeClass uint8

const (
	classWide      runeClass = 1 << iota // two columns
	classUnspaced                        // unspaced(r)
	classFullPunct                       // wide punctuation: Wide(r) && unicode.IsPunct(r)
	classSpace                           // unicode.IsSpace(r)
	// classSimple: the rune is one grapheme cluster wherever it stands
	// (it joins no cluster before or after it) and width.RuneWidth gives
	// its columns, so Width adds it up rune by rune. classOne: one column
	// (else two).
	classSimple
	classOne
)

const (
	ideographLo, ideographHi = 0x4E00, 0x9FFF // the common CJK ideographs
	ideographClass           = classWide | classUnspaced | classSimple
)

// The ranges of table: general punctuation (dashes, quotes, "…"), CJK
// symbols and punctuation (without the combining tone marks U+302A–302F),
// full-width forms up to U+FF60 (before the half-width katakana, whose
// sound marks join the kana before them).
var classRanges = [...][2]rune{{0x2010, 0x2027}, {0x3000, 0x3029}, {0x3030, 0x303F}, {0xFF01, 0xFF60}}

var (
	asciiClass [utf8.RuneSelf]runeClass
	tableClass [len(classRanges)][]runeClass // tableClass[k][r-classRanges[k][0]]
)

func init() {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		asciiClass[r] = computeClass(r)
		if r >= 0x20 && r != 0x7F {
			asciiClass[r] |= classSimple | classOne
		}
	}
	for k, rg := range classRanges {
		tableClass[k] = make([]runeClass, rg[1]-rg[0]+1)
		for r := rg[0]; r <= rg[1]; r++ {
			c := computeClass(r)
			switch width.RuneWidth(r) {
			case 1:
				c |= classSimple | classOne
			case 2:
				c |= classSimple
			}
			tableClass[k][r-rg[0]] = c
		}
	}
}

// classOf returns the class of r.
func classOf(r rune) runeClass {
	switch {
	case r < utf8.RuneSelf && r >= 0:
		return asciiClass[r]
	case r >= ideographLo && r <= ideographHi:
		return ideographClass
	}
	for k, rg := range classRanges {
		if r >= rg[0] && r <= rg[1] {
			return tableClass[k][r-rg[0]]
		}
	}
	return computeClass(r)
}

// computeClass works out r's class but for classSimple and classOne.
func computeClass(r rune) runeClass {
	var c runeClass
	wide := width.RuneWidth(r) == 2
	if wide {
		c |= classWide
		if !unicode.Is(unicode.Hangul, r) && !unicode.Is(unicode.So, r) {
			c |= classUnspaced
		}
		if unicode.IsPunct(r) {
			c |= classFullPunct
		}
	}
	if unicode.IsSpace(r) {
		c |= classSpace
	}
	return c
}
