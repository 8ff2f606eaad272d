package manifest

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// episodesReader is a manifest of n episodes, made as it is read and
// counting the bytes read, so that a test can tell how far a reader had
// to read to hand over an episode.
type episodesReader struct {
	n, next int
	pending []byte
	read    int64
	closed  bool
}

func (r *episodesReader) Read(p []byte) (int, error) {
	for len(r.pending) == 0 {
		switch {
		case r.next == 0 && !r.closed && r.read == 0 && r.pending == nil:
			r.pending = []byte(`{"version": 2, "generation": 3, "guid": "g", "updated": "2026-01-01T00:00:00Z", "episodes": [`)
			continue
		case r.next < r.n:
			sep := ","
			if r.next == 0 {
				sep = ""
			}
			r.pending = fmt.Appendf(nil, `%s{"slug": "ep-%05d", "guid": "g%d", "title": "%s", "description": "", "notesHtml": "", "duration": 1, "date": "2026-01-01T00:00:00Z", "audio": {"key": "a.mp3", "size": 1, "sha256": "", "contentType": "audio/mpeg"}, "page": {"key": "p.html", "size": 1, "sha256": "", "contentType": "text/html"}, "transcripts": []}`,
				sep, r.next, r.next, strings.Repeat("字", 200))
			r.next++
		case !r.closed:
			r.pending = []byte(`], "superseded": [{"key": "old.mp3", "since": "2026-01-01T00:00:00Z"}]}` + "\n")
			r.closed = true
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	r.read += int64(n)
	return n, nil
}

// TestReadEachStreams: ReadEach hands over each episode having read little
// more than it, not the whole manifest first, and keeps none of them; what
// follows the episodes is read too.
func TestReadEachStreams(t *testing.T) {
	const n = 2000
	r := &episodesReader{n: n}
	var got int
	var readAt []int64
	m, err := ReadEach(r, func(e *Episode) error {
		if want := fmt.Sprintf("ep-%05d", got); e.Slug != want {
			t.Fatalf("episode %d is %s, want %s", got, e.Slug, want)
		}
		got++
		readAt = append(readAt, r.read)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Fatalf("%d episodes read, want %d", got, n)
	}
	if m.Episodes != nil || m.Generation != 3 || len(m.Superseded) != 1 {
		t.Errorf("manifest read: %d episodes kept, generation %d, superseded %v", len(m.Episodes), m.Generation, m.Superseded)
	}
	// An episode is some 800 bytes; the decoder reads ahead a buffer's
	// worth, which is bounded whatever the manifest's size.
	for i, at := range readAt {
		if ahead := at - int64(i+1)*int64(r.read)/n; ahead > 64<<10 {
			t.Fatalf("episode %d handed over after %d bytes read of %d: %d bytes ahead", i, at, r.read, ahead)
		}
	}
}

// TestReadEachStops: an error from each stops the reading and is returned
// as it is.
func TestReadEachStops(t *testing.T) {
	stop := errors.New("stop")
	var got int
	_, err := ReadEach(&episodesReader{n: 10}, func(e *Episode) error {
		got++
		if got == 3 {
			return stop
		}
		return nil
	})
	if err != stop || got != 3 {
		t.Errorf("ReadEach = %v after %d episodes, want %v after 3", err, got, stop)
	}
}

// TestReadRefuses: what is not a manifest is refused with what is wrong;
// names match regardless of case, as they did.
func TestReadRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"version": 2, "episodes": [], "extra": 1}`, `unknown field "extra"`},
		{`{"version": 2, "episodes": [{"slug": "a", "extra": 1}]}`, `unknown field "extra"`},
		{`{"version": 2, "episodes": {}}`, `where an array should start`},
		{`[]`, `where an object should start`},
		{`{"version": 2, "episodes": [`, `unexpected end`},
		{`{"version": "2"}`, `cannot unmarshal`},
	} {
		_, err := Read(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "manifest: ") {
			t.Errorf("Read(%s) = %v, want an error saying %q", tc.in, err, tc.want)
		}
	}
	m, err := Read(strings.NewReader(`{"Version": 2, "GUID": "g", "Episodes": [{"Slug": "a"}]}`))
	if err != nil || m.GUID != "g" || len(m.Episodes) != 1 || m.Episodes[0].Slug != "a" {
		t.Errorf("names in another case: %+v, %v", m, err)
	}
}

// benchManifest is n episodes of fullManifest's first.
func benchManifest(n int) []byte {
	m := fullManifest()
	e := m.Episodes[0]
	m.Episodes = nil
	for i := range n {
		e.Slug = fmt.Sprintf("ep-%05d", i)
		m.Episodes = append(m.Episodes, e)
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func BenchmarkRead10k(b *testing.B) {
	data := benchManifest(10000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadEach10k(b *testing.B) {
	data := benchManifest(10000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadEach(bytes.NewReader(data), func(*Episode) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite10k(b *testing.B) {
	m, err := Read(bytes.NewReader(benchManifest(10000)))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := m.Write(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadV1Whole10k(b *testing.B) {
	data := benchManifest(10000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var m Manifest
		if err := stdjson.NewDecoder(bytes.NewReader(data)).Decode(&m); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzRoundTrip: whatever Read accepts, Write writes something Read reads
// back to the same manifest, written the same again.
func FuzzRoundTrip(f *testing.F) {
	// Small seeds: the fuzzer stalls minimizing a big one.
	f.Add([]byte(`{"version": 2, "generation": 3, "guid": "g", "showImage": {"key": "c.jpg", "size": 1, "sha256": "ab", "contentType": "image/jpeg"}, "updated": "2026-01-02T03:04:05.6+08:00", "episodes": [{"slug": "01-a", "guid": "x", "title": "<b>\u2028中文", "explicit": false, "description": "", "notesHtml": "", "duration": 67.5, "audio": {"key": "a.mp3", "size": 2, "sha256": "", "contentType": ""}, "page": {"key": "p", "size": 0, "sha256": "", "contentType": ""}, "transcripts": [{"key": "a.vtt", "size": 1, "sha256": "", "contentType": "text/vtt", "format": "vtt"}], "chapterList": [{"start": 0.1, "title": "t"}]}], "unpublished": [{"slug": "b", "guid": "y", "date": "2026-01-01T00:00:00Z", "at": "2026-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"version": 1, "updated": "2025-01-01T00:00:00Z", "episodes": null}`))
	f.Add([]byte(`{"Version": 2, "episodes": [{"slug": "a", "date": "2025-01-01T00:00:00+08:00", "duration": 1e300}], "superseded": []}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var once, twice bytes.Buffer
		if err := m.Write(&once); err != nil {
			return // what JSON cannot hold, such as a year past 9999
		}
		back, err := Read(bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("written %s, read back: %v", once.Bytes(), err)
		}
		if err := back.Write(&twice); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("written again differs:\n%s\nthen:\n%s", once.Bytes(), twice.Bytes())
		}
	})
}
