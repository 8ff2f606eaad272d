package rules

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// CheckURL accepts a URL podpipe may publish: an absolute http or https URL
// with a host and no white space or control characters. Everything a feed,
// a chapters file or an audio tag links to passes through it, so that a
// javascript:, data: or file: link in a source never reaches a listener's
// app, and a URL with a space (which url.Parse takes) never reaches a CDN.
// A URL with a user name or password is refused without being repeated:
// what is published is public, and the message may be too.
func CheckURL(s string) error {
	if HasUserinfo(s) {
		return ErrUserinfo
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%q is not an absolute http or https URL", s)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r >= 0x80 && r <= 0x9f }) {
		return fmt.Errorf("%q has a space or control character: percent-encode it (%%20)", s)
	}
	return nil
}

// ErrUserinfo is a URL with a user name or password before its host.
var ErrUserinfo = errors.New("the URL has a user name or password in it (user:pass@); it would be published: remove it")

// HasUserinfo reports whether the URL s has a user name or password before
// its host (scheme://user:pass@host/), even one url.Parse would refuse.
func HasUserinfo(s string) bool {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		rest, ok = strings.CutPrefix(s, "//")
	}
	if !ok {
		return false // mailto:a@example.org has no host part
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return strings.Contains(rest, "@")
}
