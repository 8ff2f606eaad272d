package chapters

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/podpipe/podpipe/internal/plainerr"
	"github.com/podpipe/podpipe/rules"
	"github.com/podpipe/podpipe/transcript"
)

// ErrEmpty means a chapters file holds no chapters.
var ErrEmpty = errors.New("no chapters")

// A format reads one kind of chapters file. sniff says whether the data
// looks like the format at all, so that the error reported for a broken
// file is the one of the format it was meant to be.
type format struct {
	name  string
	sniff func(data []byte) bool
	parse func(name string, data []byte) ([]Chapter, error)
}

// formats are tried in turn, as Podlove's importer does.
var formats = []format{
	{"Podcast Index JSON chapters", sniffJSON, parseJSON},
	{"Podlove Simple Chapters", sniffXML, parsePSC},
	{"Audacity labels", sniffAudacity, parseAudacity},
	{"text list", func([]byte) bool { return true }, parseText},
}

// Parse reads a chapters file of any format podpipe knows: a text list
// (`00:00:00.000 Title`, `1:02:03 - Title`, `12:34 Title`, each optionally
// ending in `<url>`), Audacity labels (`start<TAB>end<TAB>label`, in
// seconds), Podcast Index JSON chapters or Podlove Simple Chapters XML. The
// name is used in errors, which are *ParseError with the line. The chapters
// come in file order, with Pos set; run Validate on them.
func Parse(name string, r io.Reader) ([]Chapter, error) {
	data, err := transcript.ReadAll(name, r, transcript.ChaptersLimit)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &transcript.ParseError{File: name, Err: ErrEmpty}
	}
	// Every writer writes text: a title of broken UTF-8 or control bytes
	// would not come back as it went in.
	if err := transcript.CheckText(name, data); err != nil {
		return nil, err
	}
	var first error
	for _, f := range formats {
		if !f.sniff(data) {
			continue
		}
		list, err := f.parse(name, data)
		if err == nil {
			if len(list) == 0 {
				return nil, &transcript.ParseError{File: name, Err: fmt.Errorf("%w (read as %s)", ErrEmpty, f.name)}
			}
			return list, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

func firstByte(data []byte) byte {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return 0
	}
	return data[0]
}

func sniffJSON(data []byte) bool { return firstByte(data) == '{' }
func sniffXML(data []byte) bool  { return firstByte(data) == '<' }

// lineOf returns the 1-based line of byte offset off.
func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

type jsonChapter struct {
	StartTime *float64 `json:"startTime"`
	EndTime   *float64 `json:"endTime"`
	Title     string   `json:"title"`
	Img       string   `json:"img"`
	URL       string   `json:"url"`
	TOC       *bool    `json:"toc"`
}

// parseJSON reads Podcast Index JSON chapters. It walks the tokens so that
// an error can name the line of the chapter it is about.
func parseJSON(name string, data []byte) ([]Chapter, error) {
	fail := func(off int64, format string, args ...any) error {
		return &transcript.ParseError{File: name, Line: lineOf(data, off), Err: fmt.Errorf(format, args...)}
	}
	syntax := func(err error, dec *json.Decoder) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fail(se.Offset, "JSON: %s", plainerr.JSON(err))
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fail(te.Offset, "JSON: %s", plainerr.JSON(err))
		}
		return fail(dec.InputOffset(), "JSON: %s", plainerr.JSON(err))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil {
		return nil, syntax(err, dec)
	} else if tok != json.Delim('{') {
		return nil, fail(0, "JSON chapters must be an object")
	}
	var list []Chapter
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntax(err, dec)
		}
		if tok != "chapters" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, syntax(err, dec)
			}
			continue
		}
		found = true
		if tok, err := dec.Token(); err != nil {
			return nil, syntax(err, dec)
		} else if tok != json.Delim('[') {
			return nil, fail(dec.InputOffset(), `"chapters" must be an array`)
		}
		for i := 0; dec.More(); i++ {
			off := dec.InputOffset()
			// InputOffset is just past the previous token (a comma or
			// the bracket): move to the chapter's own first byte.
			for off < int64(len(data)) && strings.ContainsRune(", \t\r\n[", rune(data[off])) {
				off++
			}
			var jc jsonChapter
			if err := dec.Decode(&jc); err != nil {
				// Decode counts a wrong type's offset from the start of
				// the value it decodes, the chapter, not of the file.
				var te *json.UnmarshalTypeError
				if errors.As(err, &te) {
					return nil, fail(off+te.Offset, "JSON: %s", plainerr.JSON(err))
				}
				return nil, syntax(err, dec)
			}
			if jc.StartTime == nil {
				return nil, fail(off, "chapter %d has no startTime", i+1)
			}
			start, err := transcript.FromSeconds(*jc.StartTime)
			if err != nil {
				return nil, fail(off, "chapter %d: startTime: %v", i+1, err)
			}
			c := Chapter{Start: start, Title: strings.TrimSpace(jc.Title), URL: jc.URL, Image: jc.Img,
				Pos: fmt.Sprintf("%s:%d", name, lineOf(data, off))}
			if jc.EndTime != nil {
				if c.End, err = transcript.FromSeconds(*jc.EndTime); err != nil {
					return nil, fail(off, "chapter %d: endTime: %v", i+1, err)
				}
			}
			if jc.TOC != nil && !*jc.TOC {
				c.Hidden = true
			}
			if err := checkLinks(c); err != nil {
				return nil, fail(off, "%v", err)
			}
			list = append(list, c)
		}
		if _, err := dec.Token(); err != nil {
			return nil, syntax(err, dec)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntax(err, dec)
	}
	if !found {
		return nil, fail(0, `JSON chapters need a "chapters" array`)
	}
	return list, nil
}

