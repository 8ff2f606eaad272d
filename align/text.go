package align

import (
	"strings"
	"unicode"

	"github.com/podpipe/podpipe/transcript"
)

// syllables estimates how many syllables it takes to say s: one per Han
// character, kana or Hangul block, one per vowel group of a Latin word, one
// per digit. Speaking time is close to proportional to it in every language
// the show uses, far closer than to the count of bytes or characters.
func syllables(s string) float64 {
	n := 0.0
	inWord, vowel := false, false
	wordSyl := 0
	endWord := func() {
		if inWord {
			n += float64(max(wordSyl, 1))
		}
		inWord, vowel, wordSyl = false, false, 0
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
			unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r):
			endWord()
			n++
		case unicode.IsDigit(r):
			endWord()
			n++
		case unicode.IsLetter(r):
			inWord = true
			isV := strings.ContainsRune("aeiouyAEIOUYàáâäèéêëìíîïòóôöùúûüāēīōū", r)
			if isV && !vowel {
				wordSyl++
			}
			vowel = isV
		case r == '\'' || r == '’':
			// inside a word: don't, it's
		default:
			endWord()
		}
	}
	endWord()
	return n
}

// sentence is a piece of a unit's text and where it sits in it.
type sentence struct {
	text string
	syl  float64
}

// splitSentences cuts a turn into sentences at 。！？!? and at a full stop
// followed by a space or the end (so 3.5 and e.g. stay whole), keeping
// closing quotes with their sentence. Pieces too short to be heard on their
// own (under 4 syllables) join their neighbour.
func splitSentences(s string) []sentence {
	var parts []string
	rs := []rune(s)
	start := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		end := false
		switch r {
		case '。', '！', '？', '!', '?', '…':
			end = true
		case '.':
			end = i+1 == len(rs) || unicode.IsSpace(rs[i+1])
		}
		if !end {
			continue
		}
		for i+1 < len(rs) && strings.ContainsRune("。！？!?.…」』”’\")）", rs[i+1]) {
			i++
		}
		if p := strings.TrimSpace(string(rs[start : i+1])); p != "" {
			parts = append(parts, p)
		}
		start = i + 1
	}
	if p := strings.TrimSpace(string(rs[start:])); p != "" {
		parts = append(parts, p)
	}
	var out []sentence
	for _, p := range parts {
		syl := syllables(p)
		if len(out) > 0 && (syl < 4 || out[len(out)-1].syl < 4) {
			last := &out[len(out)-1]
			last.text = transcript.Join(last.text, p)
			last.syl += syl
			continue
		}
		out = append(out, sentence{p, syl})
	}
	return out
}
