package transcript

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Sentinel errors; a ParseError wraps one of them (or a more specific error)
// so callers can test with errors.Is.
var (
	ErrEmpty     = errors.New("empty transcript")
	ErrBinary    = errors.New("binary data, not text")
	ErrUTF8      = errors.New("invalid UTF-8")
	ErrNoTitle   = errors.New("no title")
	ErrNoSpeech  = errors.New("no speaker turns")
	ErrTimestamp = errors.New("bad timestamp")
	ErrOrder     = errors.New("cues out of order or overlapping")
	ErrUntimed   = errors.New("transcript is not timed")
	ErrFormat    = errors.New("unknown transcript format")
)

// ParseError is a problem in a source file (a transcript, a chapters
// file), with its position, in the form editors and compilers use:
// "episodes/01-x.md:42: speaker turn has no text".
//
// A Timer, which is not told the file's name, returns one with File empty
// ("line 42: …"); the caller that knows the name fills it in.
type ParseError struct {
	File string // the name the reader was given; empty from a Timer
	Line int    // 1-based; 0 when the problem has no line
	Err  error
}

func (e *ParseError) Error() string {
	if e.File == "" {
		if e.Line > 0 {
			return fmt.Sprintf("line %d: %v", e.Line, e.Err)
		}
		return e.Err.Error()
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// InFile names the file an error is about. A *ParseError in err that
// names no file, as a Timer's "line 49: anchor …", becomes one of name,
// "episodes/x.md:49: anchor …"; a *ParseError that names its file is
// returned as it is; any other error is wrapped as "name: …". A nil err
// stays nil.
func InFile(name string, err error) error {
	if err == nil {
		return nil
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		if pe.File != "" {
			return err
		}
		named := *pe
		named.File = name
		return &named
	}
	return fmt.Errorf("%s: %w", name, err)
}

// Errorf returns a *ParseError for file and line with a formatted message;
// %w in format wraps as with fmt.Errorf.
func Errorf(file string, line int, format string, args ...any) error {
	return &ParseError{File: file, Line: line, Err: fmt.Errorf(format, args...)}
}

// CheckText rejects what no reader can use before a format is even tried:
// an empty (or blank) file, binary data and invalid UTF-8, each reported
// with the line where it starts. A leading UTF-8 byte order mark is allowed.
func CheckText(name string, src []byte) error {
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	if len(bytes.TrimSpace(src)) == 0 {
		return &ParseError{File: name, Line: 1, Err: ErrEmpty}
	}
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n':
				line++
			case c == '\t' || c == '\r' || c == '\f':
			case c < 0x20 || c == 0x7f:
				return &ParseError{File: name, Line: line, Err: fmt.Errorf("%w (control byte 0x%02x)", ErrBinary, c)}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return &ParseError{File: name, Line: line, Err: ErrUTF8}
		}
		i += size
	}
	return nil
}
