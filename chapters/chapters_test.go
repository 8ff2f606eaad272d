package chapters_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/transcript"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const audioLen = 2*time.Hour + 3*time.Minute

// render shows everything a parse and its writers produced, for the
// golden files.
func render(list []chapters.Chapter, warnings []string) string {
	var b bytes.Buffer
	for _, c := range list {
		fmt.Fprintf(&b, "%s %s %q url=%q img=%q hidden=%v pos=%s\n",
			transcript.FormatTimestamp(c.Start), transcript.FormatTimestamp(c.End), c.Title, c.URL, c.Image, c.Hidden, c.Pos)
	}
	for _, w := range warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	b.WriteString("--- json\n")
	chapters.WriteJSON(&b, list, chapters.JSONMeta{Title: "Episode", PodcastName: "Show"})
	b.WriteString("--- psc\n")
	chapters.WritePSC(&b, list)
	b.WriteString("--- timestamps\n")
	b.WriteString(chapters.Timestamps(list))
	return b.String()
}

func TestParseGolden(t *testing.T) {
	for _, in := range []string{"list.txt", "unsorted.txt", "labels.txt", "chapters.json", "psc.xml"} {
		t.Run(in, func(t *testing.T) {
			name := filepath.Join("testdata", in)
			f, err := os.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			list, err := chapters.Parse(name, f)
			if err != nil {
				t.Fatal(err)
			}
			fixed, warnings, err := chapters.Validate(list, audioLen)
			if err != nil {
				t.Fatal(err)
			}
			got := render(fixed, warnings)
			golden := name + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (go test -update to accept):\n%s", golden, got)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"x.txt", "", "x.txt: no chapters"},
		{"x.txt", "\n  \n", "x.txt: no chapters"},
		{"x.txt", "00:00 Intro\nIntro without a time\n", "x.txt:2: expected a time"},
		{"x.txt", "00:00 Intro\n\n00:61 Bad seconds\n", `x.txt:3: bad timestamp "00:61"`},
		{"x.txt", "00:00 Intro\n1:2:03 Bad minutes\n", `x.txt:2: bad timestamp "1:2:03"`},
		{"x.txt", "00:00:00.1234 Too precise\n", `x.txt:1: bad timestamp "00:00:00.1234"`},
		{"x.json", "{\n\"chapters\": [\n{\"title\": \"no start\"}\n]}", "x.json:3: chapter 1 has no startTime"},
		{"x.json", "{\n\"chapters\": [\n{\"startTime\": 0, \"title\": \"a\"},\n  {\"startTime\": -3, \"title\": \"b\"}]}", "x.json:4: chapter 2: startTime: bad timestamp -3: want seconds from 0 to 3599999.999"},
		// Times past what any notation holds, which once overflowed into
		// "starts before 0" or were read but not written back.
		{"x.txt", "00:00 Intro\n99999999:00:00 Far\n", `x.txt:2: bad timestamp "99999999:00:00": after 999:59:59.999`},
		{"x.txt", "00:00 Intro\n99999999999999999999:00:00 Farther\n", `x.txt:2: bad timestamp "99999999999999999999:00:00": after 999:59:59.999`},
		{"x.txt", "1000:00:00 Just past\n", `x.txt:1: bad timestamp "1000:00:00": after 999:59:59.999`},
		{"x.json", "{\"chapters\": [{\"startTime\": 7e8, \"title\": \"a\"}]}", "x.json:1: chapter 1: startTime: bad timestamp 7e+08"},
		{"x.json", "{\n\"chapters\": [\n{\"startTime\": \"1\"}]}", "x.json:3: JSON: startTime: want a number, got a string"},
		{"x.json", "{\n\"chapters\": [\n{\"startTime\": 1,}]}", "x.json:3: JSON: invalid character"},
		// A wrong type deep in the file: the decoder counts the offset from
		// the chapter's own start, not the file's.
		{"x.json", "{\"version\": \"1.2.0\", \"chapters\": [\n{\"startTime\": 0, \"title\": \"a\"},\n{\"startTime\": 5, \"title\": \"b\"},\n{\"startTime\": \"x\", \"title\": \"c\"}]}", "x.json:4: JSON: "},
		{"x.json", "{\"chapters\": [\n{\"startTime\": 0, \"title\": \"a\"},\n{\"startTime\": 5,\n \"title\": \"b\",\n \"toc\": \"no\"}]}", "x.json:5: JSON: toc: want true or false, got a string"},
		{"x.json", `{"version": "1.2.0"}`, `x.json:1: JSON chapters need a "chapters" array`},
		{"x.json", `{"chapters": []}`, "x.json: no chapters (read as Podcast Index JSON chapters)"},
		{"x.xml", "<psc:chapters>\n<psc:chapter title=\"a\"/>\n</psc:chapters>", "x.xml:2: chapter has no start attribute"},
		{"x.xml", "<psc:chapters>\n<psc:chapter start=\"a\" title=\"a\"/>\n</psc:chapters>", `x.xml:2: bad timestamp "a"`},
		{"x.xml", "<psc:chapters>\n<psc:chapter start=\"0\" title=\"a\">\n</psc:chapters>", "x.xml:3: XML: "},
		{"x.txt", "0.0\t1.0\tIntro\n1.0\tone\tBad\n", "x.txt:2: end: \"one\" is not a time"},
		{"x.txt", "0.0\t1.0\tIntro\n1.0\n", "x.txt:2: expected start<TAB>end<TAB>label"},
		// Every chapter link is http(s): a script, data or file URL would
		// reach the feed, the chapters JSON and the ID3 frames.
		{"x.json", "{\"version\": \"1.2.0\", \"chapters\": [\n{\"startTime\": 0, \"title\": \"a\"},\n{\"startTime\": 5, \"title\": \"b\", \"url\": \"javascript:alert(1)\"}]}",
			`x.json:3: chapter "b": url: "javascript:alert(1)" is not an absolute http or https URL`},
		{"x.json", "{\"chapters\": [\n{\"startTime\": 0, \"title\": \"a\", \"img\": \"data:image/png;base64,AAAA\"}]}",
			`x.json:2: chapter "a": img: "data:image/png;base64,AAAA" is not an absolute http or https URL`},
		{"x.json", "{\"chapters\": [\n{\"startTime\": 0, \"title\": \"a\", \"url\": \"file:///etc/passwd\"}]}",
			`x.json:2: chapter "a": url: "file:///etc/passwd" is not an absolute`},
		{"x.xml", "<psc:chapters>\n<psc:chapter start=\"0\" title=\"a\"/>\n<psc:chapter start=\"5\" title=\"b\" href=\"javascript:alert(1)\"/>\n</psc:chapters>",
			`x.xml:3: chapter "b": url: "javascript:alert(1)" is not an absolute`},
		{"x.xml", "<psc:chapters>\n<psc:chapter start=\"0\" title=\"a\" image=\"file:///etc/passwd\"/>\n</psc:chapters>",
			`x.xml:2: chapter "a": img: "file:///etc/passwd" is not an absolute`},
		{"x.txt", "00:00 Intro\n01:00 Local <file:///etc/passwd>\n", `x.txt:2: chapter "Local": url: "file:///etc/passwd" is not an absolute`},
		{"x.txt", "0.0\t1.0\tIntro\n1.0\t2.0\tLocal <file:///etc/passwd>\n", `x.txt:2: chapter "Local": url: "file:///etc/passwd" is not an absolute`},
		{"x.txt", "00:00 Spaced <https://example.com/a b>\n", `x.txt:1: chapter "Spaced": url: "https://example.com/a b" has a space`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, err := chapters.Parse(tt.name, strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			var pe *transcript.ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %T is no *ParseError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want it to start with %q", err, tt.want)
			}
		})
	}
}

func TestParseUnreadable(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := chapters.Parse("ep.chapters.txt", iotest.ErrReader(boom))
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "ep.chapters.txt") {
		t.Fatalf("error %v, want one naming the file and wrapping the read error", err)
	}
}

