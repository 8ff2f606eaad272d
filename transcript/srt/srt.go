// Package srt reads and writes transcripts as SubRip (.srt) subtitles:
// numbered cues of at most two lines of 32 columns, comma milliseconds,
// and "Name: " before the text where the speaker changes.
//
//	t, err := srt.Read("ep1.srt", f)
//	err = srt.Write(w, t) // t must be timed
//
// Read is strict: broken timestamps, cues out of order or overlapping are
// errors naming the line.
package srt

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// Captions is how Write cuts cues: at most 2 lines of 32 columns, the
// limit the Podcasting 2.0 transcript guidance gives for SRT.
var Captions = transcript.CaptionOptions{MaxCols: 32, MaxLines: 2, Names: true}

// Write writes t as SRT. t must be timed.
func Write(w io.Writer, t *transcript.Transcript) error {
	cs, err := transcript.Captions(t, Captions)
	if err != nil {
		return fmt.Errorf("srt: %w", err)
	}
	if err := transcript.CheckCaptions(t, cs); err != nil {
		return fmt.Errorf("srt: %w", err)
	}
	cs = joinTimingStarts(cs)
	bw := bufio.NewWriterSize(w, 64<<10)
	var b []byte // one cue, appended to without fmt
	for i, c := range cs {
		lines, err := textLines(c.Lines)
		if err != nil {
			return fmt.Errorf("srt: %w", &transcript.ParseError{Line: t.Units[c.Unit].Line, Err: err})
		}
		b = strconv.AppendInt(b[:0], int64(i+1), 10)
		b = append(b, '\n')
		b = transcript.AppendSRT(b, c.Start)
		b = append(b, " --> "...)
		b = transcript.AppendSRT(b, c.End)
		b = append(b, '\n')
		for _, l := range lines {
			b = append(append(b, l...), '\n')
		}
		b = append(b, '\n')
		bw.Write(b)
	}
	return bw.Flush()
}

// joinTimingStarts joins to the caption before it each caption of the
// same unit whose first line Read would take for a timing line (a
// sentence of the text that begins like one, split off by the layout):
// such a line cannot begin a cue's text, and inside a cue textLines
// joins it to the line before it.
func joinTimingStarts(cs []transcript.Caption) []transcript.Caption {
	startsTiming := func(c transcript.Caption) bool { return len(c.Lines) > 0 && isTiming(c.Lines[0]) }
	if !slices.ContainsFunc(cs, startsTiming) {
		return cs
	}
	var out []transcript.Caption
	for _, c := range cs {
		if n := len(out); n > 0 && startsTiming(c) && out[n-1].Unit == c.Unit {
			out[n-1].Lines = append(slices.Clip(out[n-1].Lines), c.Lines...)
			out[n-1].End = c.End
			continue
		}
		out = append(out, c)
	}
	return out
}

// textLines returns a cue's lines with none that Read would take for the
// timing line of a new cue: such a line is joined to the one before it,
// past the width, so that the text reads back as it was. SRT has no way to
// escape one that starts the cue's text.
func textLines(lines []string) ([]string, error) {
	if !slices.ContainsFunc(lines, isTiming) {
		return lines, nil
	}
	var out []string
	for _, l := range lines {
		if isTiming(l) {
			if len(out) == 0 {
				return nil, fmt.Errorf("text %q would read as a timing line", l)
			}
			out[len(out)-1] = transcript.Join(out[len(out)-1], l)
			continue
		}
		out = append(out, l)
	}
	return out, nil
}

// formatting tags players honour in SRT; they are dropped, other text in
// angle brackets is kept as text.
var tagRE = regexp.MustCompile(`(?i)</?(?:i|b|u|s|font)(?:\s[^>]*)?>|\{\\[^}]*\}`)

func stripTags(s string) string {
	if !strings.ContainsAny(s, "<{") {
		return s // no tag can match: most text has none
	}
	for {
		t := tagRE.ReplaceAllString(s, "")
		if t == s {
			return s
		}
		s = t
	}
}

// startsCue reports whether lines[i] starts the next cue although no blank
// line ends the one before: a timing line, or a cue number before one.
// Files joined by hand or written by careless tools lack the blank line,
// and the next cue must not be read as text of this one.
// Only a line that begins with a timestamp and an arrow counts as a timing
// line here: text may say "A --> B".
func startsCue(lines []string, i int) bool {
	if isTiming(lines[i]) {
		return true
	}
	if !isNumber(lines[i]) || i+1 >= len(lines) {
		return false
	}
	return isTiming(lines[i+1])
}

// isNumber reports whether l is a cue number: strconv.Atoi takes it once
// trimmed. Most lines asked about are text, and are told apart by their
// first byte without the error Atoi makes for them.
func isNumber(l string) bool {
	l = strings.TrimSpace(l)
	if l == "" || (l[0] < '0' || l[0] > '9') && l[0] != '+' && l[0] != '-' {
		return false
	}
	_, err := strconv.Atoi(l)
	return err == nil
}

