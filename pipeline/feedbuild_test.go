package pipeline

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/podpipe/podpipe/manifest"
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
