package chapters

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// JSONMeta is the optional top level of a JSON chapters file.
type JSONMeta struct {
	Author      string `json:"author,omitempty"`
	Title       string `json:"title,omitempty"`
	PodcastName string `json:"podcastName,omitempty"`
	Description string `json:"description,omitempty"`
	FileName    string `json:"fileName,omitempty"`
}

// JSONVersion is the Podcast Index JSON chapters version WriteJSON writes.
const JSONVersion = "1.2.0"

// JSONType is the media type to serve JSON chapters with.
const JSONType = "application/json+chapters"

type jsonOut struct {
	Version string `json:"version"`
	JSONMeta
	Chapters []jsonOutChapter `json:"chapters"`
}

type jsonOutChapter struct {
	StartTime float64 `json:"startTime"`
	EndTime   float64 `json:"endTime,omitempty"`
	Title     string  `json:"title"`
	Img       string  `json:"img,omitempty"`
	URL       string  `json:"url,omitempty"`
	TOC       *bool   `json:"toc,omitempty"`
}

// WriteJSON writes Podcast Index JSON chapters 1.2.0: times in seconds with
// millisecond precision, `toc: false` for hidden chapters. The list should
// have passed Validate; a time no reader would take back is an error.
func WriteJSON(w io.Writer, list []Chapter, meta JSONMeta) error {
	if err := checkTimes(list); err != nil {
		return fmt.Errorf("chapters: write JSON: %w", err)
	}
	out := jsonOut{Version: JSONVersion, JSONMeta: meta, Chapters: make([]jsonOutChapter, 0, len(list))}
	hidden := false
	for _, c := range list {
		jc := jsonOutChapter{StartTime: transcript.ToSeconds(c.Start), EndTime: transcript.ToSeconds(c.End), Title: c.Title, Img: c.Image, URL: c.URL}
		if c.Hidden {
			jc.TOC = &hidden
		}
		out.Chapters = append(out.Chapters, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("chapters: write JSON: %w", err)
	}
	return nil
}

// PSCNamespace is the Podlove Simple Chapters namespace.
const PSCNamespace = "http://podlove.org/simple-chapters"

// WritePSC writes a Podlove Simple Chapters fragment, <psc:chapters
// version="1.2">, for a feed item. It declares the psc prefix itself so the
// fragment stands alone; a feed that declares it too stays valid. Hidden
// chapters are left out: PSC has no way to hide one.
func WritePSC(w io.Writer, list []Chapter) error {
	if err := checkTimes(list); err != nil {
		return fmt.Errorf("chapters: write PSC: %w", err)
	}
	var b strings.Builder
	b.WriteString(`<psc:chapters version="1.2" xmlns:psc="` + PSCNamespace + `">` + "\n")
	for _, c := range list {
		if c.Hidden {
			continue
		}
		fmt.Fprintf(&b, `  <psc:chapter start="%s" title="%s"`, transcript.FormatTimestamp(c.Start), escape(c.Title))
		if c.URL != "" {
			fmt.Fprintf(&b, ` href="%s"`, escape(c.URL))
		}
		if c.Image != "" {
			fmt.Fprintf(&b, ` image="%s"`, escape(c.Image))
		}
		b.WriteString("/>\n")
	}
	b.WriteString("</psc:chapters>\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("chapters: write PSC: %w", err)
	}
	return nil
}

func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Timestamps returns the chapter list for show notes, one `00:00:00 Title`
// per line, hidden chapters left out. Apple builds chapters from such a
// list when it starts at 00:00:00 (Validate sees to that) and has at least
// three lines. Seconds are truncated, as players show them.
func Timestamps(list []Chapter) string {
	var b strings.Builder
	for _, c := range list {
		if c.Hidden {
			continue
		}
		b.WriteString(transcript.FormatHMS(c.Start) + " " + c.Title + "\n")
	}
	return b.String()
}

// checkTimes refuses a chapter whose start or end no notation can hold, so
// that what is written can be read back.
func checkTimes(list []Chapter) error {
	for i, c := range list {
		for _, d := range []time.Duration{c.Start, c.End} {
			if err := transcript.CheckTime(d); err != nil {
				return fmt.Errorf("chapter %d (%q): %w", i+1, c.Title, err)
			}
		}
	}
	return nil
}

// WriteText writes a text list that Parse reads back: one chapter a line,
// `00:04:36.145 Title`, with ` <url>` after the title when it links
// somewhere. Hidden chapters are left out: a text list cannot hide one.
func WriteText(w io.Writer, list []Chapter) error {
	if err := checkTimes(list); err != nil {
		return fmt.Errorf("chapters: write text: %w", err)
	}
	var b strings.Builder
	for _, c := range list {
		if c.Hidden {
			continue
		}
		title := strings.Join(strings.Fields(c.Title), " ") // one line
		b.WriteString(transcript.FormatTimestamp(c.Start) + " " + title)
		if c.URL != "" {
			b.WriteString(" <" + c.URL + ">")
		}
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("chapters: write text: %w", err)
	}
	return nil
}
