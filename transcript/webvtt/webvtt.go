// Package webvtt reads and writes transcripts as WebVTT, the format Apple
// Podcasts ingests: one cue per caption, a voice span "<v Name>" where the
// speaker changes, non-speech cues as "[音樂]".
//
//	t, err := webvtt.Read("ep1.vtt", f)
//	err = webvtt.Write(w, t) // t must be timed
//
// Read is strict: broken timestamps, cues out of order or overlapping are
// errors naming the line, so a bad file is caught before it is published.
package webvtt

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// Captions is how Write cuts cues: two lines of 40 columns, so Chinese
// lines wrap near 16–20 characters and Latin near 32–40.
var Captions = transcript.CaptionOptions{MaxCols: 40, MaxLines: 2}

// EstimatedNote is the NOTE Write puts at the top when the times are
// estimated; Read recognises it and sets Timing to Estimated.
const EstimatedNote = "Times are estimated: the audio's duration was spread over the text in proportion to its length, not aligned to the voices."

// Write writes t as WebVTT. t must be timed.
func Write(w io.Writer, t *transcript.Transcript) error {
	cs, err := transcript.Captions(t, Captions)
	if err != nil {
		return fmt.Errorf("webvtt: %w", err)
	}
	if err := transcript.CheckCaptions(t, cs); err != nil {
		return fmt.Errorf("webvtt: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("WEBVTT\n\n")
	if t.Timing == transcript.Estimated {
		bw.WriteString("NOTE\n" + EstimatedNote + "\n\n")
	}
	last := ""
	var b []byte // a cue's number and timing line, appended to without fmt
	for i, c := range cs {
		b = strconv.AppendInt(b[:0], int64(i+1), 10)
		b = append(b, '\n')
		b = transcript.AppendTimestamp(b, c.Start)
		b = append(b, " --> "...)
		b = transcript.AppendTimestamp(b, c.End)
		bw.Write(append(b, '\n'))
		for j, l := range c.Lines {
			if j == 0 && c.Kind == transcript.Speech && c.Speaker != "" {
				_, cueLike := transcript.CueText(c.Text())
				if c.Speaker != last || cueLike {
					// Apple shows the speaker from a voice span at each
					// change; a cue-like "[…]" needs one to stay speech.
					bw.WriteString("<v " + escape(transcript.Normalize(c.Speaker)) + ">")
				}
				last = c.Speaker
			}
			bw.WriteString(escape(l))
			bw.WriteByte('\n')
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}

// escape escapes cue text; "-->" can then never appear in a payload.
func escape(s string) string { return escaper.Replace(s) }

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Read reads a WebVTT file. name is used in errors.
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
	if !strings.HasPrefix(lines[0], "WEBVTT") || len(lines[0]) > 6 && lines[0][6] != ' ' && lines[0][6] != '\t' {
		return nil, transcript.Errorf(name, 1, "%w: not WebVTT: the first line must be WEBVTT", transcript.ErrFormat)
	}
	t := &transcript.Transcript{Timing: transcript.Source}
	// Room for a unit for each cue, allocated once: one arrow each, but
	// no more than the shortest cues ("00:00.000 --> 00:00.001\nx\n\n")
	// could fill the file with, however many arrows its text holds.
	t.Units = make([]transcript.Unit, 0, min(strings.Count(s, "-->"), len(s)/24+1))
	t.Title = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(lines[0][6:]), "-–—"))
	i := 1
	// Header lines, up to a blank line; a timing line ends the header too,
	// as browsers read a file that lacks the blank line after WEBVTT.
	for i < len(lines) && strings.TrimSpace(lines[i]) != "" && !strings.Contains(lines[i], "-->") {
		i++
	}
	speaker := ""
	estimated := false
	var prevStart, prevEnd time.Duration = -1, -1
	for i < len(lines) {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		first := lines[i]
		if kw := strings.Fields(first)[0]; (kw == "NOTE" || kw == "STYLE" || kw == "REGION") && !strings.Contains(first, "-->") {
			var b strings.Builder
			for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
				b.WriteString(lines[i] + " ")
			}
			if kw == "NOTE" && strings.Contains(transcript.Normalize(b.String()), EstimatedNote) {
				estimated = true
			}
			continue
		}
		if !strings.Contains(first, "-->") {
			if timestampRE.MatchString(first) {
				// A timing line with a broken arrow, not an identifier.
				return nil, transcript.Errorf(name, i+1, "%w: want a timing line (start --> end), not %q", transcript.ErrTimestamp, first)
			}
			i++ // a cue identifier
			if i >= len(lines) || !strings.Contains(lines[i], "-->") {
				return nil, transcript.Errorf(name, min(i+1, len(lines)), "cue %q has no timing line (start --> end)", first)
			}
		}
		timingLine := i + 1
		start, end, err := parseTiming(lines[i])
		if err != nil {
			return nil, transcript.Errorf(name, timingLine, "%w", err)
		}
		i++
		var payload []string
		for ; i < len(lines) && strings.TrimSpace(lines[i]) != "" && !strings.Contains(lines[i], "-->"); i++ {
			payload = append(payload, lines[i])
		}
		switch {
		case end <= start:
			return nil, transcript.Errorf(name, timingLine, "cue ends at %s, not after it starts at %s: %w", transcript.FormatTimestamp(end), transcript.FormatTimestamp(start), transcript.ErrOrder)
		case start < prevStart:
			return nil, transcript.Errorf(name, timingLine, "cue starts at %s, before the previous cue (%s): %w", transcript.FormatTimestamp(start), transcript.FormatTimestamp(prevStart), transcript.ErrOrder)
		case start < prevEnd:
			return nil, transcript.Errorf(name, timingLine, "cue starts at %s, before the previous cue ends (%s): %w", transcript.FormatTimestamp(start), transcript.FormatTimestamp(prevEnd), transcript.ErrOrder)
		}
		prevStart, prevEnd = start, end
		voice, text := parsePayload(payload)
		if text == "" {
			continue
		}
		u := transcript.Unit{Kind: transcript.Speech, Text: text, Section: -1, Line: timingLine, Start: start, End: end}
		if inner, ok := transcript.CueText(text); ok && voice == "" {
			u.Kind, u.Text = transcript.Cue, inner
		} else {
			if voice != "" {
				speaker = voice
			}
			u.Speaker = speaker
		}
		t.Units = append(t.Units, u)
	}
	if len(t.Units) == 0 {
		return nil, transcript.Errorf(name, len(lines), "%w: no cues with text", transcript.ErrNoSpeech)
	}
	if estimated {
		t.Timing = transcript.Estimated
	} else {
		for i := range t.Units {
			t.Units[i].Anchor, t.Units[i].Confidence = true, 1
		}
	}
	return t, nil
}

