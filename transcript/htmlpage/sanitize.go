package htmlpage

import (
	"html"
	"net/url"
	"strings"

	xhtml "golang.org/x/net/html"
)

// allowed are the tags the transcript model's HTML may carry (emphasis,
// code, links, paragraphs and lists in the show notes). Anything else,
// "<script>" included, is shown as the text it is.
var allowed = map[string]bool{
	"em": true, "strong": true, "b": true, "i": true, "code": true, "a": true,
	"br": true, "p": true, "ul": true, "ol": true, "li": true,
}

// sanitize re-renders a fragment of the model's HTML keeping only allowed
// tags, and of their attributes only an a's href with a safe scheme. The
// readers already escape what they put there; this holds even for a model
// built elsewhere.
func sanitize(fragment string) string {
	var b strings.Builder
	var open []string
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case xhtml.TextToken:
			b.WriteString(html.EscapeString(tok.Data))
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if !allowed[tok.Data] {
				b.WriteString(html.EscapeString(string(z.Raw())))
				continue
			}
			b.WriteString("<" + tok.Data)
			if tok.Data == "a" {
				for _, a := range tok.Attr {
					if a.Key == "href" && safeHref(a.Val) {
						b.WriteString(` href="` + html.EscapeString(a.Val) + `"`)
					}
				}
			}
			b.WriteString(">")
			if tok.Data != "br" && tt == xhtml.StartTagToken {
				open = append(open, tok.Data)
			}
		case xhtml.EndTagToken:
			if !allowed[tok.Data] {
				b.WriteString(html.EscapeString(string(z.Raw())))
				continue
			}
			// Close only what is open, innermost first.
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == tok.Data {
					for j := len(open) - 1; j >= i; j-- {
						b.WriteString("</" + open[j] + ">")
					}
					open = open[:i]
					break
				}
			}
		default: // comments, doctypes
			b.WriteString(html.EscapeString(string(z.Raw())))
		}
	}
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i] + ">")
	}
	return b.String()
}

func safeHref(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "mailto":
		return true
	}
	return false
}
