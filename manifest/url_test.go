package manifest

import (
	"net/url"
	"strings"
	"testing"
)

// TestEscapeKey: each segment is escaped as url.PathEscape escapes it,
// whether the key takes the plain keys' shortcut or not.
func TestEscapeKey(t *testing.T) {
	keys := []string{"", "/", "episodes/01-a/01-a-80a9.mp3", "a b/c#d", "節目/第一集.mp3", "a%2Fb", "x?y=1&z", "~user/.hidden_", "a//b/"}
	for c := 0; c < 0x80; c++ {
		keys = append(keys, "ep/"+string(rune(c))+"/x")
	}
	for _, key := range keys {
		segs := strings.Split(key, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		if got, want := EscapeKey(key), strings.Join(segs, "/"); got != want {
			t.Errorf("EscapeKey(%q) = %q, want %q", key, got, want)
		}
	}
	if got := URL("https://cdn.example.com/show", "a b/c.mp3"); got != "https://cdn.example.com/show/a%20b/c.mp3" {
		t.Errorf("URL = %q", got)
	}
}
