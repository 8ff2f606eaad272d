package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func ep(slug string, keys ...string) Episode {
	e := Episode{Slug: slug, GUID: "guid-" + slug, Audio: Object{Key: keys[0]}, Page: Object{Key: "episodes/" + slug + ".html"}}
	for _, k := range keys[1:] {
		e.Transcripts = append(e.Transcripts, Transcript{Object: Object{Key: k}, Format: "vtt"})
	}
	e.Transcripts = append(e.Transcripts, Transcript{Object: e.Page, Format: "html"})
	return e
}

func keysOf(ss []Superseded) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Key)
	}
	return out
}

// TestUnpublishRestore: an unpublished episode leaves the feed's episodes,
// keeps its guid and its objects (once each) unless deleted, and a
// restore takes it out of the unpublished ones.
func TestUnpublishRestore(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	m := &Manifest{Episodes: []Episode{ep("01-a", "a.mp3", "a.vtt"), ep("02-b", "b.mp3")}}
	if m.Unpublish("03-none", at, false) {
		t.Errorf("unpublishing an episode never published reports it was")
	}
	if !m.Unpublish("01-a", at, false) {
		t.Fatal("01-a not unpublished")
	}
	if m.Find("01-a") != nil || len(m.Episodes) != 1 {
		t.Errorf("01-a still among the episodes: %+v", m.Episodes)
	}
	u := m.FindUnpublished("01-a")
	if u == nil || u.GUID != "guid-01-a" || !u.At.Equal(at) {
		t.Fatalf("unpublished record = %+v", u)
	}
	var got []string
	for _, o := range u.Objects {
		got = append(got, o.Key)
	}
	if want := []string{"a.mp3", "episodes/01-a.html", "a.vtt"}; !slices.Equal(got, want) {
		t.Errorf("kept objects %v, want %v", got, want)
	}
	if !m.Linked()["a.mp3"] {
		t.Errorf("the objects of an unpublished episode are still stored, so kept")
	}
	m.Unpublish("02-b", at, true)
	if u := m.FindUnpublished("02-b"); u == nil || len(u.Objects) != 0 {
		t.Errorf("deleted episode's record = %+v, want no objects", u)
	}
	if r, ok := m.Restore("01-a"); !ok || r.GUID != "guid-01-a" || m.FindUnpublished("01-a") != nil {
		t.Errorf("restore = %+v, %v; left %+v", r, ok, m.Unpublished)
	}

	// The record survives encoding.
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.FindUnpublished("02-b") == nil {
		t.Errorf("the unpublished record did not survive: %s", buf.String())
	}
}

// TestSupersedeExpire: superseded keys are recorded once, from the first
// time; a key linked again is dropped; only those past the grace period
// expire.
func TestSupersedeExpire(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const keep = 7 * 24 * time.Hour
	m := &Manifest{Episodes: []Episode{ep("01-a", "a2.mp3")}}
	m.Supersede([]string{"a1.mp3", "episodes/01-a.html", "a1.vtt"}, t0)
	m.Supersede([]string{"a1.mp3", "a0.mp3"}, t0.Add(time.Hour))
	if got, want := keysOf(m.Superseded), []string{"a0.mp3", "a1.mp3", "a1.vtt"}; !slices.Equal(got, want) {
		t.Fatalf("superseded %v, want %v (the page is still linked)", got, want)
	}
	if s := m.Superseded[1]; !s.Since.Equal(t0) {
		t.Errorf("a1.mp3 superseded since %v, want the first time %v", s.Since, t0)
	}
	if got := m.Expired(t0.Add(keep-time.Second), keep); len(got) != 0 {
		t.Errorf("expired before the grace period: %v", got)
	}
	if got, want := keysOf(m.Expired(t0.Add(keep), keep)), []string{"a1.mp3", "a1.vtt"}; !slices.Equal(got, want) {
		t.Errorf("expired %v, want %v", got, want)
	}
	// a1.vtt is linked again (an edit undone): no longer superseded.
	m.Episodes[0].Transcripts = append(m.Episodes[0].Transcripts, Transcript{Object: Object{Key: "a1.vtt"}})
	m.Supersede(nil, t0)
	if got, want := keysOf(m.Superseded), []string{"a0.mp3", "a1.mp3"}; !slices.Equal(got, want) {
		t.Errorf("after relinking a1.vtt: superseded %v, want %v", got, want)
	}
	m.Forget([]string{"a1.mp3", "a0.mp3"})
	if m.Superseded != nil {
		t.Errorf("forgotten, still %v", m.Superseded)
	}
}

// TestVersions: a version 1 manifest (before the generation) and a version
// 2 one (before the episodes' base URL) are read, and written back as the
// current version; a version from a newer podpipe is refused.
func TestVersions(t *testing.T) {
	for _, old := range []string{
		`{"version": 1, "updated": "2025-01-01T00:00:00Z", "episodes": []}`,
		`{"version": 2, "generation": 4, "updated": "2025-01-01T00:00:00Z", "episodes": [{"slug": "01-x", "guid": "g"}]}`,
	} {
		m, err := Read(bytes.NewReader([]byte(old)))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			t.Fatal(err)
		}
		if back, err := Read(&buf); err != nil || back.Version != CurrentVersion {
			t.Errorf("written back as version %v, %v; want %d", back, err, CurrentVersion)
		}
	}
	newer := fmt.Sprintf(`{"version": %d, "episodes": []}`, CurrentVersion+1)
	if _, err := Read(bytes.NewReader([]byte(newer))); err == nil {
		t.Errorf("version %d read without complaint", CurrentVersion+1)
	}
}

// TestReadEndless checks that a manifest without end (a store that keeps
// sending) is refused at MaxSize, not read until memory runs out.
func TestReadEndless(t *testing.T) {
	endless := io.MultiReader(strings.NewReader(`{"version": 1, "guid": "`), xs{})
	if _, err := Read(endless); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read of an endless manifest: %v, want %v", err, ErrTooLarge)
	}
	if _, err := Read(strings.NewReader(`{"version": 1}`)); err != nil {
		t.Errorf("Read of a small manifest: %v", err)
	}
}

// xs is x over and over, for ever.
type xs struct{}

func (xs) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}