func TestValidate(t *testing.T) {
	s := time.Second
	ch := func(start time.Duration, title string) chapters.Chapter {
		return chapters.Chapter{Start: start, Title: title}
	}
	tests := []struct {
		name     string
		in       []chapters.Chapter
		duration time.Duration
		want     []chapters.Chapter
		warnings int
		err      string
	}{
		{name: "fine", in: []chapters.Chapter{ch(0, "a"), ch(10*s, "b")}, duration: 20 * s,
			want: []chapters.Chapter{{Start: 0, End: 10 * s, Title: "a"}, {Start: 10 * s, End: 20 * s, Title: "b"}}},
		{name: "unknown duration", in: []chapters.Chapter{ch(0, "a"), ch(10*s, "b")},
			want: []chapters.Chapter{{Start: 0, End: 10 * s, Title: "a"}, {Start: 10 * s, Title: "b"}}},
		{name: "insert intro", in: []chapters.Chapter{ch(5*s, "a")}, duration: 20 * s, warnings: 1,
			want: []chapters.Chapter{{Start: 0, End: 5 * s, Title: chapters.IntroTitle}, {Start: 5 * s, End: 20 * s, Title: "a"}}},
		{name: "sort", in: []chapters.Chapter{ch(10*s, "b"), ch(0, " a ")}, duration: 20 * s, warnings: 1,
			want: []chapters.Chapter{{Start: 0, End: 10 * s, Title: "a"}, {Start: 10 * s, End: 20 * s, Title: "b"}}},
		{name: "end past duration", in: []chapters.Chapter{{Title: "a", End: 30 * s}}, duration: 20 * s, warnings: 1,
			want: []chapters.Chapter{{Start: 0, End: 20 * s, Title: "a"}}},
		{name: "keep given end", in: []chapters.Chapter{{Title: "a", End: 3 * s}, ch(10*s, "b")}, duration: 20 * s,
			want: []chapters.Chapter{{Start: 0, End: 3 * s, Title: "a"}, {Start: 10 * s, End: 20 * s, Title: "b"}}},
		{name: "empty", err: "chapters: no chapters"},
		{name: "no title", in: []chapters.Chapter{{Title: " ", Pos: "f.txt:3"}}, err: "f.txt:3: the chapter at 00:00:00.000 has no title"},
		{name: "past the end", in: []chapters.Chapter{ch(0, "a"), {Start: 30 * s, Title: "late", Pos: "f.txt:2"}}, duration: 20 * s,
			err: `f.txt:2: chapter "late" starts at 00:00:30.000, after the end of the audio (00:00:20.000)`},
		{name: "at the end", in: []chapters.Chapter{ch(0, "a"), ch(20*s, "late")}, duration: 20 * s, err: `chapter 2: chapter "late" starts at 00:00:20.000, after`},
		{name: "duplicate", in: []chapters.Chapter{ch(0, "a"), ch(0, "b")}, err: `chapter 2: chapter "b" starts at 00:00:00.000, as "a" does`},
		{name: "end before start", in: []chapters.Chapter{{Start: 5 * s, End: 2 * s, Title: "a"}}, err: `chapter "a" ends at 00:00:02.000, not after its start`},
		{name: "negative", in: []chapters.Chapter{{Start: -s, Title: "a"}}, err: `chapter "a" starts before 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]chapters.Chapter(nil), tt.in...)
			got, warnings, err := chapters.Validate(tt.in, tt.duration)
			if !reflect.DeepEqual(in, tt.in) {
				t.Errorf("Validate modified its input")
			}
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if len(warnings) != tt.warnings {
				t.Errorf("warnings %q, want %d", warnings, tt.warnings)
			}
		})
	}
}

// What each writer writes, Parse reads back the same, and a reader we did
// not write (encoding/json and encoding/xml into the spec's shape) agrees.
func TestRoundTrip(t *testing.T) {
	list := []chapters.Chapter{
		{Start: 0, End: 61500 * time.Millisecond, Title: "Intro & <welcome>"},
		{Start: 61500 * time.Millisecond, End: 2 * time.Hour, Title: "熱門話題", URL: "https://example.com/a?b=1&c=2", Image: "https://example.com/i.jpg"},
	}
	strip := func(l []chapters.Chapter) []chapters.Chapter {
		l = append([]chapters.Chapter(nil), l...)
		for i := range l {
			l[i].Pos = ""
		}
		return l
	}

	var js bytes.Buffer
	if err := chapters.WriteJSON(&js, list, chapters.JSONMeta{}); err != nil {
		t.Fatal(err)
	}
	got, err := chapters.Parse("c.json", bytes.NewReader(js.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(strip(got), list) {
		t.Errorf("JSON round trip:\n got %+v\nwant %+v", got, list)
	}
	var spec struct {
		Version  string
		Chapters []struct {
			StartTime, EndTime float64
			Title, URL, Img    string
		}
	}
	if err := json.Unmarshal(js.Bytes(), &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Version != "1.2.0" || len(spec.Chapters) != 2 || spec.Chapters[1].StartTime != 61.5 || spec.Chapters[1].Img == "" {
		t.Errorf("JSON chapters not in the spec's shape: %s", js.Bytes())
	}

	var psc bytes.Buffer
	if err := chapters.WritePSC(&psc, list); err != nil {
		t.Fatal(err)
	}
	got, err = chapters.Parse("c.xml", bytes.NewReader(psc.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i].Start != list[i].Start || got[i].Title != list[i].Title || got[i].URL != list[i].URL || got[i].Image != list[i].Image {
			t.Errorf("PSC round trip %d: got %+v, want %+v", i, got[i], list[i])
		}
	}
	var doc struct {
		XMLName  xml.Name `xml:"http://podlove.org/simple-chapters chapters"`
		Version  string   `xml:"version,attr"`
		Chapters []struct {
			Start string `xml:"start,attr"`
			Title string `xml:"title,attr"`
		} `xml:"http://podlove.org/simple-chapters chapter"`
	}
	if err := xml.Unmarshal(psc.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "1.2" || len(doc.Chapters) != 2 || doc.Chapters[1].Start != "00:01:01.500" || doc.Chapters[0].Title != "Intro & <welcome>" {
		t.Errorf("PSC not in the spec's shape: %+v", doc)
	}

	ts := chapters.Timestamps(list)
	if want := "00:00:00 Intro & <welcome>\n00:01:01 熱門話題\n"; ts != want {
		t.Errorf("Timestamps = %q, want %q", ts, want)
	}
	got, err = chapters.Parse("notes.txt", strings.NewReader(ts))
	if err != nil || len(got) != 2 || got[1].Start != 61*time.Second || got[1].Title != "熱門話題" {
		t.Errorf("Timestamps read back as %+v, %v", got, err)
	}
}

func TestFromTranscript(t *testing.T) {
	tr := &transcript.Transcript{
		Sections: []transcript.Section{
			{Title: "前言", Notes: true},
			{Title: "開場", Start: 0},
			{Title: "第一段", Start: 95 * time.Second, Level: 3},
		},
		Chapters: []transcript.ChapterMark{{Start: time.Minute, Title: "From front matter", URL: "https://example.com"}},
	}
	got := chapters.FromTranscript(tr)
	want := []chapters.Chapter{{Title: "開場"}, {Start: 95 * time.Second, Title: "第一段"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromTranscript = %+v, want %+v", got, want)
	}
	marks := chapters.FromMarks(tr.Chapters)
	if len(marks) != 1 || marks[0].Start != time.Minute || marks[0].URL != "https://example.com" {
		t.Errorf("FromMarks = %+v", marks)
	}
	list := []chapters.Chapter{{Title: "a", URL: "https://example.com/a"}, {Start: time.Second, Title: "hidden", Hidden: true}, {Start: 2 * time.Second, Title: "c", Image: "c.jpg"}}
	wantMarks := []transcript.ChapterMark{{Title: "a", URL: "https://example.com/a"}, {Start: 2 * time.Second, Title: "c", Image: "c.jpg"}}
	if got := chapters.Marks(list); !reflect.DeepEqual(got, wantMarks) {
		t.Errorf("Marks = %+v, want the visible ones %+v", got, wantMarks)
	}
	if got := chapters.Marks(list[1:2]); got == nil || len(got) != 0 {
		t.Errorf("Marks of only hidden chapters = %#v, want empty, not nil (nil means the transcript's own)", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, in := range []string{"list.txt", "labels.txt", "chapters.json", "psc.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", in))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		list, err := chapters.Parse("fuzz", bytes.NewReader(b))
		if err != nil {
			return
		}
		fixed, _, err := chapters.Validate(list, 0)
		if err != nil {
			return
		}
		// What validated writes and reads back.
		var js bytes.Buffer
		if err := chapters.WriteJSON(&js, fixed, chapters.JSONMeta{}); err != nil {
			t.Fatal(err)
		}
		back, err := chapters.Parse("back.json", &js)
		if err != nil {
			t.Fatalf("JSON we wrote does not parse: %v\n%s", err, js.Bytes())
		}
		if len(back) != len(fixed) {
			t.Fatalf("%d chapters written, %d read back", len(fixed), len(back))
		}
	})
}

func TestEqual(t *testing.T) {
	a := []chapters.Chapter{{Title: "a", Pos: "x.txt:1"}, {Start: time.Second, Title: "b"}}
	b := []chapters.Chapter{{Title: "a", Pos: "ID3 CHAP chp0"}, {Start: time.Second, Title: "b"}}
	if !chapters.Equal(a, b) {
		t.Error("lists differing only in Pos are not Equal")
	}
	b[1].Hidden = true
	if chapters.Equal(a, b) {
		t.Error("a hidden chapter makes no difference")
	}
	if chapters.Equal(a, a[:1]) {
		t.Error("lists of different lengths are Equal")
	}
}

// Chapters read from an MP3's tags or a front matter do not pass through
// Parse: Validate refuses their links too, naming where each was read.
func TestValidateLinks(t *testing.T) {
	list := []chapters.Chapter{
		{Start: 0, Title: "Intro", URL: "https://example.com/ok", Pos: "ep.mp3 CHAP chp0"},
		{Start: time.Second, Title: "Bad", URL: "javascript:alert(1)", Pos: "ep.mp3 CHAP chp1"},
		{Start: 2 * time.Second, Title: "Pic", Image: "data:image/png;base64,AAAA"},
	}
	_, _, err := chapters.Validate(list, time.Minute)
	if err == nil {
		t.Fatal("no error for a javascript: and a data: link")
	}
	for _, want := range []string{
		`ep.mp3 CHAP chp1: chapter "Bad": url: "javascript:alert(1)" is not an absolute http or https URL`,
		`chapter 3: chapter "Pic": img: "data:image/png;base64,AAAA" is not an absolute`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// What podpipe writes it reads back: JSON chapters whole, PSC's starts and
// titles of the visible chapters.
func FuzzRoundTrip(f *testing.F) {
	f.Add("00:00 Intro\n01:02.5 Part <https://example.com/a>\n999:59:59.999 Last\n")
	f.Add("0.0\t0.0\tA\n12.25\t20\tB\n")
	f.Add(`{"chapters": [{"startTime": 0, "title": "a", "toc": false}, {"startTime": 3599999.999, "endTime": 3599999.999, "title": "b"}]}`)
	f.Add(`<psc:chapters><psc:chapter start="1:02:03.4" title="x &amp; y"/></psc:chapters>`)
	f.Fuzz(func(t *testing.T, src string) {
		list, err := chapters.Parse("fuzz", strings.NewReader(src))
		if err != nil {
			return
		}
		fixed, _, err := chapters.Validate(list, 0)
		if err != nil {
			return
		}
		var js bytes.Buffer
		if err := chapters.WriteJSON(&js, fixed, chapters.JSONMeta{}); err != nil {
			t.Fatalf("write JSON: %v", err)
		}
		back, err := chapters.Parse("back.json", bytes.NewReader(js.Bytes()))
		if err != nil {
			t.Fatalf("JSON we wrote does not parse: %v\n%s", err, js.Bytes())
		}
		if !chapters.Equal(fixed, back) {
			t.Fatalf("JSON read back as\n%+v\nwant\n%+v\n%s", back, fixed, js.Bytes())
		}
		var psc bytes.Buffer
		if err := chapters.WritePSC(&psc, fixed); err != nil {
			t.Fatalf("write PSC: %v", err)
		}
		var visible []chapters.Chapter
		for _, c := range fixed {
			if !c.Hidden {
				visible = append(visible, c)
			}
		}
		back, err = chapters.Parse("back.xml", bytes.NewReader(psc.Bytes()))
		if len(visible) == 0 {
			return
		}
		if err != nil || len(back) != len(visible) {
			t.Fatalf("PSC read back as %d chapters (%v), want %d\n%s", len(back), err, len(visible), psc.Bytes())
		}
		for i := range back {
			if back[i].Start != visible[i].Start {
				t.Fatalf("PSC chapter %d starts at %v, want %v", i+1, back[i].Start, visible[i].Start)
			}
		}
	})
}

// A chapter past the latest time no reader takes is not written: once
// WriteJSON wrote a start of 7e+08 seconds that Parse refused.
func TestWriteRefusesTimesBeyondReach(t *testing.T) {
	list := []chapters.Chapter{{Title: "a"}, {Start: 700000000 * time.Second, Title: "far"}}
	if err := chapters.WriteJSON(io.Discard, list, chapters.JSONMeta{}); err == nil || !errors.Is(err, transcript.ErrTimestamp) {
		t.Errorf("WriteJSON = %v, want a bad timestamp", err)
	}
	if err := chapters.WritePSC(io.Discard, list); err == nil || !errors.Is(err, transcript.ErrTimestamp) {
		t.Errorf("WritePSC = %v, want a bad timestamp", err)
	}
	if _, _, err := chapters.Validate(list, 0); err == nil || !strings.Contains(err.Error(), "after 999:59:59.999") {
		t.Errorf("Validate = %v, want the chapter refused", err)
	}
	list[1].Start = transcript.MaxTime
	var b bytes.Buffer
	if err := chapters.WriteJSON(&b, list, chapters.JSONMeta{}); err != nil {
		t.Fatalf("WriteJSON at MaxTime: %v", err)
	}
	back, err := chapters.Parse("x.json", &b)
	if err != nil || len(back) != 2 || back[1].Start != transcript.MaxTime {
		t.Errorf("read back %+v, %v", back, err)
	}
}
