package feed

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/podpipe/podpipe/manifest"
)

// TestWriteStreams: the feed reaches the writer item by item, not once
// rendered whole. The oldest episode, the feed's last item, has no guid,
// so Write fails on it: by then every item before it has been written.
func TestWriteStreams(t *testing.T) {
	show, m := sampleShow("https://cdn.example.com/tea/")
	proto := m.Episodes[0]
	const n = 500
	m.Episodes = make([]manifest.Episode, n)
	for i := range m.Episodes {
		e := proto
		e.Slug = "ep-" + itoa(int64(i))
		e.GUID = "guid-" + itoa(int64(i))
		e.Number = i + 1
		e.Date = proto.Date.Add(time.Duration(i) * time.Hour)
		m.Episodes[i] = e
	}
	m.Episodes[0].GUID = ""
	var w strings.Builder
	err := Write(&w, show, m, buildTime)
	if err == nil || !strings.Contains(err.Error(), "ep-0: no guid") {
		t.Fatalf("Write = %v, want the oldest episode's missing guid", err)
	}
	// Items reach w through a buffer of 64 KiB: all but the last
	// buffer's worth are there.
	if got := strings.Count(w.String(), "</item>"); got < n-1-(64<<10)/1000 {
		t.Errorf("%d items written before the failing one, want most of the %d", got, n-1)
	}
}

// countingSource makes each episode anew when it is asked for, as
// manifest.Index decodes it again, and keeps a weak pointer to it: what
// the garbage collector has not freed is still held by someone.
type countingSource struct {
	proto manifest.Episode
	n     int
	mu    sync.Mutex // Episode is called from the writer's workers at once
	made  []weak.Pointer[manifest.Episode]
}

func (s *countingSource) Len() int { return s.n }

func (s *countingSource) Summary(i int) manifest.Summary {
	return manifest.Summary{Slug: "ep-" + itoa(int64(i)), Number: i + 1, Date: s.proto.Date.Add(time.Duration(i) * time.Hour)}
}

func (s *countingSource) Episode(i int) (*manifest.Episode, error) {
	e := new(manifest.Episode)
	*e = s.proto
	sum := s.Summary(i)
	e.Slug, e.Number, e.Date, e.GUID = sum.Slug, sum.Number, sum.Date, "guid-"+sum.Slug
	e.NotesHTML = "<p>" + strings.Repeat("notes ", 200) + "</p>"
	s.mu.Lock()
	s.made = append(s.made, weak.Make(e))
	s.mu.Unlock()
	return e, nil
}

// TestWriteFromKeepsNoEpisodes: WriteFrom asks for each episode once, as
// its item is written, in the feed's order, and keeps none of them once
// written, so that the memory of a feed build does not grow with the
// show's episodes.
func TestWriteFromKeepsNoEpisodes(t *testing.T) {
	show, m := sampleShow("https://cdn.example.com/tea/")
	src := &countingSource{proto: m.Episodes[0], n: 300}
	var w strings.Builder
	if err := WriteFrom(&w, show, m, src, buildTime); err != nil {
		t.Fatal(err)
	}
	if len(src.made) != src.n {
		t.Fatalf("%d episodes asked for, want each of the %d once", len(src.made), src.n)
	}
	if got := strings.Count(w.String(), "</item>"); got != src.n {
		t.Fatalf("%d items, want %d", got, src.n)
	}
	if first := strings.Index(w.String(), "guid-ep-299"); first < 0 || first > strings.Index(w.String(), "guid-ep-0<") {
		t.Errorf("the newest episode is not the first item")
	}
	runtime.GC()
	alive := 0
	for _, p := range src.made {
		if p.Value() != nil {
			alive++
		}
	}
	// A few may be left to a stack slot or a buffer; all of them would
	// be the whole show in memory.
	if alive > 10 {
		t.Errorf("%d of %d episodes still held after the feed was written", alive, src.n)
	}
}
