package formats_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/formattest/tsv"
	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/formats"
	"github.com/podpipe/podpipe/transcript/internal/ttest"
)

// The test format joins the table with its one row, so every test here
// holds for a format added from outside as for the built-in ones.
func init() { formats.Register(tsv.Format) }

func sample() *transcript.Transcript {
	return &transcript.Transcript{
		Title: "Sample", Language: "zh-TW", Timing: transcript.Source,
		Units: []transcript.Unit{
			{Kind: transcript.Speech, Speaker: "主持人", Text: "大家好，歡迎收聽。", Section: -1, Start: 0, End: 2500 * time.Millisecond},
			{Kind: transcript.Cue, Text: "音樂", Section: -1, Start: 2500 * time.Millisecond, End: 4 * time.Second},
			{Kind: transcript.Speech, Speaker: "Guest", Text: "Thanks for having me.", Section: -1, Start: 4 * time.Second, End: 6001 * time.Millisecond},
			{Kind: transcript.Speech, Speaker: "主持人", Text: "最後一句。", Section: -1, Start: 7 * time.Second, End: transcript.MaxTime},
		},
	}
}

func TestTableNames(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range formats.All() {
		if seen[f.Name] {
			t.Errorf("two formats are called %q", f.Name)
		}
		seen[f.Name] = true
		if f.Published() && f.Check == nil {
			t.Errorf("%s: published without a Check for the feed validator", f.Name)
		}
	}
	for _, name := range []string{formats.VTT, formats.SRT, formats.JSON, formats.HTML, formats.Text, formats.Whisper, formats.Markdown, "tsv"} {
		if formats.ByName(name) == nil {
			t.Errorf("no row for %q", name)
		}
	}
}

// Every lookup finds a published format by what the table says of it, and
// the store serves each of its extensions with its type.
func TestLookupsAgree(t *testing.T) {
	for _, f := range formats.Published() {
		if g := formats.ByName(f.Name); g == nil || g.MediaType != f.MediaType {
			t.Errorf("ByName(%q) = %v", f.Name, g)
		}
		for _, ext := range f.Exts {
			if g := formats.ByExt(strings.ToUpper(ext)); g == nil || g.Name != f.Name {
				t.Errorf("ByExt(%q) = %v, want %s", ext, g, f.Name)
			}
			if got := storage.ContentTypeFor("episodes/ep-1a2b" + ext); got != f.ContentType() {
				t.Errorf("the store serves %s as %q, the table says %q", ext, got, f.ContentType())
			}
		}
		if g, canonical := formats.ByMediaType(f.MediaType); g == nil || g.Name != f.Name || !canonical {
			t.Errorf("ByMediaType(%q) = %v, %v", f.MediaType, g, canonical)
		}
		for _, a := range f.Aliases {
			if g, canonical := formats.ByMediaType(a); g == nil || g.Name != f.Name || canonical {
				t.Errorf("ByMediaType(alias %q) = %v, %v", a, g, canonical)
			}
		}
		if !slices.Contains(formats.MediaTypes(), f.MediaType) || !slices.Contains(formats.Writable(), f.Name) {
			t.Errorf("%s missing from MediaTypes or Writable", f.Name)
		}
	}
	if g, _ := formats.ByMediaType("application/pdf"); g != nil {
		t.Errorf("ByMediaType(application/pdf) = %s", g.Name)
	}
}

// Every row that writes writes the sample, its Check passes what it wrote,
// and a row that also reads reads it back, by its own reader and by
// content through Read.
func TestEveryRowRoundTrips(t *testing.T) {
	for _, f := range formats.All() {
		if f.Write == nil {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			in := sample()
			var b bytes.Buffer
			if err := f.Write(&b, in, formats.Options{}); err != nil {
				t.Fatalf("write: %v", err)
			}
			if f.Check != nil {
				if err := f.Check(b.Bytes()); err != nil {
					t.Errorf("Check refuses what Write wrote: %v", err)
				}
			}
			if f.Read == nil {
				return
			}
			back, err := f.Read("ep"+f.Ext(), bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("read back: %v\n%s", err, b.Bytes())
			}
			if err := ttest.Equivalent(in, back); err != nil {
				t.Errorf("read back: %v", err)
			}
			if d := formats.Detect("ep"+f.Ext(), b.Bytes()); d.Name != f.Name {
				t.Errorf("Detect takes what %s wrote for %s", f.Name, d.Name)
			}
			if back, err = formats.Read("ep"+f.Ext(), bytes.NewReader(b.Bytes())); err != nil {
				t.Fatalf("formats.Read: %v", err)
			}
			if err := ttest.Equivalent(in, back); err != nil {
				t.Errorf("formats.Read: %v", err)
			}
		})
	}
}

