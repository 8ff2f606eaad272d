package config

import (
	"strings"
	"testing"
)

// TestLoadShowValues checks the show's values the feed carries as they are:
// each would publish a feed that podpipe's validator or Apple rejects, so
// the config error names the key and its line instead.
func TestLoadShowValues(t *testing.T) {
	const hosts = `
[[show.hosts]]
name = "Ada"
href = "https://example.org/ada"

[[show.hosts]]
name = "Bob"
img = "bob.jpg"
`
	tests := []struct {
		name, body string
		want       string // the error after the file name
	}{
		{"owner with a name", strings.Replace(validShow, `"o@example.org"`, `"Owner <o@example.org>"`, 1),
			`:5: show.owner_email: not an e-mail address: "Owner <o@example.org>"`},
		{"guid not a UUID", validShow + "guid = \"my-show\"\n", `:8: show.guid: "my-show" is not a UUID`},
		{"guid not version 5", validShow + "guid = \"6ba7b810-9dad-11d1-80b4-00c04fd430c8\"\n", `:8: show.guid: "6ba7b810-9dad-11d1-80b4-00c04fd430c8" is a version 1 UUID`},
		{"medium", validShow + "medium = \"Podcast\"\n", `:8: show.medium: "Podcast" is not a medium`},
		{"language", validShow + "language = \"English\"\n", `:8: show.language: "English" is not a language code`},
		{"long description", strings.Replace(validShow, `"About"`, `"`+strings.Repeat("a", 4001)+`"`, 1),
			`:4: show.description: is 4001 bytes; Apple shows at most 4000`},
		{"image not jpeg or png", strings.Replace(validShow, "cover.jpg", "cover.webp", 1),
			`:6: show.image: cover.webp: Apple takes artwork as JPEG or PNG`},
		{"host img not a URL", validShow + hosts, `:15: show.hosts[2].img: "bob.jpg" is not an absolute http or https URL`},
		{"host without name", validShow + strings.Replace(hosts, `name = "Bob"`, `role = "guest"`, 1), `:13: show.hosts[2].name: a person has no name`},
		{"funding url", validShow + "\n[show.funding]\nurl = \"example.org/give\"\n", `:10: show.funding.url: "example.org/give" is not an absolute http or https URL`},
		{"funding without url", validShow + "\n[show.funding]\ntext = \"Give\"\n", `: show.funding.url: required key is missing`},
		{"license without name", validShow + "\n[show.license]\nurl = \"https://example.org/l\"\n", `: show.license.name: required key is missing`},
		{"category line", strings.Replace(validShow, `"Technology"`, `"Society and Culture"`, 1), `:7: show.categories: unknown category "Society and Culture"`},
		{"base url with a query", validShow + "[publish]\nbase_url = \"https://cdn.example.org/show/?v=1\"\n", `:9: publish.base_url: "https://cdn.example.org/show/?v=1" has a query`},
		{"base url with a fragment", validShow + "[publish]\nbase_url = \"https://cdn.example.org/show#x\"\n", `:9: publish.base_url: "https://cdn.example.org/show#x" has a query or fragment`},
		{"type line", validShow + "type = \"Serial\"\n", `:8: show.type: "Serial" is not episodic or serial`},
		// Every URL the feed carries is http(s): a script or local
		// file link in the config must not reach a listener's app.
		{"host href javascript", validShow + strings.Replace(hosts, `img = "bob.jpg"`, `href = "javascript:alert(1)"`, 1),
			`:15: show.hosts[2].href: "javascript:alert(1)" is not an absolute http or https URL`},
		{"host img data", validShow + strings.Replace(hosts, `img = "bob.jpg"`, `img = "data:image/png;base64,AAAA"`, 1),
			`:15: show.hosts[2].img: "data:image/png;base64,AAAA" is not an absolute http or https URL`},
		{"funding javascript", validShow + "\n[show.funding]\nurl = \"javascript:alert(1)\"\n", `:10: show.funding.url: "javascript:alert(1)" is not an absolute http or https URL`},
		{"license file", validShow + "\n[show.license]\nname = \"x\"\nurl = \"file:///etc/passwd\"\n", `:11: show.license.url: "file:///etc/passwd" is not an absolute http or https URL`},
		{"link javascript", validShow + "link = \"javascript:alert(1)\"\n", `:8: show.link: "javascript:alert(1)" is not an absolute http or https URL`},
		{"link with a space", validShow + "link = \"https://example.org/a b\"\n", `:8: show.link: "https://example.org/a b" has a space`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, tt.body)
			_, err := Load(p)
			if err == nil {
				t.Fatalf("Load succeeded, want %s%s", p, tt.want)
			}
			if !strings.HasPrefix(err.Error(), p+tt.want) {
				t.Errorf("error = %q\nwant     %s%s…", err, p, tt.want)
			}
		})
	}
}

// A value set by a PODPIPE_* variable is reported under the variable's
// name, not at a line of the file that does not hold it.
func TestLoadEnvValueError(t *testing.T) {
	p := writeConfig(t, validShow+"[publish]\nbase_url = \"https://cdn.example.org/\"\n")
	t.Setenv("PODPIPE_BASE_URL", "cdn.example.org")
	_, err := Load(p)
	if want := p + ": PODPIPE_BASE_URL (publish.base_url): \"cdn.example.org\" is not an absolute http or https URL"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want %s…", err, want)
	}
}

// Everything the sample show and a show using every table set is accepted.
func TestLoadFullShow(t *testing.T) {
	body := `
[show]
title = "Tom & Jerry"
description = "A show"
owner_name = "Tom"
owner_email = "tom@example.com"
image = "cover.jpg"
categories = ["Health & Fitness/Mental Health", "Society & Culture"]
language = "en-US"
explicit = true
type = "serial"
medium = "podcastL"
guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
locked = true

[[show.hosts]]
name = "Tom Cat"
role = "host"
href = "https://example.com/tom"
img = "https://example.com/tom.jpg"

[show.funding]
url = "https://example.com/donate"

[show.license]
name = "CC-BY-4.0"
`
	if _, err := Load(writeConfig(t, body)); err != nil {
		t.Fatal(err)
	}
}

func TestURLFor(t *testing.T) {
	tests := []struct{ base, key, want string }{
		{"https://cdn.example.org/show/", "episodes/01-a/01-a-3f2a.mp3", "https://cdn.example.org/show/episodes/01-a/01-a-3f2a.mp3"},
		{"https://cdn.example.org/show", "feed.xml", "https://cdn.example.org/show/feed.xml"},
		{"https://cdn.example.org/", "episodes/04 茶 & more #1.html", "https://cdn.example.org/episodes/04%20%E8%8C%B6%20&%20more%20%231.html"},
		{"https://cdn.example.org/", "a?b/c%d", "https://cdn.example.org/a%3Fb/c%25d"},
	}
	for _, tt := range tests {
		c := &Config{Publish: Publish{BaseURL: tt.base}}
		if got := c.URLFor(tt.key); got != tt.want {
			t.Errorf("URLFor(%q) with base %q = %q, want %q", tt.key, tt.base, got, tt.want)
		}
	}
}
