package markdown

import (
	"bytes"

	"github.com/podpipe/podpipe/transcript"
)

// Limits past which a source is refused before goldmark sees it. An
// episode's transcript is a few hundred kilobytes of short paragraphs; past
// these, parsing time grows with the square (or worse) of what is there:
// goldmark takes 6 s on one line of 32,000 "[a](" and minutes on a list
// nested 3,000 deep.
const (
	MaxSize  = 8 << 20  // bytes in a source
	MaxLine  = 64 << 10 // bytes in a line
	MaxDepth = 64       // lists and block quotes nested in each other
	MaxLinks = 256      // "](" in a paragraph: each may start a link goldmark looks for the end of
)

// ErrTooLarge is the error of a source past one of the limits.
var ErrTooLarge = transcript.ErrTooLarge

// checkLimits refuses src past the limits, naming the line where it goes
// past them.
func checkLimits(name string, src []byte) error {
	if len(src) > MaxSize {
		return transcript.Errorf(name, 0, "%w: %d bytes, over the %d MiB a transcript may have", ErrTooLarge, len(src), MaxSize>>20)
	}
	links, paraLine := 0, 1 // in the paragraph that starts at paraLine
	for line := 1; len(src) > 0; line++ {
		l, rest, _ := bytes.Cut(src, []byte("\n"))
		src = rest
		if len(l) > MaxLine {
			return transcript.Errorf(name, line, "%w: a line of %d bytes, over the %d KiB a line may have", ErrTooLarge, len(l), MaxLine>>10)
		}
		if len(bytes.TrimSpace(l)) == 0 {
			links, paraLine = 0, line+1
			continue
		}
		if d := depth(l); d > MaxDepth {
			return transcript.Errorf(name, line, "%w: lists, quotes or indentation nested %d deep, over the %d a transcript may have", ErrTooLarge, d, MaxDepth)
		}
		if links += bytes.Count(l, []byte("](")); links > MaxLinks {
			return transcript.Errorf(name, line, "%w: over %d links in the paragraph of line %d", ErrTooLarge, MaxLinks, paraLine)
		}
	}
	return nil
}

// depth estimates how deep the blocks of line l are nested: one for each
// block quote or list marker it starts with, and one for every two columns
// of indentation among them (a nested list item is indented past its
// parent's marker).
func depth(l []byte) int {
	d, cols := 0, 0
	for i := 0; i < len(l); {
		switch c := l[i]; {
		case c == ' ':
			cols++
			i++
		case c == '\t':
			cols += 4 - cols%4
			i++
		case c == '>':
			d++
			i++
		case (c == '-' || c == '+' || c == '*') && i+1 < len(l) && (l[i+1] == ' ' || l[i+1] == '\t'):
			d++
			i += 2 // the marker and the space it needs
		case c >= '0' && c <= '9':
			j := i
			for j < len(l) && j-i < 9 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j+1 >= len(l) || l[j] != '.' && l[j] != ')' || l[j+1] != ' ' && l[j+1] != '\t' {
				return d + cols/2
			}
			d++
			i = j + 2
		default:
			return d + cols/2
		}
	}
	return d + cols/2
}
