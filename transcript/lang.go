package transcript

import "unicode"

// Lang returns t.Language, or a guess from the text when it is empty:
// "zh-TW" when the title or the first units hold Han characters (the
// show's editors write Traditional Chinese), otherwise "en". Writers use it
// for the HTML lang attribute and their labels.
func (t *Transcript) Lang() string {
	if t.Language != "" {
		return t.Language
	}
	texts := []string{t.Title}
	for i, u := range t.Units {
		if i == 20 {
			break
		}
		texts = append(texts, u.Text)
	}
	for _, s := range texts {
		for _, r := range s {
			if unicode.Is(unicode.Han, r) {
				return "zh-TW"
			}
		}
	}
	return "en"
}