// No timed writer writes a time past MaxTime, which no reader would take.
func TestWritersRefuseTimesBeyondReach(t *testing.T) {
	for _, f := range formats.All() {
		if f.Write == nil || f.Times != formats.Timed {
			continue
		}
		tr := sample()
		tr.Units[3].End = transcript.MaxTime + time.Second
		if err := f.Write(&bytes.Buffer{}, tr, formats.Options{}); err == nil {
			t.Errorf("%s wrote a time after %v", f.Name, transcript.MaxTime)
		}
	}
}

func TestReadOnlyRows(t *testing.T) {
	md := "# Title\n\n**A:** hello\n"
	if f := formats.Detect("x.txt", []byte(md)); f.Name != formats.Markdown || f.Published() {
		t.Errorf("Detect(markdown) = %s, published %v", f.Name, f.Published())
	}
	tr, err := formats.Read("x.md", strings.NewReader(md))
	if err != nil || tr.Title != "Title" || len(tr.Units) != 1 {
		t.Errorf("Read(markdown) = %+v, %v", tr, err)
	}
	wh := `{"text": "hi", "segments": [{"id": 0, "start": 0, "end": 1.5, "text": " hi"}]}`
	if f := formats.Detect("x.json", []byte(wh)); f.Name != formats.Whisper || f.Published() {
		t.Errorf("Detect(whisper) = %s, published %v", f.Name, f.Published())
	}
}

func TestRegisterRefuses(t *testing.T) {
	for _, f := range []formats.Format{
		{Name: formats.VTT, Exts: []string{".x"}, Read: tsv.Read},
		{Name: "noext", Read: tsv.Read},
		{Name: "nothing", Exts: []string{".y"}},
		{Name: "upper", Exts: []string{".Y"}, Read: tsv.Read},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", f.Name)
				}
			}()
			formats.Register(f)
		}()
	}
}

// FuzzRoundTrip builds a transcript from the fuzzer's text and times and
// sends it through every format that reads what it writes.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(0), "大家好，歡迎收聽。", "Thanks for having me.", uint32(1500), uint32(2000), true)
	f.Add(uint8(1), "a b c", "[x]", uint32(1), uint32(1), false)
	// Speakers are names as people write them: the formats' own tests
	// fuzz what a name may be.
	speakers := []string{"主持人", "Guest", "Dr. Ada Lovelace", "來賓 B"}
	f.Fuzz(func(t *testing.T, who uint8, text1, text2 string, ms1, ms2 uint32, cue bool) {
		speaker := speakers[int(who)%len(speakers)]
		text1, text2 = transcript.Normalize(text1), transcript.Normalize(text2)
		// What a reader hands over: valid UTF-8, normalized text.
		if transcript.CheckText("", []byte(text1+"\n"+text2)) != nil || speaker == "" || text1 == "" || text2 == "" || ms1 == 0 || ms2 == 0 || strings.ContainsAny(speaker+text1+text2, "\t") {
			return
		}
		if _, isCue := transcript.CueText(text1); isCue {
			return
		}
		if _, isCue := transcript.CueText(text2); isCue {
			return
		}
		mid := time.Duration(ms1) * time.Millisecond
		end := mid + time.Duration(ms2)*time.Millisecond
		if end > transcript.MaxTime {
			return
		}
		in := &transcript.Transcript{Timing: transcript.Source, Units: []transcript.Unit{
			{Kind: transcript.Speech, Speaker: speaker, Text: text1, Section: -1, End: mid},
			{Kind: transcript.Speech, Speaker: speaker, Text: text2, Section: -1, Start: mid, End: end},
		}}
		if cue {
			in.Units[1].Kind, in.Units[1].Speaker = transcript.Cue, ""
		}
		for _, fm := range formats.All() {
			if fm.Read == nil || fm.Write == nil {
				continue
			}
			var b bytes.Buffer
			if err := fm.Write(&b, in, formats.Options{}); err != nil {
				t.Fatalf("%s: write: %v", fm.Name, err)
			}
			back, err := fm.Read("fuzz"+fm.Ext(), bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("%s: read back: %v\n%s", fm.Name, err, b.Bytes())
			}
			if err := ttest.Equivalent(in, back); err != nil {
				t.Fatalf("%s: %v\n%s", fm.Name, err, b.Bytes())
			}
		}
	})
}
