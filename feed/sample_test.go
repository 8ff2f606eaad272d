package feed

import (
	"fmt"
	"time"

	"github.com/podpipe/podpipe/manifest"
)

// sampleShow is a show with two episodes that use every tag podpipe
// writes; base is the public URL of its storage.
func sampleShow(base string) (*Show, *manifest.Manifest) {
	cfg := &Show{
		Title:       "Tea & Code <Live>",
		Description: "A show about \"tea\" & 'code'.",
		Link:        "https://example.com/show",
		Language:    "en",
		Author:      "Ada & Bob",
		OwnerName:   "Ada Lovelace",
		OwnerEmail:  "ada@example.com",
		Image:       "art/cover.jpg",
		Categories:  []string{"Technology", "Society & Culture/Places & Travel"},
		Copyright:   "© 2026 Ada",
		Hosts: []manifest.Person{
			{Name: "Ada Lovelace", Href: "https://example.com/ada", Img: "https://example.com/ada.jpg"},
			{Name: "Bob", Role: "co-host"},
		},
		Funding: &Funding{URL: "https://example.com/support", Text: "Buy us tea"},
		License: &License{Name: "CC-BY-4.0", URL: "https://creativecommons.org/licenses/by/4.0/"},
		Locked:  true,
		BaseURL: base,
		FeedURL: base + "feed.xml",
	}
	yes := true
	m := &manifest.Manifest{
		Version:   1,
		ShowImage: &manifest.Object{Key: "art/cover-3f2a.jpg", Size: 1000, ContentType: "image/jpeg"},
		Updated:   time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
	}
	for n := 1; n <= 2; n++ {
		slug := fmt.Sprintf("%02d-episode", n)
		e := manifest.Episode{
			Slug:        slug,
			GUID:        fmt.Sprintf("podpipe-%s-0b6f", slug),
			Title:       fmt.Sprintf("Episode %d: Tea, <code> & \"quotes\" ]]> 🍵 茶與程式", n),
			Number:      n,
			Season:      1,
			Date:        time.Date(2026, 1, n, 8, 30, 0, 0, time.FixedZone("CET", 3600)),
			Description: "Notes & more",
			NotesHTML:   `<p>We talk about <a href="https://example.com/?a=1&amp;b=2">tea</a> &amp; code ]]> 🍵 茶</p>`,
			Duration:    1234.6,
			Audio:       manifest.Object{Key: "episodes/" + slug + "/audio-91ab.mp3", Size: 12345 + int64(n), ContentType: "audio/mpeg"},
			Page:        manifest.Object{Key: "episodes/" + slug + "/index.html", Size: 2000, ContentType: "text/html; charset=utf-8"},
			Chapters:    &manifest.Object{Key: "episodes/" + slug + "/chapters-77c1.json", Size: 300, ContentType: "application/json+chapters"},
			Transcripts: []manifest.Transcript{
				{Object: manifest.Object{Key: "episodes/" + slug + "/transcript-1a.vtt", ContentType: "text/vtt"}, Format: "vtt"},
				{Object: manifest.Object{Key: "episodes/" + slug + "/transcript-1a.srt", ContentType: "application/x-subrip"}, Format: "srt"},
				{Object: manifest.Object{Key: "episodes/" + slug + "/transcript-1a.json", ContentType: "application/json"}, Format: "json"},
				{Object: manifest.Object{Key: "episodes/" + slug + "/transcript-1a.html", ContentType: "text/html"}, Format: "html"},
				{Object: manifest.Object{Key: "episodes/" + slug + "/transcript-1a.txt", ContentType: "text/plain"}, Format: "txt"},
			},
			Persons: []manifest.Person{
				{Name: "Ada Lovelace", Role: "host"},
				{Name: "Grace <Hopper> & Co", Role: "guest", Href: "https://example.com/grace"},
			},
			ChapterList: []manifest.Chapter{
				{Start: 0, Title: "Intro"},
				{Start: 62.25, Title: "Tea & <leaves>", URL: "https://example.com/tea"},
				{Start: 300, Title: "Sponsor", Hidden: true},
				{Start: 3725.5, Title: "茶 🍵"},
			},
		}
		if n == 2 {
			e.Explicit = &yes
			e.Language = "zh-TW"
			e.Image = &manifest.Object{Key: "episodes/" + slug + "/cover-aa.png", ContentType: "image/png"}
			e.EpisodeType = "bonus"
		}
		m.Episodes = append(m.Episodes, e)
	}
	return cfg, m
}
