package manifest

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestReadIndex: an Index has the manifest's every member but its
// episodes, and each episode, asked for in any order, decodes as Read
// decodes it, from its bytes alone; its Summary says its order and its
// hosts.
func TestReadIndex(t *testing.T) {
	no := false
	m := &Manifest{GUID: "show-guid", Generation: 7, Updated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Superseded: []Superseded{{Key: "old.mp3", Since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	for i, slug := range []string{"01-a", "02-b", "03-c"} {
		e := ep(slug, slug+".mp3", slug+".vtt")
		e.Number = i + 1
		e.Title = "標題 " + slug + ` "quoted", \ and </b>`
		e.Date = time.Date(2026, 3, i+1, 0, 0, 0, 0, time.UTC)
		e.Explicit = &no
		e.Persons = []Person{{Name: "Ann", Role: "host"}, {Name: "Guest " + slug, Role: "guest"}}
		e.ChapterList = []Chapter{{Start: 0, Title: "開場"}, {Start: 30, Title: "[brackets], {braces}"}}
		m.Episodes = append(m.Episodes, e)
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	whole, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	x, err := ReadIndex(bytes.NewReader(data), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if x.Episodes != nil || x.GUID != "show-guid" || x.Generation != 7 || len(x.Superseded) != 1 {
		t.Errorf("index's manifest = %+v, want every member but the episodes", x.Manifest)
	}
	if x.Len() != 3 {
		t.Fatalf("Len = %d, want 3", x.Len())
	}
	for _, i := range []int{2, 0, 1, 2} {
		e, err := x.Episode(i)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*e, whole.Episodes[i]) {
			t.Errorf("episode %d = %+v, want %+v", i, *e, whole.Episodes[i])
		}
		s := x.Summary(i)
		if want := SummaryOf(&whole.Episodes[i]); !reflect.DeepEqual(s, want) {
			t.Errorf("summary %d = %+v, want %+v", i, s, want)
		}
		if len(s.Hosts) != 1 || s.Hosts[0].Name != "Ann" {
			t.Errorf("summary %d hosts = %+v, want Ann alone", i, s.Hosts)
		}
	}
}

// TestReadIndexRefuses: what Read refuses in an episode, Episode refuses,
// naming where it is; broken JSON is refused by ReadIndex itself.
func TestReadIndexRefuses(t *testing.T) {
	good := `{"version": 3, "updated": "2026-01-01T00:00:00Z", "episodes": [{"slug": "a", "guid": "g", "date": "2026-01-01T00:00:00Z"}, `
	bad := good + `{"slug": "b", "guid": "g2", "date": "2026-01-01T00:00:00Z", "duration": "long"}]}`
	x, err := ReadIndex(strings.NewReader(bad), strings.NewReader(bad))
	if err != nil {
		t.Fatalf("ReadIndex: %v, want the episode's error left to Episode", err)
	}
	if _, err := x.Episode(0); err != nil {
		t.Errorf("episode 0: %v", err)
	}
	if _, err := x.Episode(1); err == nil || !strings.Contains(err.Error(), "at byte") || !strings.Contains(err.Error(), "duration") {
		t.Errorf("episode 1: err = %v, want one naming the byte and the member", err)
	}
	if _, err := Read(strings.NewReader(bad)); err == nil {
		t.Errorf("Read took what Episode refuses")
	}
	badSummary := good + `{"slug": "b", "guid": "g2", "date": "2026-01-01T00:00:00Z", "number": "two"}]}`
	if _, err := ReadIndex(strings.NewReader(badSummary), strings.NewReader(badSummary)); err == nil ||
		!strings.Contains(err.Error(), "at byte") || !strings.Contains(err.Error(), "number") {
		t.Errorf("ReadIndex of a number that is not: err = %v, want one naming the byte and the member", err)
	}
	for _, ep := range []string{`"b"]}`, `[{"slug": "b"}]]}`} {
		if _, err := ReadIndex(strings.NewReader(good+ep), strings.NewReader(good+ep)); err == nil {
			t.Errorf("ReadIndex took an episode that is not an object: %s", ep)
		}
	}
	broken := good + `{"slug": "b",]}`
	if _, err := ReadIndex(strings.NewReader(broken), strings.NewReader(broken)); err == nil {
		t.Errorf("ReadIndex took broken JSON")
	}
}

// TestReadIndexOrder: the summaries of a manifest of many episodes are in
// the manifest's order.
func TestReadIndexOrder(t *testing.T) {
	const n = 643
	data := benchManifest(n)
	x, err := ReadIndex(bytes.NewReader(data), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != n {
		t.Fatalf("Len = %d, want %d", x.Len(), n)
	}
	for i := range n {
		if got, want := x.Summary(i).Slug, fmt.Sprintf("ep-%05d", i); got != want {
			t.Fatalf("summary %d is of %s, want %s", i, got, want)
		}
	}
	if e, err := x.Episode(n - 1); err != nil || e.Slug != fmt.Sprintf("ep-%05d", n-1) {
		t.Errorf("last episode = %v, %v", e, err)
	}
}

func BenchmarkReadIndex10k(b *testing.B) {
	data := benchManifest(10000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadIndex(bytes.NewReader(data), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIndexEpisodes10k(b *testing.B) {
	data := benchManifest(10000)
	x, err := ReadIndex(bytes.NewReader(data), bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		for i := range x.Len() {
			if _, err := x.Episode(i); err != nil {
				b.Fatal(err)
			}
		}
	}
}
