// Package whisper reads the JSON that OpenAI's Whisper (and WhisperX, with
// speakers) writes, and writes the same shape:
//
//	{"text": "…", "language": "zh", "segments": [
//	  {"id": 0, "start": 0.0, "end": 3.2, "text": " 歡迎收聽", "speaker": "SPEAKER_00"}]}
//
//	t, err := whisper.Read("ep1.json", f)
//
// Segments must be in order and must not overlap; the error names the line.
package whisper

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/podpipe/podpipe/internal/plainerr"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/internal/jsonseg"
)

type segment struct {
	ID      int     `json:"id"`
	Start   float64 `json:"start"`
	End     float64 `json:"end"`
	Text    string  `json:"text"`
	Speaker string  `json:"speaker,omitempty"`
}

type document struct {
	Text     string    `json:"text"`
	Language string    `json:"language,omitempty"`
	Segments []segment `json:"segments"`
}

// Captions is how Write cuts segments: as the WebVTT writer does.
var Captions = transcript.CaptionOptions{MaxCols: 40, MaxLines: 2}

// Write writes t in Whisper's JSON shape. t must be timed.
func Write(w io.Writer, t *transcript.Transcript) error {
	cs, err := transcript.Captions(t, Captions)
	if err != nil {
		return fmt.Errorf("whisper: %w", err)
	}
	if err := transcript.CheckCaptions(t, cs); err != nil {
		return fmt.Errorf("whisper: %w", err)
	}
	doc := document{Language: t.Language, Segments: []segment{}}
	var all []string
	for i, c := range cs {
		doc.Segments = append(doc.Segments, segment{ID: i, Start: transcript.ToSeconds(c.Start), End: transcript.ToSeconds(c.End), Text: c.Text(), Speaker: c.Speaker})
		all = append(all, c.Text())
	}
	doc.Text = transcript.JoinAll(all)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("whisper: %w", err)
	}
	return nil
}

// maxOverlap is how far a Whisper segment may start before the previous
// one ends, or end before it starts, and still be read as Whisper's
// rounding rather than a broken file.
const maxOverlap = 500 * time.Millisecond

// Read reads Whisper JSON. name is used in errors.
func Read(name string, r io.Reader) (*transcript.Transcript, error) {
	src, err := transcript.ReadAll(name, r, transcript.TranscriptLimit)
	if err != nil {
		return nil, err
	}
	if err := transcript.CheckText(name, src); err != nil {
		return nil, err
	}
	if err := jsonseg.CheckDepth(name, src); err != nil {
		return nil, err
	}
	t := &transcript.Transcript{Timing: transcript.Source}
	top := map[string]json.RawMessage{}
	var prevStart, prevEnd time.Duration = -1, -1
	err = jsonseg.Walk(name, src, "segments", top, func(raw json.RawMessage, line int) error {
		var s struct {
			Start   *float64 `json:"start"`
			End     *float64 `json:"end"`
			Text    *string  `json:"text"`
			Speaker string   `json:"speaker"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			return transcript.Errorf(name, line, "segment: %s", plainerr.JSON(err))
		}
		if s.Start == nil || s.End == nil || s.Text == nil {
			return transcript.Errorf(name, line, "segment needs start, end and text")
		}
		start, err := transcript.FromSeconds(*s.Start)
		if err != nil {
			return transcript.Errorf(name, line, "start: %w", err)
		}
		end, err := transcript.FromSeconds(*s.End)
		if err != nil {
			return transcript.Errorf(name, line, "end: %w", err)
		}
		text, speaker := transcript.Normalize(*s.Text), transcript.Normalize(s.Speaker)
		// Whisper's own output has quirks a transcription service passes on:
		// a segment that starts a little before the previous one ends, and
		// segments of no length. Clamp the first; fold the second into the
		// segment before it. Anything larger is a broken file.
		if start < prevEnd && start >= prevStart && prevEnd-start <= maxOverlap {
			start = prevEnd
		}
		if end <= start && end >= start-maxOverlap && len(t.Units) > 0 && start >= prevStart {
			if text != "" {
				last := &t.Units[len(t.Units)-1]
				last.Text = transcript.Join(last.Text, text)
			}
			return nil
		}
		if err := jsonseg.Order(start, end, prevStart, prevEnd); err != nil {
			return transcript.Errorf(name, line, "%w", err)
		}
		prevStart, prevEnd = start, end
		if text == "" {
			return nil
		}
		u := transcript.Unit{Kind: transcript.Speech, Speaker: speaker, Text: text, Section: -1, Line: line,
			Start: start, End: end, Anchor: true, Confidence: 1}
		if inner, ok := transcript.CueText(text); ok && speaker == "" {
			u.Kind, u.Text = transcript.Cue, inner
		}
		t.Units = append(t.Units, u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(t.Units) == 0 {
		return nil, transcript.Errorf(name, 1, "%w: no segments with text", transcript.ErrNoSpeech)
	}
	var lang string
	if json.Unmarshal(top["language"], &lang) == nil && len(lang) >= 2 && len(lang) <= 8 && !strings.ContainsAny(lang, " ") {
		t.Language = lang
	}
	return t, nil
}
