package markdown_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript/markdown"
)

// within runs f and fails the test if it takes longer than d, so that a
// parse that grinds fails instead of hanging the run.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

// hangLimit is how long a parse may take before it counts as grinding:
// far above what the inputs take, also under the race detector on a
// loaded machine, where reading the 8 MiB source that is refused for its
// size took up to 4.5 s; far below the minutes goldmark ground for.
func hangLimit() time.Duration {
	limit := 10 * time.Second
	if raceEnabled {
		limit *= 6
	}
	return limit
}

func nestedList(levels int) string {
	var b strings.Builder
	for i := range levels {
		b.WriteString(strings.Repeat("  ", i) + "- x\n")
	}
	return b.String()
}

// TestLimits: input that made goldmark grind for seconds or minutes (one
// line of "[a](", a list nested 3,000 deep) is refused before parsing,
// with the line where it goes past the limit.
func TestLimits(t *testing.T) {
	const head = "# T\n\n**A:** hi\n\n" // lines 1-4
	big := head + strings.Repeat("**A:** 你好。\n\n", markdown.MaxSize/len("**A:** 你好。\n\n"))
	for _, tc := range []struct {
		name, src, want string
	}{
		{"links on a line", head + strings.Repeat("[a](", 32000) + "\n", "x.md:5: too large: a line of 128000 bytes, over the 64 KiB a line may have"},
		{"links in a paragraph", head + strings.Repeat("[a](\n", 32000), "x.md:261: too large: over 256 links in the paragraph of line 5"},
		{"images in a paragraph", head + "text\n" + strings.Repeat("![a](", 257), "x.md:6: too large: over 256 links in the paragraph of line 5"},
		{"nested list", head + nestedList(100), "x.md:69: too large: lists, quotes or indentation nested 65 deep, over the 64 a transcript may have"},
		{"list markers", head + strings.Repeat("- ", 3000) + "x\n", "x.md:5: too large: lists, quotes or indentation nested 3000 deep, over the 64 a transcript may have"},
		{"ordered", head + strings.Repeat("1. ", 100) + "x\n", "x.md:5: too large: lists, quotes or indentation nested 100 deep, over the 64 a transcript may have"},
		{"quotes", head + strings.Repeat(">", 3000) + " x\n", "x.md:5: too large: lists, quotes or indentation nested 3000 deep, over the 64 a transcript may have"},
		{"size", big, fmt.Sprintf("x.md: too large: %d bytes, over the 8 MiB a transcript may have", len(big))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			within(t, hangLimit(), func() { _, err = markdown.Parse("x.md", []byte(tc.src)) })
			if !errors.Is(err, markdown.ErrTooLarge) || err.Error() != tc.want {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestUnderLimits: what the limits let through is parsed in bounded time,
// and a long ordinary transcript is not refused.
func TestUnderLimits(t *testing.T) {
	const head = "# T\n\n**A:** hi\n\n"
	var long strings.Builder
	long.WriteString("# T\n\n")
	for i := 0; long.Len() < 1<<20; i++ {
		fmt.Fprintf(&long, "**A:** [%02d:%02d] 第 %d 段，我們今天來聊可觀測性的事情。[連結](https://example.com/%d)\n\n", i/60%60, i%60, i, i)
	}
	for _, tc := range []struct{ name, src string }{
		{"links", head + strings.Repeat("[a](", markdown.MaxLinks) + strings.Repeat("x", markdown.MaxLine-4*markdown.MaxLinks) + "\n"},
		{"links over lines", head + strings.Repeat("[a](\n", markdown.MaxLinks)},
		{"nested list", head + nestedList(markdown.MaxDepth)},
		{"markers", head + strings.Repeat("- ", markdown.MaxDepth) + "x\n"},
		{"emphasis", head + strings.Repeat("**a", markdown.MaxLine/3) + "\n"},
		{"brackets", head + strings.Repeat("[", markdown.MaxLine) + "\n"},
		{"long transcript", long.String()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			start := time.Now()
			within(t, hangLimit(), func() { _, err = markdown.Parse("x.md", []byte(tc.src)) })
			if errors.Is(err, markdown.ErrTooLarge) {
				t.Errorf("refused: %v", err)
			}
			t.Logf("%d bytes in %v", len(tc.src), time.Since(start))
		})
	}
}