// isTiming reports whether l is a timing line by timingRE, which no line
// without an arrow is: most are text, and looking for the arrow is cheaper.
func isTiming(l string) bool {
	return strings.Contains(l, "-->") && timingRE.MatchString(l)
}

var timingRE = regexp.MustCompile(`^\s*\d{1,3}:\d{2}:\d{2}[,.]\d{3}\s*-->`)

// Read reads an SRT file. name is used in errors.
func Read(name string, r io.Reader) (*transcript.Transcript, error) {
	src, err := transcript.ReadAll(name, r, transcript.TranscriptLimit)
	if err != nil {
		return nil, err
	}
	if err := transcript.CheckText(name, src); err != nil {
		return nil, err
	}
	if err := transcript.CheckLines(name, src); err != nil {
		return nil, err
	}
	s := strings.TrimPrefix(string(src), "\uFEFF")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	t := &transcript.Transcript{Timing: transcript.Source}
	// Room for a unit for each cue, allocated once: one arrow each, but
	// no more than the shortest cues ("00:00.000 --> 00:00.001\nx\n\n")
	// could fill the file with, however many arrows its text holds.
	t.Units = make([]transcript.Unit, 0, min(strings.Count(s, "-->"), len(s)/24+1))
	speaker := ""
	var prevStart, prevEnd time.Duration = -1, -1
	for i := 0; i < len(lines); {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		if !strings.Contains(lines[i], "-->") {
			if _, err := strconv.Atoi(strings.TrimSpace(lines[i])); err != nil {
				return nil, transcript.Errorf(name, i+1, "want a cue number or a timing line (start --> end), not %q", lines[i])
			}
			i++
			if i >= len(lines) || strings.TrimSpace(lines[i]) == "" {
				return nil, transcript.Errorf(name, i, "cue number has no timing line (start --> end) after it")
			}
			if !strings.Contains(lines[i], "-->") {
				// Name the broken line itself, not the number before it.
				return nil, transcript.Errorf(name, i+1, "%w: want a timing line (start --> end) after the cue number, not %q", transcript.ErrTimestamp, lines[i])
			}
		}
		timingLine := i + 1
		a, b, _ := strings.Cut(lines[i], "-->")
		fields := strings.Fields(b)
		if len(fields) == 0 {
			return nil, transcript.Errorf(name, timingLine, "%w: timing line has no end time", transcript.ErrTimestamp)
		}
		start, err := transcript.ParseSRT(strings.TrimSpace(a))
		if err != nil {
			return nil, transcript.Errorf(name, timingLine, "%w", err)
		}
		end, err := transcript.ParseSRT(fields[0])
		if err != nil {
			return nil, transcript.Errorf(name, timingLine, "%w", err)
		}
		switch {
		case end <= start:
			return nil, transcript.Errorf(name, timingLine, "cue ends at %s, not after it starts at %s: %w", transcript.FormatSRT(end), transcript.FormatSRT(start), transcript.ErrOrder)
		case start < prevStart:
			return nil, transcript.Errorf(name, timingLine, "cue starts at %s, before the previous cue (%s): %w", transcript.FormatSRT(start), transcript.FormatSRT(prevStart), transcript.ErrOrder)
		case start < prevEnd:
			return nil, transcript.Errorf(name, timingLine, "cue starts at %s, before the previous cue ends (%s): %w", transcript.FormatSRT(start), transcript.FormatSRT(prevEnd), transcript.ErrOrder)
		}
		prevStart, prevEnd = start, end
		i++
		var text []string
		for ; i < len(lines) && strings.TrimSpace(lines[i]) != "" && !startsCue(lines, i); i++ {
			text = append(text, transcript.Normalize(lines[i]))
		}
		// Tags are stripped from the joined text, so a tag split over two
		// lines cannot survive into the text and reappear on writing.
		body := transcript.Normalize(stripTags(transcript.JoinAll(text)))
		if body == "" {
			continue
		}
		u := transcript.Unit{Kind: transcript.Speech, Section: -1, Line: timingLine, Start: start, End: end,
			Anchor: true, Confidence: 1}
		if n, rest, ok := transcript.SplitSpeaker(body); ok {
			speaker, body = n, rest
			u.Speaker, u.Text = speaker, body
		} else if inner, ok := transcript.CueText(body); ok {
			u.Kind, u.Text = transcript.Cue, inner
		} else {
			u.Speaker, u.Text = speaker, body
		}
		t.Units = append(t.Units, u)
	}
	if len(t.Units) == 0 {
		return nil, transcript.Errorf(name, len(lines), "%w: no cues with text", transcript.ErrNoSpeech)
	}
	return t, nil
}
