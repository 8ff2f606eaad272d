package feed

import (
	"bytes"
	"context"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/rules"
)

// wellFormed reports whether an HTML fragment as podpipe writes it (XHTML
// tags, escaped text) closes every tag it opens.
func wellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader("<div>" + s + "</div>"))
	d.Strict = true
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() == "EOF" {
				return nil
			}
			return err
		}
	}
}

// Apple shows at most 4000 bytes of an item's description; podpipe's own
// validator warns past that, and a feed podpipe publishes must pass clean.
// The description is cut at whole elements, keeps the chapter list Apple
// reads chapters from, and content:encoded keeps the notes whole.
func TestLongDescription(t *testing.T) {
	para := "<p>Tom &amp; Jerry &lt;talk&gt; about &quot;tea&quot; ]]&gt; 🎉 茶與程式, paragraph after paragraph.</p>\n"
	items := "<ul>\n" + strings.Repeat("<li><strong>Guest:</strong> a line &amp; more 🎙</li>\n", 120) + "</ul>\n"
	chs := []manifest.Chapter{{Start: 0, Title: "Intro & <hello>"}, {Start: 75, Title: "Middle"}, {Start: 300, Title: "End 🎉"}}
	tests := []struct {
		name  string
		notes string
		wantP int // whole paragraphs the description should keep at least
	}{
		{"many paragraphs", strings.Repeat(para, 80), 20},
		{"one huge paragraph", "<p>" + strings.Repeat("Tom &amp; Jerry &lt;3 茶 🎉 ", 600) + "</p>\n", 0},
		{"a list longer than the limit first", items + para, 0},
		{"a paragraph then a huge list", para + items, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, m := sampleShow("https://cdn.example.com/tea/")
			e := &m.Episodes[1]
			e.NotesHTML = tt.notes
			e.ChapterList = chs
			var b bytes.Buffer
			if err := Write(&b, cfg, m, buildTime); err != nil {
				t.Fatal(err)
			}
			f, err := gofeed.NewParser().Parse(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			desc, content := f.Items[0].Description, f.Items[0].Content
			if len(desc) > rules.MaxDescription {
				t.Errorf("description is %d bytes, more than Apple's %d", len(desc), rules.MaxDescription)
			}
			if err := wellFormed(desc); err != nil {
				t.Errorf("description is not well-formed: %v\n%s", err, desc)
			}
			list := chapterList(chs)
			if !strings.HasSuffix(desc, list) {
				t.Errorf("description lost the chapter list; ends %q", desc[max(0, len(desc)-200):])
			}
			if !strings.Contains(desc, "🎉") && !strings.Contains(desc, "Tom") && !strings.Contains(desc, "Guest") {
				t.Errorf("description kept nothing of the notes: %q", desc)
			}
			if got := strings.Count(desc, "</p>") - strings.Count(list, "</p>"); got < tt.wantP {
				t.Errorf("description kept %d paragraphs of the notes, want at least %d", got, tt.wantP)
			}
			if want := tt.notes + "\n" + list; content != want {
				t.Errorf("content:encoded is not the whole notes and chapters (%d bytes, want %d)", len(content), len(want))
			}
			fs, err := Validate(context.Background(), &b, ValidateOptions{Offline: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, fd := range fs {
				if strings.Contains(fd.String(), "description") {
					t.Errorf("validator: %s", fd)
				}
			}
		})
	}
}

func TestHTMLBlocks(t *testing.T) {
	in := "<p>a <em>b</em></p>\n<ul>\n<li>x<br>y</li>\n<li>z</li>\n</ul>\ntext <br/> end"
	got := htmlBlocks(in)
	if strings.Join(got, "") != in {
		t.Fatalf("blocks %q do not join back to the input", got)
	}
	want := []string{"<p>a <em>b</em></p>", "\n<ul>\n<li>x<br>y</li>\n<li>z</li>\n</ul>", "\ntext <br/>", " end"}
	if len(got) != len(want) {
		t.Fatalf("htmlBlocks = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("block %d = %q, want %q", i, got[i], want[i])
		}
	}
}