// parsePSC reads Podlove Simple Chapters: every <psc:chapter> element,
// wherever it is (a bare <psc:chapters> fragment or a whole feed item).
func parsePSC(name string, data []byte) ([]Chapter, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var list []Chapter
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		line, _ := dec.InputPos()
		if err != nil {
			return nil, &transcript.ParseError{File: name, Line: line, Err: fmt.Errorf("XML: %v", err)}
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "chapter" {
			continue
		}
		c := Chapter{Pos: fmt.Sprintf("%s:%d", name, line)}
		var start string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "start":
				start = a.Value
			case "title":
				c.Title = strings.TrimSpace(a.Value)
			case "href":
				c.URL = a.Value
			case "image":
				c.Image = a.Value
			}
		}
		if start == "" {
			return nil, &transcript.ParseError{File: name, Line: line, Err: errors.New("chapter has no start attribute")}
		}
		if c.Start, err = transcript.ParseNPT(start); err != nil {
			return nil, &transcript.ParseError{File: name, Line: line, Err: err}
		}
		if err := checkLinks(c); err != nil {
			return nil, &transcript.ParseError{File: name, Line: line, Err: err}
		}
		list = append(list, c)
	}
	return list, nil
}

func lines(data []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), int(transcript.ChaptersLimit.Size))
	for sc.Scan() {
		out = append(out, strings.TrimRight(sc.Text(), "\r"))
	}
	return out
}

// sniffAudacity: the first line that is not blank has three tab-separated
// fields, the first two numbers.
func sniffAudacity(data []byte) bool {
	for _, l := range lines(data) {
		if strings.TrimSpace(l) == "" {
			continue
		}
		f := strings.SplitN(l, "\t", 3)
		if len(f) < 3 {
			return false
		}
		_, err1 := audacityTime(f[0])
		_, err2 := audacityTime(f[1])
		return err1 == nil && err2 == nil
	}
	return false
}

func audacityTime(s string) (time.Duration, error) {
	// Audacity writes the decimal separator of the user's locale.
	v, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a time in seconds", s)
	}
	return transcript.FromSeconds(v)
}

