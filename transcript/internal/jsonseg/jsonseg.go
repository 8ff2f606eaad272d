// Package jsonseg walks the JSON transcript formats (Podcast Index JSON,
// Whisper JSON): an object with an array of segments, each decoded on its
// own so that an error can name the line of the segment it is in.
package jsonseg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/podpipe/podpipe/internal/plainerr"
	"github.com/podpipe/podpipe/transcript"
)

// Walk decodes the top-level object of src: the array under key is handed
// to fn element by element with the line the element starts on; every other
// member is stored in top.
func Walk(name string, src []byte, key string, top map[string]json.RawMessage, fn func(raw json.RawMessage, line int) error) error {
	dec := json.NewDecoder(bytes.NewReader(src))
	fail := func(err error) error {
		line := LineAt(src, dec.InputOffset())
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line = LineAt(src, se.Offset)
		case errors.As(err, &te):
			line = LineAt(src, te.Offset)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			err = errors.New("JSON ends too soon")
		}
		return transcript.Errorf(name, line, "%s", plainerr.JSON(err))
	}
	tok, err := dec.Token()
	if err != nil {
		return fail(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return transcript.Errorf(name, 1, "%w: want a JSON object", transcript.ErrFormat)
	}
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		k, _ := tok.(string)
		if k != key {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fail(err)
			}
			top[k] = raw
			continue
		}
		found = true
		if tok, err = dec.Token(); err != nil {
			return fail(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return transcript.Errorf(name, LineAt(src, dec.InputOffset()), "%q is not an array", key)
		}
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fail(err)
			}
			// InputOffset is past the element; find where it began.
			end := dec.InputOffset()
			start := bytes.LastIndex(src[:end], bytes.TrimSpace(raw))
			if err := fn(raw, LineAt(src, int64(max(start, 0)))); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return fail(err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return fail(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return transcript.Errorf(name, LineAt(src, dec.InputOffset()), "data after the JSON object")
	}
	if !found {
		return transcript.Errorf(name, 1, "%w: no %q array", transcript.ErrFormat, key)
	}
	return nil
}

// LineAt returns the 1-based line of a byte offset.
func LineAt(src []byte, off int64) int {
	off = min(max(off, 0), int64(len(src)))
	return bytes.Count(src[:off], []byte("\n")) + 1
}

// Order checks a segment against the one before it, the way the subtitle
// readers check cues.
func Order(start, end, prevStart, prevEnd time.Duration) error {
	switch {
	case end <= start:
		return fmt.Errorf("segment ends at %.3f, not after it starts at %.3f: %w", end.Seconds(), start.Seconds(), transcript.ErrOrder)
	case start < prevStart:
		return fmt.Errorf("segment starts at %.3f, before the previous segment (%.3f): %w", start.Seconds(), prevStart.Seconds(), transcript.ErrOrder)
	case start < prevEnd:
		return fmt.Errorf("segment starts at %.3f, before the previous segment ends (%.3f): %w", start.Seconds(), prevEnd.Seconds(), transcript.ErrOrder)
	}
	return nil
}

// MaxDepth is how deeply arrays and objects may nest in a JSON transcript:
// the formats need five levels (the words of a segment of the segments of
// the top object); past it, a file is not a transcript.
const MaxDepth = 64

// CheckDepth refuses src when its arrays and objects nest deeper than
// MaxDepth, naming the line where they do, in one pass before any decoding.
func CheckDepth(name string, src []byte) error {
	depth, line := 0, 1
	inString, escaped := false, false
	for _, c := range src {
		switch {
		case c == '\n':
			line++
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			if depth++; depth > MaxDepth {
				return transcript.Errorf(name, line, "%w: arrays and objects nested over %d deep", transcript.ErrTooLarge, MaxDepth)
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return nil
}
