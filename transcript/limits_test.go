package transcript_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/transcript"
)

// CheckLines counts lines as the readers split them: at "\n", "\r\n" or a
// lone "\r".
func TestCheckLines(t *testing.T) {
	long := strings.Repeat("x", transcript.MaxLine+1)
	fits := strings.Repeat("x", transcript.MaxLine)
	for _, tc := range []struct {
		src  string
		line int // 0: accepted
	}{
		{fits, 0},
		{fits + "\r\n" + fits + "\r" + fits + "\n", 0},
		{long, 1},
		{"a\n" + long, 2},
		{"a\r\nb\r\n" + long + "\r\n", 3},
		{"a\rb\r\r" + long, 4},
		{"a\n\n" + fits + "\r\n" + long + "\n", 4},
	} {
		err := transcript.CheckLines("f", []byte(tc.src))
		var pe *transcript.ParseError
		switch {
		case tc.line == 0 && err != nil:
			t.Errorf("%.20q: %v", tc.src, err)
		case tc.line > 0 && (!errors.As(err, &pe) || pe.Line != tc.line || !errors.Is(err, transcript.ErrTooLarge)):
			t.Errorf("%.20q: err = %v, want too large at line %d", tc.src, err, tc.line)
		}
	}
}

func TestLimitString(t *testing.T) {
	for l, want := range map[transcript.Limit]string{
		{Size: 32 << 20}: "32 MiB",
		{Size: 64 << 10}: "64 KiB",
		{Size: 1000}:     "1000 bytes",
		{Size: 3 << 19}:  "1536 KiB",
	} {
		if got := l.String(); got != want {
			t.Errorf("%d bytes: %q, want %q", l.Size, got, want)
		}
	}
}
