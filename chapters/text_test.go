package chapters

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestWriteTextRoundTrip: a text list WriteText writes reads back with
// Parse to the same chapters, to the millisecond.
func TestWriteTextRoundTrip(t *testing.T) {
	in := []Chapter{
		{Start: 0, Title: "開場"},
		{Start: 4*time.Minute + 36145*time.Millisecond, Title: "你們的黃金路徑長什麼樣子", URL: "https://example.com/a?b=1"},
		{Start: 10 * time.Minute, Title: "hidden", Hidden: true},
		{Start: time.Hour + 2*time.Second, Title: "two\nlines  -  kept on one"},
	}
	var b bytes.Buffer
	if err := WriteText(&b, in); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "hidden") {
		t.Errorf("a hidden chapter was written:\n%s", b.String())
	}
	out, err := Parse("x.chapters.txt", &b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	want := []Chapter{in[0], in[1], {Start: in[3].Start, Title: "two lines - kept on one"}}
	if len(out) != len(want) {
		t.Fatalf("read back %d chapters, want %d", len(out), len(want))
	}
	for i := range want {
		if out[i].Start != want[i].Start || out[i].Title != want[i].Title || out[i].URL != want[i].URL {
			t.Errorf("chapter %d: read back %+v, want %+v", i+1, out[i], want[i])
		}
	}
}