// timestampRE matches a line that starts with a timestamp.
var timestampRE = regexp.MustCompile(`^\s*(?:\d+:)?\d{2}:\d{2}\.\d{3}(?:\s|-|$)`)

func parseTiming(l string) (start, end time.Duration, err error) {
	a, b, _ := strings.Cut(l, "-->")
	fields := strings.Fields(b)
	if len(fields) == 0 {
		return 0, 0, fmt.Errorf("%w: timing line has no end time", transcript.ErrTimestamp)
	}
	if start, err = transcript.ParseTimestamp(strings.TrimSpace(a)); err != nil {
		return 0, 0, err
	}
	if end, err = transcript.ParseTimestamp(fields[0]); err != nil {
		return 0, 0, err
	}
	return start, end, nil
}

// parsePayload returns the first voice of a cue and its text with every
// tag removed and character references decoded, lines joined as the writer
// split them.
func parsePayload(lines []string) (voice, text string) {
	var out []string
	for _, l := range lines {
		var b strings.Builder
		for len(l) > 0 {
			lt := strings.IndexByte(l, '<')
			if lt < 0 {
				b.WriteString(l)
				break
			}
			b.WriteString(l[:lt])
			tag := l[lt+1:]
			gt := strings.IndexByte(tag, '>')
			if gt < 0 {
				gt = len(tag)
				l = ""
			} else {
				l = tag[gt+1:]
			}
			tag = tag[:gt]
			if (strings.HasPrefix(tag, "v ") || strings.HasPrefix(tag, "v.") || strings.HasPrefix(tag, "v\t")) && voice == "" {
				if _, ann, ok := strings.Cut(strings.ReplaceAll(tag, "\t", " "), " "); ok {
					voice = transcript.Normalize(html.UnescapeString(ann))
				}
			}
		}
		out = append(out, transcript.Normalize(html.UnescapeString(b.String())))
	}
	return voice, transcript.Normalize(transcript.JoinAll(out))
}
