// Package detect reads a transcript in whichever format it is in, telling
// the formats apart by their content (the name's extension only breaks a
// tie): WebVTT, SRT, Podcast Index JSON, Whisper JSON or the editors'
// Markdown.
//
//	t, err := detect.Read("incoming/ep1.txt", f)
package detect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
	"github.com/podpipe/podpipe/transcript/pijson"
	"github.com/podpipe/podpipe/transcript/srt"
	"github.com/podpipe/podpipe/transcript/webvtt"
	"github.com/podpipe/podpipe/transcript/whisper"
)

// The formats Sniff tells apart.
const (
	Markdown = "markdown"
	WebVTT   = "vtt"
	SRT      = "srt"
	PIJSON   = "json"
	Whisper  = "whisper"
)

// MaxSize is the largest transcript Read accepts; a transcript of a
// three-hour episode is well under a megabyte.
const MaxSize = 32 << 20

var srtTiming = regexp.MustCompile(`^\s*\d{1,3}:\d{2}:\d{2}[,.]\d{3}\s*-->`)

// Sniff names the format of src.
func Sniff(name string, src []byte) string {
	s := bytes.TrimLeft(bytes.TrimPrefix(src, []byte("\uFEFF")), " \t\r\n")
	ext := strings.ToLower(path.Ext(name))
	switch {
	case bytes.HasPrefix(s, []byte("WEBVTT")):
		return WebVTT
	case bytes.HasPrefix(s, []byte("{")):
		var probe struct {
			Segments []map[string]json.RawMessage `json:"segments"`
		}
		if json.Unmarshal(s, &probe) == nil && len(probe.Segments) > 0 {
			seg := probe.Segments[0]
			if _, ok := seg["body"]; ok {
				return PIJSON
			}
			if _, ok := seg["startTime"]; ok {
				return PIJSON
			}
			return Whisper
		}
		// Broken JSON: let the likelier reader say where it breaks.
		if bytes.Contains(s, []byte(`"startTime"`)) || bytes.Contains(s, []byte(`"body"`)) || bytes.Contains(s, []byte(`"version"`)) {
			return PIJSON
		}
		return Whisper
	}
	lines := strings.SplitN(string(s), "\n", 3)
	if len(lines) > 0 && srtTiming.MatchString(lines[0]) {
		return SRT
	}
	if len(lines) > 1 && strings.Trim(lines[0], "0123456789\r ") == "" && strings.Contains(lines[1], "-->") {
		return SRT
	}
	if bytes.HasPrefix(s, []byte("# ")) || bytes.HasPrefix(s, []byte("+++")) {
		return Markdown // a title or front matter: the editors' format
	}
	switch ext {
	case ".vtt":
		return WebVTT
	case ".srt":
		return SRT
	case ".json":
		return PIJSON
	}
	return Markdown
}

// Read reads a transcript of any supported format from r. name is used in
// errors and to break a tie.
func Read(name string, r io.Reader) (*transcript.Transcript, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("detect: read %s: %w", name, err)
	}
	if len(src) > MaxSize {
		return nil, transcript.Errorf(name, 0, "larger than %d MiB: not a transcript", MaxSize>>20)
	}
	if err := transcript.CheckText(name, src); err != nil {
		return nil, err
	}
	switch Sniff(name, src) {
	case WebVTT:
		return webvtt.Read(name, bytes.NewReader(src))
	case SRT:
		return srt.Read(name, bytes.NewReader(src))
	case PIJSON:
		return pijson.Read(name, bytes.NewReader(src))
	case Whisper:
		return whisper.Read(name, bytes.NewReader(src))
	}
	return markdown.Parse(name, src)
}