// parseAudacity reads an Audacity label export. Lines starting with a
// backslash or a tab are the frequency range of a spectral label: skipped.
func parseAudacity(name string, data []byte) ([]Chapter, error) {
	if err := transcript.CheckLines(name, data); err != nil {
		return nil, err
	}
	var list []Chapter
	for i, l := range lines(data) {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "\\") || strings.HasPrefix(l, "\t") {
			continue
		}
		fail := func(err error) error { return &transcript.ParseError{File: name, Line: i + 1, Err: err} }
		f := strings.SplitN(l, "\t", 3)
		if len(f) < 3 {
			return nil, fail(errors.New("expected start<TAB>end<TAB>label"))
		}
		start, err := audacityTime(f[0])
		if err != nil {
			return nil, fail(fmt.Errorf("start: %v", err))
		}
		end, err := audacityTime(f[1])
		if err != nil {
			return nil, fail(fmt.Errorf("end: %v", err))
		}
		c := Chapter{Start: start, Title: strings.TrimSpace(f[2]), Pos: fmt.Sprintf("%s:%d", name, i+1)}
		if end > start {
			c.End = end // a point label (end == start) runs to the next chapter
		}
		c.Title, c.URL = splitURL(c.Title)
		if err := checkLinks(c); err != nil {
			return nil, fail(err)
		}
		list = append(list, c)
	}
	return list, nil
}

// textLine is one line of a text list: a time, an optional separator, the
// title and an optional <url>. Brackets around the time are allowed, as
// some editors export `[00:12:34] Title`.
var textLine = regexp.MustCompile(`^\s*\[?(\d+(?::\d+){1,2}(?:[.,]\d+)?)\]?(?:\s+[-–—|:]\s+|\s*[-–—|]\s*|\s+)(.*)$`)

// parseText reads a text list: `00:00:00.000 Title`, `1:02:03 - Title`,
// `12:34 Title`, each line optionally ending in `<https://…>`. Blank lines
// are skipped.
func parseText(name string, data []byte) ([]Chapter, error) {
	if err := transcript.CheckLines(name, data); err != nil {
		return nil, err
	}
	var list []Chapter
	for i, l := range lines(data) {
		if strings.TrimSpace(l) == "" {
			continue
		}
		fail := func(err error) error { return &transcript.ParseError{File: name, Line: i + 1, Err: err} }
		m := textLine.FindStringSubmatch(l)
		if m == nil {
			return nil, fail(fmt.Errorf("expected a time (hh:mm:ss or mm:ss) and a title, got %q", strings.TrimSpace(l)))
		}
		start, err := transcript.ParseNPT(strings.Replace(m[1], ",", ".", 1))
		if err != nil {
			return nil, fail(err)
		}
		c := Chapter{Start: start, Pos: fmt.Sprintf("%s:%d", name, i+1)}
		c.Title, c.URL = splitURL(strings.TrimSpace(m[2]))
		if err := checkLinks(c); err != nil {
			return nil, fail(err)
		}
		list = append(list, c)
	}
	return list, nil
}

// splitURL takes a trailing `<url>` off a title.
func splitURL(s string) (title, url string) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ">") {
		if i := strings.LastIndex(s, "<"); i >= 0 {
			u := strings.TrimSpace(s[i+1 : len(s)-1])
			if strings.Contains(u, "://") {
				return strings.TrimSpace(s[:i]), u
			}
		}
	}
	return s, ""
}

// checkLinks refuses a chapter whose link or image is not a URL podpipe may
// publish (rules.CheckURL): it would reach the feed's psc:chapter, the
// chapters JSON and the audio's ID3 frames as it is, and an app would open
// a javascript:, data: or file: URL for the listener.
func checkLinks(c Chapter) error {
	for _, u := range []struct{ key, val string }{{"url", c.URL}, {"img", c.Image}} {
		if u.val == "" {
			continue
		}
		if err := rules.CheckURL(u.val); err != nil {
			return fmt.Errorf("chapter %q: %s: %w", c.Title, u.key, err)
		}
	}
	return nil
}
