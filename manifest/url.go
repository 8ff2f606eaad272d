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
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
