// Package formats is the one table of the transcript formats podpipe reads
// and publishes. Each row says once what the rest of podpipe needs to know
// of a format: its name, file extensions, media type, its type and rel in a
// feed, its reader and its writer. The command line (transcript convert),
// the pipeline, the feed, the feed validator and the stores all look formats
// up here, so adding a format is one package and one row.
//
//	f := formats.ByExt(".srt")               // or ByName("srt"), ByMediaType("application/x-subrip")
//	err := f.Write(w, t, formats.Options{})  // SRT
//	t, err := formats.Read("ep1.txt", r)     // any readable format, told by content
package formats

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/htmlpage"
	"github.com/podpipe/podpipe/transcript/markdown"
	"github.com/podpipe/podpipe/transcript/pijson"
	"github.com/podpipe/podpipe/transcript/plaintext"
	"github.com/podpipe/podpipe/transcript/srt"
	"github.com/podpipe/podpipe/transcript/webvtt"
	"github.com/podpipe/podpipe/transcript/whisper"
)

// The names of the formats in the table, as --to and the manifest say them.
const (
	VTT      = "vtt"
	SRT      = "srt"
	JSON     = "json" // Podcast Index JSON
	HTML     = "html"
	Text     = "txt"
	Whisper  = "whisper"
	Markdown = "markdown" // the editors' source
)

// Times says what a writer makes of a transcript's times.
type Times uint8

const (
	NoTimes    Times = iota // writes none (plain text)
	MaybeTimed              // shows them when the transcript has them (the page)
	Timed                   // needs a timed transcript (captions, JSON)
)

// Options are what a writer may need beyond the transcript; each format
// uses what it needs and ignores the rest. Only the HTML page needs any.
type Options struct {
	AudioURL  string                   // the page's player; none when empty
	Chapters  []transcript.ChapterMark // the page's chapter list; nil: the transcript's own
	ShowTitle string
	// PageURL maps a sibling episode's slug to its page's URL, for the
	// page's previous/next links; nil: "./"+slug+".html".
	PageURL func(slug string) string
	// Page has the HTML page's other options (cover, show page, feed,
	// captions); its AudioURL, Chapters, ShowTitle and PageURL are the
	// fields above.
	Page htmlpage.Options
}

// Format is one row of the table.
type Format struct {
	Name string   // "vtt": what --to and the manifest call it
	Exts []string // ".vtt", lower case with the dot; the first is the one written
	// MediaType is the type podcast:transcript gives it in a feed and the
	// store serves it as; empty for a format podpipe only reads.
	MediaType string
	// Aliases are other media types seen for it in feeds, accepted there
	// with a warning to use MediaType.
	Aliases []string
	Charset bool   // served with "; charset=utf-8" (text that has no way to say its own)
	Rel     string // podcast:transcript's rel: "captions" for caption formats
	Times   Times  // what Write needs of the transcript's times

	// Sniff reports whether src is surely in this format, by content alone;
	// nil for a format never told by content.
	Sniff func(src []byte) bool
	// Read reads the format; name is used in errors. Nil: not readable.
	Read func(name string, r io.Reader) (*transcript.Transcript, error)
	// Write writes t in the format. Nil: not written.
	Write func(w io.Writer, t *transcript.Transcript, o Options) error
	// Check tells whether a body served as MediaType is what its type says,
	// as far as a player would notice at once: the feed validator fetches
	// transcripts and runs it. Nil: any UTF-8 text passes.
	Check func(body []byte) error
}

// Ext is the extension podpipe writes the format with, ".vtt".
func (f *Format) Ext() string { return f.Exts[0] }

// ContentType is the Content-Type to serve the format with.
func (f *Format) ContentType() string {
	if f.Charset {
		return f.MediaType + "; charset=utf-8"
	}
	return f.MediaType
}

// Published reports whether podpipe publishes the format: it is written and
// has a media type.
func (f *Format) Published() bool { return f.Write != nil && f.MediaType != "" }

func write(fn func(io.Writer, *transcript.Transcript) error) func(io.Writer, *transcript.Transcript, Options) error {
	return func(w io.Writer, t *transcript.Transcript, _ Options) error { return fn(w, t) }
}

