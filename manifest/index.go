package manifest

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
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

// summaryBatch is what one worker summarizes: episodes' JSON, one after
// another.
type summaryBatch struct {
	raw  []byte  // the episodes' JSON
	ends []int   // where each ends in raw
	at   []int64 // where each starts in the manifest
	sums []Summary
	err  error // the first episode's that cannot be summarized
}

// indexBatch is how many episodes a summaryBatch holds: enough to make
// handing it over cheap beside decoding it.
const indexBatch = 64

// read reads each episode's JSON whole, which checks it is JSON, and hands
// it to a worker to decode its Summary: decoding the few members of a
// Summary out of each episode took three times as long as reading it, on
// one core.
func (x *Index) read(dec *jsontext.Decoder) error {
	if ok, err := openEpisodes(dec); !ok {
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	todo := make(chan *summaryBatch, 2*workers)
	free := make(chan []byte, 4*workers) // summarized batches' raw
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range todo {
				b.summarize()
				select {
				case free <- b.raw[:0]:
				default:
				}
				b.raw = nil
			}
		})
	}
	var batches []*summaryBatch
	cur := &summaryBatch{}
	flush := func() {
		batches = append(batches, cur)
		todo <- cur
		cur = &summaryBatch{}
		select {
		case cur.raw = <-free:
		default:
		}
	}
	var err error
	for dec.PeekKind() != ']' {
		start := dec.InputOffset()
		var v jsontext.Value
		if v, err = dec.ReadValue(); err != nil {
			break
		}
		end := dec.InputOffset()
		x.spans = append(x.spans, [2]int64{start, end})
		cur.raw = append(cur.raw, v...)
		cur.ends = append(cur.ends, len(cur.raw))
		cur.at = append(cur.at, end-int64(len(v)))
		if len(cur.ends) == indexBatch {
			flush()
		}
	}
	if len(cur.ends) > 0 {
		flush()
	}
	close(todo)
	wg.Wait()
	// An episode that cannot be summarized comes before where the reading
	// failed, if it did.
	x.Summaries = make([]Summary, 0, len(x.spans))
	for _, b := range batches {
		if b.err != nil {
			return callbackError{b.err}
		}
		x.Summaries = append(x.Summaries, b.sums...)
	}
	if err != nil {
		return err
	}
	_, err = dec.ReadToken()
	return err
}

// summarize decodes the Summary of each episode in b, up to the first
// that fails.
func (b *summaryBatch) summarize() {
	from := 0
	for k, to := range b.ends {
		var s struct {
			Slug    string    `json:"slug"`
			Number  int       `json:"number"`
			Date    time.Time `json:"date"`
			Persons []Person  `json:"persons"`
		}
		if err := json.Unmarshal(b.raw[from:to], &s, indexOptions); err != nil {
			b.err = fmt.Errorf("manifest: at byte %d: %w", b.at[k], err)
			return
		}
		e := Episode{Slug: s.Slug, Number: s.Number, Date: s.Date, Persons: s.Persons}
		b.sums = append(b.sums, SummaryOf(&e))
		from = to
	}
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
