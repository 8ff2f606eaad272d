package manifest

import (
	"net/url"
	"strings"
)

// URL is the public URL of the object key, given base, the public URL of
// the storage root. Each path segment is percent-encoded: a slug may hold
// spaces, "#" or CJK, and a feed's URLs must be plain ASCII URLs (Apple).
func URL(base, key string) string {
	if base != "" && base[len(base)-1] != '/' {
		base += "/"
	}
	return base + EscapeKey(key)
}

// EscapeKey percent-encodes each "/"-separated segment of an object key for
// use as a URL path; a key of plain ASCII letters, digits and "-_." is
// returned as it is.
func EscapeKey(key string) string {
	// Most keys are plain: a feed's items have some ten each, and
	// splitting and joining them was a tenth of writing a big feed.
	if plainKey(key) {
		return key
	}
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// plainKey says whether key holds only what url.PathEscape leaves as it
// is, and "/".
func plainKey(key string) bool {
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
			return false
		}
	}
	return true
}