var (
	mu sync.RWMutex
	// table holds the formats in the order they are published and listed;
	// lookups by extension or media type take the first row that matches.
	table = []Format{
		{Name: VTT, Exts: []string{".vtt"}, MediaType: "text/vtt", Rel: "captions", Times: Timed,
			Sniff: sniffVTT, Read: webvtt.Read, Write: write(webvtt.Write), Check: checkVTT},
		{Name: SRT, Exts: []string{".srt"}, MediaType: "application/x-subrip", Aliases: []string{"application/srt", "text/srt"},
			Rel: "captions", Times: Timed, Sniff: sniffSRT, Read: srt.Read, Write: write(srt.Write), Check: checkSRT},
		{Name: JSON, Exts: []string{".json"}, MediaType: "application/json", Times: Timed,
			Sniff: sniffPIJSON, Read: pijson.Read, Write: write(pijson.Write), Check: checkPIJSON},
		{Name: HTML, Exts: []string{".html", ".htm"}, MediaType: "text/html", Charset: true, Times: MaybeTimed,
			Write: writeHTML, Check: checkHTML},
		{Name: Text, Exts: []string{".txt"}, MediaType: "text/plain", Charset: true, Times: NoTimes,
			Write: write(plaintext.Write), Check: checkText},
		// Read only.
		{Name: Whisper, Exts: []string{".json"}, Sniff: sniffWhisper, Read: whisper.Read},
		{Name: Markdown, Exts: []string{".md", ".markdown"}, Sniff: sniffMarkdown, Read: readMarkdown},
	}
)

func writeHTML(w io.Writer, t *transcript.Transcript, o Options) error {
	po := o.Page
	po.AudioURL, po.Chapters, po.ShowTitle, po.PageURL = o.AudioURL, o.Chapters, o.ShowTitle, o.PageURL
	return htmlpage.Write(w, t, po)
}

func readMarkdown(name string, r io.Reader) (*transcript.Transcript, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("markdown: read %s: %w", name, err)
	}
	return markdown.Parse(name, src)
}

// Register adds a format to the table, after the others: a format that
// lives outside this package, or one a test adds. It panics when the name
// is taken or the row lacks a name, an extension, or a reader and a writer
// both. Call it before any lookup, as from an init function.
func Register(f Format) {
	if f.Name == "" || len(f.Exts) == 0 || (f.Read == nil && f.Write == nil) {
		panic(fmt.Sprintf("formats: Register %q: a format needs a name, an extension and a reader or a writer", f.Name))
	}
	for _, e := range f.Exts {
		if !strings.HasPrefix(e, ".") || e != strings.ToLower(e) {
			panic(fmt.Sprintf("formats: Register %q: extension %q is not lower case with a dot", f.Name, e))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, g := range table {
		if g.Name == f.Name {
			panic(fmt.Sprintf("formats: Register %q: the name is taken", f.Name))
		}
	}
	table = append(table, f)
}

// All returns every format, in the table's order.
func All() []Format {
	mu.RLock()
	defer mu.RUnlock()
	return slices.Clone(table)
}

// Published returns the formats podpipe publishes, in the table's order.
func Published() []Format {
	var out []Format
	for _, f := range All() {
		if f.Published() {
			out = append(out, f)
		}
	}
	return out
}

// Writable returns the names of the formats podpipe writes: the choices of
// transcript convert's --to.
func Writable() []string {
	var out []string
	for _, f := range All() {
		if f.Write != nil {
			out = append(out, f.Name)
		}
	}
	return out
}

// MediaTypes returns the media types of the published formats, for
// messages that list them.
func MediaTypes() []string {
	var out []string
	for _, f := range Published() {
		out = append(out, f.MediaType)
	}
	return out
}

// ByName returns the format called name, or nil.
func ByName(name string) *Format {
	for _, f := range All() {
		if f.Name == name {
			return &f
		}
	}
	return nil
}

// ByExt returns the first format with the extension ext (".vtt", any
// case), or nil.
func ByExt(ext string) *Format {
	ext = strings.ToLower(ext)
	for _, f := range All() {
		if slices.Contains(f.Exts, ext) {
			return &f
		}
	}
	return nil
}

// ByMediaType returns the published format served as typ (any case), and
// whether typ is its canonical type rather than an alias; nil when no
// format has the type.
func ByMediaType(typ string) (f *Format, canonical bool) {
	for _, g := range Published() {
		if strings.EqualFold(g.MediaType, typ) {
			return &g, true
		}
		for _, a := range g.Aliases {
			if strings.EqualFold(a, typ) {
				return &g, false
			}
		}
	}
	return nil, false
}

// Detect names the readable format of src: the first whose Sniff holds,
// else the one of name's extension, else the editors' Markdown.
func Detect(name string, src []byte) *Format {
	all := All()
	for _, f := range all {
		if f.Read != nil && f.Sniff != nil && f.Sniff(src) {
			return &f
		}
	}
	ext := strings.ToLower(path.Ext(name))
	for _, f := range all {
		if f.Read != nil && slices.Contains(f.Exts, ext) {
			return &f
		}
	}
	return ByName(Markdown)
}

// Read reads a transcript of any readable format from r, told apart by
// content (the name's extension only breaks a tie). name is used in errors.
func Read(name string, r io.Reader) (*transcript.Transcript, error) {
	src, err := transcript.ReadAll(name, r, transcript.TranscriptLimit)
	if err != nil {
		return nil, err
	}
	if err := transcript.CheckText(name, src); err != nil {
		return nil, err
	}
	return Detect(name, src).Read(name, bytes.NewReader(src))
}
