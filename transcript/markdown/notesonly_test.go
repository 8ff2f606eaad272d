package markdown_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// With NotesOnly, an episode of show notes and no turns reads as its
// title and notes; Parse still refuses it (transcript convert has nothing
// to convert).
func TestNotesOnly(t *testing.T) {
	for _, tc := range []struct {
		name, src, notes string
	}{
		{"notes paragraphs", head + "Notes with a [link](https://example.com/).\n\n- one\n- two\n", `<a href="https://example.com/">link</a>`},
		{"notes section and cue", head + "## Show notes\n\nWhat we talk about.\n\n*(音樂)*\n", "What we talk about."},
		{"front matter description", "+++\ndescription = \"From the old feed.\"\n+++\n" + head, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := markdown.Parse("ep.md", []byte(tc.src)); !errors.Is(err, transcript.ErrNoSpeech) {
				t.Errorf("Parse: error %v, want ErrNoSpeech", err)
			}
			tr, err := markdown.ParseWith("ep.md", []byte(tc.src), markdown.Options{NotesOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Title != "Title" || tr.Description == "" {
				t.Errorf("title %q, description %q: want both", tr.Title, tr.Description)
			}
			if !strings.Contains(tr.NotesHTML, tc.notes) {
				t.Errorf("notes HTML %q has no %q", tr.NotesHTML, tc.notes)
			}
			for _, u := range tr.Units {
				if u.Kind == transcript.Speech {
					t.Errorf("a speech unit: %+v", u)
				}
			}
		})
	}
}

// A file with neither turns nor notes is refused even with NotesOnly, at
// its last line; one without a title is refused for that.
func TestNotesOnlyNothingToSay(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
		is              error
	}{
		{"title only", head, "ep.md:1: no speaker turns and no show notes", transcript.ErrNoSpeech},
		{"cues only", head + "## 對談內容\n\n*(音樂)*\n", "ep.md:5: no speaker turns and no show notes", transcript.ErrNoSpeech},
		{"empty", "", "ep.md:1: empty transcript", transcript.ErrEmpty},
		{"notes without title", "Just notes.\n", "ep.md:1: no title", transcript.ErrNoTitle},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := markdown.ParseWith("ep.md", []byte(tc.src), markdown.Options{NotesOnly: true})
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.Is(err, tc.is) {
				t.Fatalf("error %v, want %s… (%v)", err, tc.want, tc.is)
			}
		})
	}
}
