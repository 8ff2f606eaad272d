package formats

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

// trimmed is src without a byte order mark and leading space.
func trimmed(src []byte) []byte {
	return bytes.TrimLeft(bytes.TrimPrefix(src, []byte("\uFEFF")), " \t\r\n")
}

func sniffVTT(src []byte) bool { return bytes.HasPrefix(trimmed(src), []byte("WEBVTT")) }

var srtTiming = regexp.MustCompile(`^\s*\d{1,3}:\d{2}:\d{2}[,.]\d{3}\s*-->`)

// sniffSRT: a timing line first, or a cue number and then one.
func sniffSRT(src []byte) bool {
	lines := strings.SplitN(string(trimmed(src)), "\n", 3)
	if len(lines) > 0 && srtTiming.MatchString(lines[0]) {
		return true
	}
	return len(lines) > 1 && strings.Trim(lines[0], "0123456789\r ") == "" && strings.Contains(lines[1], "-->")
}

// sniffPIJSON tells Podcast Index JSON from Whisper's: its segments have
// "body" and "startTime". Broken JSON goes to the likelier reader, so that
// the error says where it breaks.
func sniffPIJSON(src []byte) bool {
	s := trimmed(src)
	if !bytes.HasPrefix(s, []byte("{")) {
		return false
	}
	var probe struct {
		Segments []map[string]json.RawMessage `json:"segments"`
	}
	if json.Unmarshal(s, &probe) == nil && len(probe.Segments) > 0 {
		seg := probe.Segments[0]
		_, body := seg["body"]
		_, start := seg["startTime"]
		return body || start
	}
	return bytes.Contains(s, []byte(`"startTime"`)) || bytes.Contains(s, []byte(`"body"`)) || bytes.Contains(s, []byte(`"version"`))
}

// sniffWhisper: any other JSON object (it comes after Podcast Index JSON
// in the table).
func sniffWhisper(src []byte) bool { return bytes.HasPrefix(trimmed(src), []byte("{")) }

// sniffMarkdown: a title or front matter, the editors' format.
func sniffMarkdown(src []byte) bool {
	s := trimmed(src)
	return bytes.HasPrefix(s, []byte("# ")) || bytes.HasPrefix(s, []byte("+++"))
}
