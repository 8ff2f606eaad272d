package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The Check functions of the table: what a player notices at once when a
// published transcript is not what its type says. They are lenient on
// purpose (the feed validator runs them on other people's files too); the
// readers are the strict check.

func checkVTT(b []byte) error {
	rest, ok := bytes.CutPrefix(b, []byte("WEBVTT"))
	if !ok || (len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\n' && rest[0] != '\r') {
		return errors.New(`WebVTT transcript does not start with "WEBVTT"`)
	}
	if !bytes.Contains(b, []byte("-->")) {
		return errors.New("WebVTT transcript has no cue")
	}
	return nil
}

func checkSRT(b []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	var lines []string
	for sc.Scan() && len(lines) < 2 {
		if l := strings.TrimSpace(sc.Text()); l != "" || len(lines) > 0 {
			lines = append(lines, l)
		}
	}
	if len(lines) < 2 {
		return errors.New("SRT transcript has no cue")
	}
	if _, err := strconv.Atoi(lines[0]); err != nil || !strings.Contains(lines[1], "-->") {
		return fmt.Errorf("SRT transcript does not start with a cue number and its times (%q)", lines[0])
	}
	return nil
}

func checkPIJSON(b []byte) error {
	var doc struct {
		Segments *[]struct {
			StartTime *float64 `json:"startTime"`
			Body      *string  `json:"body"`
		} `json:"segments"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("not a JSON transcript: %v", err)
	}
	if doc.Segments == nil {
		return errors.New(`JSON transcript has no "segments"`)
	}
	for i, s := range *doc.Segments {
		if s.StartTime == nil || s.Body == nil {
			return fmt.Errorf("JSON transcript segment %d has no startTime or body", i+1)
		}
	}
	return nil
}

func checkHTML(b []byte) error {
	if !bytes.Contains(b, []byte("<")) {
		return errors.New("HTML transcript has no markup")
	}
	return nil
}

func checkText(b []byte) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return errors.New("text transcript is empty")
	}
	return nil
}
