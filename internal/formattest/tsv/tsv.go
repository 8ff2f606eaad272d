// Package tsv is a transcript format that exists to prove the formats
// table: tab-separated values, one unit a line, "start<TAB>end<TAB>speaker<TAB>text"
// with times in seconds, served as text/tab-separated-values. Nothing in
// podpipe imports it; a test adds it with its one row,
//
//	formats.Register(tsv.Format)
//
// and then finds it in transcript convert, the pipeline, the store and the
// feed without touching any of them.
package tsv

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/formats"
)

// Format is the row that adds TSV to the formats table.
var Format = formats.Format{
	Name: "tsv", Exts: []string{".tsv"}, MediaType: "text/tab-separated-values", Charset: true, Times: formats.Timed,
	Read: Read, Write: Write, Check: Check,
}

// estimated is the first line when the times are estimated.
const estimated = "times\testimated"

// Write writes t, which must be timed, one unit a line; a cue's text is
// written in brackets with no speaker.
func Write(w io.Writer, t *transcript.Transcript, _ formats.Options) error {
	if t.Timing == transcript.Untimed {
		return fmt.Errorf("tsv: %w", transcript.ErrUntimed)
	}
	bw := bufio.NewWriter(w)
	if t.Timing == transcript.Estimated {
		bw.WriteString(estimated + "\n")
	}
	flat := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")
	for _, u := range t.Units {
		if err := transcript.CheckTime(u.End); err != nil {
			return fmt.Errorf("tsv: %w", &transcript.ParseError{Line: u.Line, Err: err})
		}
		speaker, text := u.Speaker, u.Text
		if u.Kind == transcript.Cue {
			speaker, text = "", "["+text+"]"
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\n", transcript.FormatSeconds(u.Start), transcript.FormatSeconds(u.End), flat.Replace(speaker), flat.Replace(text))
	}
	return bw.Flush()
}

// Read reads what Write writes. name is used in errors.
func Read(name string, r io.Reader) (*transcript.Transcript, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("tsv: read %s: %w", name, err)
	}
	if err := transcript.CheckText(name, src); err != nil {
		return nil, err
	}
	t := &transcript.Transcript{Timing: transcript.Source}
	for i, l := range strings.Split(strings.TrimSuffix(string(src), "\n"), "\n") {
		if i == 0 && l == estimated {
			t.Timing = transcript.Estimated
			continue
		}
		u, err := unit(l)
		if err != nil {
			return nil, transcript.Errorf(name, i+1, "%w", err)
		}
		if n := len(t.Units); n > 0 && u.Start < t.Units[n-1].End {
			return nil, transcript.Errorf(name, i+1, "unit starts before the previous one ends: %w", transcript.ErrOrder)
		}
		u.Line, u.Section = i+1, -1
		if t.Timing == transcript.Source {
			u.Anchor, u.Confidence = true, 1
		}
		t.Units = append(t.Units, u)
	}
	if len(t.Units) == 0 {
		return nil, transcript.Errorf(name, 1, "%w", transcript.ErrNoSpeech)
	}
	return t, nil
}

func unit(l string) (transcript.Unit, error) {
	f := strings.SplitN(l, "\t", 4)
	if len(f) != 4 || f[3] == "" {
		return transcript.Unit{}, errors.New("want start<TAB>end<TAB>speaker<TAB>text")
	}
	var u transcript.Unit
	for i, at := range []*time.Duration{&u.Start, &u.End} {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return u, fmt.Errorf("%w %q", transcript.ErrTimestamp, f[i])
		}
		if *at, err = transcript.FromSeconds(v); err != nil {
			return u, err
		}
	}
	if u.End <= u.Start {
		return u, fmt.Errorf("unit ends before it starts: %w", transcript.ErrOrder)
	}
	u.Speaker, u.Text = f[2], f[3]
	if inner, ok := transcript.CueText(u.Text); ok && u.Speaker == "" {
		u.Kind, u.Text = transcript.Cue, inner
	}
	return u, nil
}

// Check is the quick look the feed validator takes: the first line is a
// unit or the estimated note.
func Check(b []byte) error {
	first, _, _ := strings.Cut(string(b), "\n")
	if first == estimated {
		return nil
	}
	if _, err := unit(first); err != nil {
		return fmt.Errorf("TSV transcript: first line: %v", err)
	}
	return nil
}
