package pipeline

import (
	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/site"
)

// feedShow is what the feed says about the show, from its config: package
// feed renders any show and imports no podpipe config.
func feedShow(cfg *config.Config) *feed.Show {
	s := cfg.Show
	fs := &feed.Show{
		Stylesheet:  site.XSLKey, // beside the feed; publishSite uploads it
		Title:       s.Title,
		Description: s.Description,
		Link:        s.Link,
		Language:    s.Language,
		Author:      s.Author,
		OwnerName:   s.OwnerName,
		OwnerEmail:  s.OwnerEmail,
		Image:       s.Image,
		Categories:  s.Categories,
		Explicit:    s.Explicit,
		Type:        s.Type,
		Copyright:   s.Copyright,
		GUID:        s.GUID,
		Medium:      s.Medium,
		Locked:      s.Locked,
		BaseURL:     cfg.Publish.BaseURL,
		FeedURL:     cfg.FeedURL(),
	}
	for _, h := range s.Hosts {
		fs.Hosts = append(fs.Hosts, manifest.Person{Name: h.Name, Role: h.Role, Href: h.Href, Img: h.Img})
	}
	if f := s.Funding; f != nil {
		fs.Funding = &feed.Funding{URL: f.URL, Text: f.Text}
	}
	if l := s.License; l != nil {
		fs.License = &feed.License{Name: l.Name, URL: l.URL}
	}
	return fs
}
