package pipeline

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/storage/local"
)

// TestFeedLeavesManifest: where feedLeavesManifest says feed build's
// change leaves the manifest as it was, applying the change and encoding
// the manifest again gives the bytes read; where those differ, it never
// says so.
func TestFeedLeavesManifest(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cover := &manifest.Object{Key: "cover-1.jpg", Size: 10, SHA256: "aa", ContentType: "image/jpeg"}
	other := &manifest.Object{Key: "cover-2.jpg", Size: 10, SHA256: "bb", ContentType: "image/jpeg"}
	ep := manifest.Episode{Slug: "01-a", GUID: "g-a", Date: now, Audio: manifest.Object{Key: "a.mp3"}, Page: manifest.Object{Key: "episodes/01-a.html"}}
	base := func() *manifest.Manifest {
		return &manifest.Manifest{Version: manifest.CurrentVersion, Generation: 4, GUID: "show", ShowImage: cover, Updated: now, Episodes: []manifest.Episode{ep}}
	}
	tests := []struct {
		name  string
		edit  func(*manifest.Manifest)
		cover *manifest.Object
		etag  string
		want  bool
	}{
		{"as published", func(*manifest.Manifest) {}, cover, "e1", true},
		{"the same cover, another pointer", func(*manifest.Manifest) {}, &manifest.Object{Key: "cover-1.jpg", Size: 10, SHA256: "aa", ContentType: "image/jpeg"}, "e1", true},
		{"a new cover", func(*manifest.Manifest) {}, other, "e1", false},
		{"the cover removed", func(*manifest.Manifest) {}, nil, "e1", false},
		{"a first cover", func(m *manifest.Manifest) { m.ShowImage = nil }, cover, "e1", false},
		{"no cover either way", func(m *manifest.Manifest) { m.ShowImage = nil }, nil, "e1", true},
		{"no guid yet", func(m *manifest.Manifest) { m.GUID = "" }, cover, "e1", false},
		{"nothing published", func(*manifest.Manifest) {}, cover, "", false},
		{"version 1", func(m *manifest.Manifest) { m.Version = 1 }, cover, "e1", false},
		{"superseded objects", func(m *manifest.Manifest) {
			m.Superseded = []manifest.Superseded{{Key: "old.mp3", Since: now}}
		}, cover, "e1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.edit(m)
			// As stored: Write writes the current version, which a
			// manifest of version 1 had not.
			version := m.Version
			var stored bytes.Buffer
			if err := m.Write(&stored); err != nil {
				t.Fatal(err)
			}
			read, err := manifest.Read(bytes.NewReader(bytes.Replace(stored.Bytes(), []byte(`"version": `+strconv.Itoa(manifest.CurrentVersion)), []byte(`"version": `+strconv.Itoa(version)), 1)))
			if err != nil {
				t.Fatal(err)
			}
			got := feedLeavesManifest(read, tc.etag, tc.cover)
			before := stored.Bytes() // what was read, written as Write writes
			if got != tc.want {
				t.Errorf("feedLeavesManifest = %v, want %v", got, tc.want)
			}
			guid := read.GUID
			if guid == "" {
				guid = "show"
			}
			read.GUID = guid
			upsertEpisodes(nil, tc.cover, nil, now)(read)
			if same := bytes.Equal(before, mustEncode(t, read)) && version == manifest.CurrentVersion; got && !same {
				t.Errorf("said to leave the manifest as it was, but the change changes it")
			}
		})
	}
}

func mustEncode(t *testing.T, m *manifest.Manifest) []byte {
	t.Helper()
	data, err := encodeManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// streamStore is a store whose objects read as a stream, as S3's do, not
// as the local store's files.
type streamStore struct{ storage.Store }

func (s streamStore) Get(ctx context.Context, key string) (io.ReadCloser, storage.ObjectInfo, error) {
	rc, info, err := s.Store.Get(ctx, key)
	if err != nil {
		return nil, info, err
	}
	return struct {
		io.Reader
		io.Closer
	}{rc, rc}, info, nil
}

// TestBuildFeedFromStream: feed build over a store that streams the
// manifest (read through a copy of it in the work folder) renders the
// feed and home page it renders over the local store's own file.
func TestBuildFeedFromStream(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	ctx := context.Background()
	st, err := local.New(cfg.LocalStorageDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newPipeline(t, cfg, st, Options{}).PublishAll(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	// Each run's config edit changes the feed and the home page, which
	// are rendered anew, dated now.
	build := func(store storage.Store, desc string) (feed, home []byte) {
		t.Helper()
		cfg.Show.Description = desc
		if _, err := newPipeline(t, cfg, store, Options{Now: func() time.Time { return now }}).BuildFeed(ctx); err != nil {
			t.Fatal(err)
		}
		for _, b := range []*[]byte{&feed, &home} {
			key := "feed.xml"
			if b == &home {
				key = "index.html"
			}
			if *b, err = os.ReadFile(filepath.Join(cfg.LocalStorageDir(), key)); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Contains(feed, []byte(desc)) || !bytes.Contains(home, []byte(desc)) {
			t.Fatalf("the feed or the home page lacks the new description %q", desc)
		}
		return feed, home
	}
	wantFeed, wantHome := build(st, "Described from the file.")
	build(streamStore{st}, "Described otherwise.")
	gotFeed, gotHome := build(streamStore{st}, "Described from the file.")
	if !bytes.Equal(gotFeed, wantFeed) {
		t.Errorf("the feed built from a stream differs from the one built from the file:\n%s\nwant:\n%s", gotFeed, wantFeed)
	}
	if !bytes.Equal(gotHome, wantHome) {
		t.Errorf("the home page built from a stream differs from the one built from the file")
	}
	f, err := os.Open(filepath.Join(cfg.LocalStorageDir(), manifest.Key))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := manifest.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(gotFeed, []byte("<item>")); n != len(m.Episodes) || n == 0 {
		t.Errorf("the feed has %d items, want the manifest's %d", n, len(m.Episodes))
	}
}
