package rules

import (
	"fmt"
	"net/url"
	"strings"
)

// CheckURL accepts a URL podpipe may publish: an absolute http or https URL
// with a host and no white space or control characters. Everything a feed,
// a chapters file or an audio tag links to passes through it, so that a
// javascript:, data: or file: link in a source never reaches a listener's
// app, and a URL with a space (which url.Parse takes) never reaches a CDN.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%q is not an absolute http or https URL", s)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r >= 0x80 && r <= 0x9f }) {
		return fmt.Errorf("%q has a space or control character: percent-encode it (%%20)", s)
	}
	return nil
}
