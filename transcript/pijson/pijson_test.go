package pijson_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/internal/ttest"
	"github.com/podpipe/podpipe/transcript/pijson"
)

func TestRead(t *testing.T) {
	src := `{"version": "1.0.0", "segments": [
  {"speaker": "Host", "startTime": 0, "endTime": 1.5, "body": "Hello  there."},
  {"startTime": 1.5, "endTime": 3, "body": "[音樂]"},
  {"speaker": "來賓", "startTime": 3.25, "endTime": 4.125, "body": "大家好"}
]}`
	got, err := pijson.Read("x.json", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []transcript.Unit{
		{Kind: transcript.Speech, Speaker: "Host", Text: "Hello there.", End: 1500 * time.Millisecond, Line: 2},
		{Kind: transcript.Cue, Text: "音樂", Start: 1500 * time.Millisecond, End: 3 * time.Second, Line: 3},
		{Kind: transcript.Speech, Speaker: "來賓", Text: "大家好", Start: 3250 * time.Millisecond, End: 4125 * time.Millisecond, Line: 4},
	}
	if len(got.Units) != len(want) {
		t.Fatalf("got %+v", got.Units)
	}
	for i, w := range want {
		g := got.Units[i]
		if g.Kind != w.Kind || g.Speaker != w.Speaker || g.Text != w.Text || g.Start != w.Start || g.End != w.End || g.Line != w.Line {
			t.Errorf("unit %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"empty", " ", "x.json:1: empty transcript"},
		{"not object", "[1]", "x.json:1: unknown transcript format: want a JSON object"},
		{"syntax", "{\"version\": \"1.0.0\",\n \"segments\": [\n {\"startTime\": 0,, }]}", "x.json:3: invalid character ',' looking for beginning of object key string"},
		{"truncated", "{\"version\": \"1.0.0\", \"segments\": [", "x.json:1: JSON ends too soon"},
		{"no segments", `{"version": "1.0.0"}`, `x.json:1: unknown transcript format: no "segments" array`},
		{"no version", `{"segments": [{"startTime": 0, "endTime": 1, "body": "x"}]}`, `x.json:1: unknown transcript format: no "version" string`},
		{"missing field", "{\"version\": \"1.0.0\", \"segments\": [\n{\"startTime\": 0, \"body\": \"x\"}]}", "x.json:2: segment needs startTime, endTime and body"},
		{"negative", "{\"version\": \"1.0.0\", \"segments\": [\n{\"startTime\": -1, \"endTime\": 1, \"body\": \"x\"}]}", "x.json:2: startTime: bad timestamp -1: want seconds from 0 to 3599999.999"},
		{"overlap", "{\"version\": \"1.0.0\", \"segments\": [\n{\"startTime\": 0, \"endTime\": 2, \"body\": \"x\"},\n{\"startTime\": 1, \"endTime\": 3, \"body\": \"y\"}]}", "x.json:3: segment starts at 1.000, before the previous segment ends (2.000): cues out of order or overlapping"},
		{"wrong type", "{\"version\": \"1.0.0\", \"segments\": [\n{\"startTime\": \"0\", \"endTime\": 2, \"body\": \"x\"}]}", "x.json:2: segment: startTime: want a number, got a string"},
		{"trailing", `{"version": "1.0.0", "segments": [{"startTime": 0, "endTime": 1, "body": "x"}]} {}`, "x.json:1: data after the JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pijson.Read("x.json", strings.NewReader(tc.src))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v\nwant  %s", err, tc.want)
			}
			var pe *transcript.ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error is %T, want *transcript.ParseError", err)
			}
		})
	}
}

// TestShape checks Write's output with encoding/json against the shape the
// Podcast Index documents, not with our reader.
func TestShape(t *testing.T) {
	tr := &transcript.Transcript{Timing: transcript.Estimated, Units: []transcript.Unit{
		{Speaker: "Host", Text: "Hello.", End: 1500 * time.Millisecond},
		{Kind: transcript.Cue, Text: "music", Start: 1500 * time.Millisecond, End: 2 * time.Second},
	}}
	var buf bytes.Buffer
	if err := pijson.Write(&buf, tr); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version  string           `json:"version"`
		Timing   string           `json:"timing"`
		Segments []map[string]any `json:"segments"`
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "1.0.0" || doc.Timing != "estimated" || len(doc.Segments) != 2 {
		t.Fatalf("got %+v", doc)
	}
	s0, s1 := doc.Segments[0], doc.Segments[1]
	if s0["speaker"] != "Host" || s0["startTime"] != 0.0 || s0["endTime"] != 1.5 || s0["body"] != "Hello." {
		t.Errorf("segment 0 = %v", s0)
	}
	if _, ok := s1["speaker"]; ok || s1["body"] != "[music]" || s1["startTime"] != 1.5 {
		t.Errorf("segment 1 = %v", s1)
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add(`{"version":"1.0.0","timing":"estimated","segments":[{"speaker":"A","startTime":0,"endTime":1.5,"body":"hello"},{"startTime":1.5,"endTime":3,"body":"[music]"}]}`)
	f.Add(`{"version":"1.0.0","segments":[{"speaker":"B","startTime":0,"endTime":0.002,"body":"大家好，歡迎收聽。我們今天要談 Go 語言與測試的關係，還有 <script> 標籤，以及很多很多的其他事情。"}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		t1, err := pijson.Read("fuzz.json", strings.NewReader(src))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := pijson.Write(&buf, t1); err != nil {
			t.Fatalf("write: %v", err)
		}
		t2, err := pijson.Read("again.json", bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("read back: %v\n%s", err, buf.String())
		}
		if err := ttest.Equivalent(t1, t2); err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
	})
}
