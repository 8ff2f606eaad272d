package manifest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Summary is what orders an episode among the others (the feed's order
// and the home page's) and the hosts it names: the few fields a writer
// needs of every episode before it writes the first.
type Summary struct {
	Slug   string
	Number int
	Date   time.Time
	// Hosts are its persons of role host or co-host.
	Hosts []Person
}

// SummaryOf is e's Summary.
func SummaryOf(e *Episode) Summary {
	s := Summary{Slug: e.Slug, Number: e.Number, Date: e.Date}
	for _, p := range e.Persons {
		if p.Role == "host" || p.Role == "co-host" {
			s.Hosts = append(s.Hosts, p)
		}
	}
	return s
}

// Index is a manifest whose episodes stay in the JSON they were read
// from, each decoded again when it is asked for: a show of 10,000
// episodes has a 44 MB manifest, whose episodes decoded take some 35 MB,
// and their Summaries a few hundred bytes each. Episode may be called
// from several goroutines at once, as the feed's writer does.
type Index struct {
	// Manifest has every field but Episodes.
	*Manifest
	// Summaries are the episodes' summaries, in the manifest's order.
	Summaries []Summary

	spans [][2]int64 // each episode's bytes in src, perhaps after a comma
	src   io.ReaderAt
	bufs  sync.Pool // of *[]byte, for an episode's bytes
}

// indexOptions read an episode's summary: its other members are skipped
// (Episode checks them when it decodes the episode).
var indexOptions = json.JoinOptions(readOptions, json.RejectUnknownMembers(false))

// ReadIndex reads a manifest from r keeping, of each episode, its
// Summary and where its JSON lies in src, which holds the bytes r reads
// (the same file, or a copy written as r is read) from offset 0 and is
// read from only when an episode is asked for. A member of an episode
// that is not of Episode, or of the wrong type, is found by Episode, not
// here.
func ReadIndex(r io.Reader, src io.ReaderAt) (*Index, error) {
	x := &Index{src: src}
	m, err := readWith(r, indexOptions, x.read)
	if err != nil {
		return nil, err
	}
	x.Manifest = m
	return x, nil
}

// read keeps each episode's Summary and span. Its members other than a
// Summary's are read whole (ReadValue), which checks them as JSON as the
// decoder reads on: a decoder skips an array or object token by token,
// which made decoding a struct of a Summary's few members, with the rest
// skipped, three times as slow as reading the episode whole.
func (x *Index) read(dec *jsontext.Decoder) error {
	if ok, err := openEpisodes(dec); !ok {
		return err
	}
	for dec.PeekKind() != ']' {
		start := dec.InputOffset()
		s, err := readSummary(dec)
		if err != nil {
			return err
		}
		x.Summaries = append(x.Summaries, s)
		x.spans = append(x.spans, [2]int64{start, dec.InputOffset()})
	}
	_, err := dec.ReadToken()
	return err
}

// readSummary reads an episode, keeping its Summary. Names match as
// Episode's decoding matches them (v1's): without regard to case, the
// last of the same name winning; a null is an empty episode.
func readSummary(dec *jsontext.Decoder) (Summary, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return Summary{}, err
	}
	switch tok.Kind() {
	case 'n':
		return Summary{}, nil
	case '{':
	default:
		return Summary{}, fmt.Errorf("episode: %s where an object should start", tok.Kind())
	}
	var e Episode
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return Summary{}, err
		}
		name := tok.String() // tok is void once dec reads on
		var field any
		switch {
		case strings.EqualFold(name, "slug"):
			field = &e.Slug
		case strings.EqualFold(name, "number"):
			field = &e.Number
		case strings.EqualFold(name, "date"):
			field = &e.Date
		case strings.EqualFold(name, "persons"):
			e.Persons = nil
			field = &e.Persons
		}
		if field != nil {
			err = json.UnmarshalDecode(dec, field, indexOptions)
		} else {
			_, err = dec.ReadValue()
		}
		if err != nil {
			return Summary{}, fmt.Errorf("episode: %s: %w", name, err)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return Summary{}, err
	}
	return SummaryOf(&e), nil
}

// Len is the number of episodes.
func (x *Index) Len() int { return len(x.Summaries) }

// Summary is episode i's Summary.
func (x *Index) Summary(i int) Summary { return x.Summaries[i] }

// Episode decodes episode i (in the manifest's order) from the source,
// as Read would have.
func (x *Index) Episode(i int) (*Episode, error) {
	start, end := x.spans[i][0], x.spans[i][1]
	bp, _ := x.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer x.bufs.Put(bp)
	if n := int(end - start); cap(*bp) < n {
		*bp = make([]byte, n)
	}
	raw := (*bp)[:end-start]
	if _, err := x.src.ReadAt(raw, start); err != nil {
		return nil, fmt.Errorf("manifest: episode %s: %w", x.Summaries[i].Slug, err)
	}
	// The span starts after the token before it: the array's '[' or the
	// comma after the episode before.
	b := bytes.TrimLeft(raw, " \t\r\n,")
	var e Episode
	if err := json.Unmarshal(b, &e, readOptions); err != nil {
		return nil, fmt.Errorf("manifest: at byte %d: %w", start+int64(len(raw)-len(b)), err)
	}
	return &e, nil
}
