// Package pijson reads and writes transcripts as Podcast Index JSON, the
// format players use to highlight the text as the audio plays:
//
//	{"version": "1.0.0", "segments": [
//	  {"speaker": "Host", "startTime": 0.5, "endTime": 3.25, "body": "歡迎收聽"}]}
//
// Segments are the same captions as the WebVTT writer's. When the times are
// estimated the document says so in a "timing": "estimated" member, which
// players ignore and Read understands.
//
//	err := pijson.Write(w, t)
//	t, err := pijson.Read("ep1.json", f)
package pijson

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/podpipe/podpipe/internal/plainerr"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/internal/jsonseg"
)

// Version is the format version Write writes.
const Version = "1.0.0"

// Captions is how Write cuts segments: as the WebVTT writer does.
var Captions = transcript.CaptionOptions{MaxCols: 40, MaxLines: 2}

type document struct {
	Version  string    `json:"version"`
	Timing   string    `json:"timing,omitempty"`
	Segments []segment `json:"segments"`
}

type segment struct {
	Speaker   string  `json:"speaker,omitempty"`
	StartTime float64 `json:"startTime"`
	EndTime   float64 `json:"endTime"`
	Body      string  `json:"body"`
}

// Write writes t as Podcast Index JSON. t must be timed.
func Write(w io.Writer, t *transcript.Transcript) error {
	cs, err := transcript.Captions(t, Captions)
	if err != nil {
		return fmt.Errorf("pijson: %w", err)
	}
	if err := transcript.CheckCaptions(t, cs); err != nil {
		return fmt.Errorf("pijson: %w", err)
	}
	doc := document{Version: Version, Segments: []segment{}}
	if t.Timing == transcript.Estimated {
		doc.Timing = "estimated"
	}
	for _, c := range cs {
		doc.Segments = append(doc.Segments, segment{
			Speaker: c.Speaker, StartTime: transcript.ToSeconds(c.Start), EndTime: transcript.ToSeconds(c.End), Body: c.Text(),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("pijson: %w", err)
	}
	return nil
}

// Read reads a Podcast Index JSON transcript. name is used in errors.
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
			Speaker   string   `json:"speaker"`
			StartTime *float64 `json:"startTime"`
			EndTime   *float64 `json:"endTime"`
			Body      *string  `json:"body"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			return transcript.Errorf(name, line, "segment: %s", plainerr.JSON(err))
		}
		if s.StartTime == nil || s.EndTime == nil || s.Body == nil {
			return transcript.Errorf(name, line, "segment needs startTime, endTime and body")
		}
		start, err := transcript.FromSeconds(*s.StartTime)
		if err != nil {
			return transcript.Errorf(name, line, "startTime: %w", err)
		}
		end, err := transcript.FromSeconds(*s.EndTime)
		if err != nil {
			return transcript.Errorf(name, line, "endTime: %w", err)
		}
		if err := jsonseg.Order(start, end, prevStart, prevEnd); err != nil {
			return transcript.Errorf(name, line, "%w", err)
		}
		prevStart, prevEnd = start, end
		body, speaker := transcript.Normalize(*s.Body), transcript.Normalize(s.Speaker)
		if body == "" {
			return nil
		}
		u := transcript.Unit{Kind: transcript.Speech, Speaker: speaker, Text: body, Section: -1, Line: line, Start: start, End: end}
		if inner, ok := transcript.CueText(body); ok && speaker == "" {
			u.Kind, u.Text = transcript.Cue, inner
		}
		t.Units = append(t.Units, u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var version string
	if err := json.Unmarshal(top["version"], &version); err != nil || version == "" {
		return nil, transcript.Errorf(name, 1, "%w: no \"version\" string", transcript.ErrFormat)
	}
	if len(t.Units) == 0 {
		return nil, transcript.Errorf(name, 1, "%w: no segments with text", transcript.ErrNoSpeech)
	}
	var timing string
	_ = json.Unmarshal(top["timing"], &timing)
	if timing == "estimated" {
		t.Timing = transcript.Estimated
	} else {
		for i := range t.Units {
			t.Units[i].Anchor, t.Units[i].Confidence = true, 1
		}
	}
	return t, nil
}
