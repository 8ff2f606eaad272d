// Package htmlpage writes a transcript as one standalone HTML page: title,
// date, people, show notes, a chapter list, and the transcript with each
// turn a <p> holding a <cite> for the speaker and a <time> for its start.
// Clicking a time or a chapter seeks the page's <audio> player. The page
// works offline (its CSS and script are inline), is readable on a phone,
// sets lang for CJK typography, and escapes everything: a transcript that
// quotes "<script>" shows it, and a Content-Security-Policy that allows only
// the page's own script by hash stops anything else from running.
//
//	err := htmlpage.Write(w, t, htmlpage.Options{
//		AudioURL:  "https://cdn.example.com/ep1.mp3",
//		ShowTitle: "Example Show",
//		PageURL:   func(slug string) string { return "/episodes/" + slug + "/" },
//	})
package htmlpage

import (
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// Options are what the page needs beyond the transcript.
type Options struct {
	AudioURL  string // the episode's audio; no player when empty
	AudioType string // its MIME type; guessed from AudioURL's extension when empty
	// Chapters for the chapter list (the visible ones: chapters.Marks
	// gives them); when nil, the transcript's front matter chapters, or
	// else its sections (not the show-notes ones).
	Chapters []transcript.ChapterMark
	// PageURL maps a sibling episode's slug to the URL of its published
	// page, for the previous/next links; default "./"+slug+".html".
	PageURL   func(slug string) string
	ShowTitle string
	ShowURL   string // the show's home page, which the show's name links
	Language  string // overrides the transcript's language for lang=""

	// For a page published with its show: the cover shown beside the
	// title (the episode's own artwork, else the show's), the feed it
	// belongs to (<link rel="alternate">), the page's own absolute URL
	// (Open Graph and schema.org), and the WebVTT captions the player
	// shows (<track kind="captions">). Each is left out when empty.
	CoverURL    string
	FeedURL     string
	PageSelfURL string
	CaptionsURL string
	// AbsAudioURL and AbsCoverURL are the absolute URLs of the audio and
	// cover, for Open Graph and schema.org, which want them whole;
	// default AudioURL and CoverURL.
	AbsAudioURL, AbsCoverURL string
	ShowAbsURL               string // the home page's absolute URL, for schema.org
}

var (
	//go:embed page.html
	pageHTML string
	//go:embed page.css
	pageCSS string
	//go:embed page.js
	pageJS string

	page = template.Must(template.New("page").Parse(pageHTML))
	// scriptHash allows the page's own script, and nothing else, to run.
	scriptHash = func() string {
		sum := sha256.Sum256([]byte(pageJS))
		return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	}()
)

type labels struct {
	Skip, Date, Hosts, Guests, Sep, Player, Download, Notes, Chapters, Transcript, Episodes, Estimated string
}

var (
	zhLabels = labels{
		Skip: "跳到逐字稿", Date: "日期", Hosts: "主持人", Guests: "來賓", Sep: "、",
		Player: "播放器", Download: "下載音檔", Notes: "節目簡介", Chapters: "章節",
		Transcript: "逐字稿", Episodes: "上一集與下一集",
		Estimated: "逐字稿的時間是依文字長度推估的，可能與實際語音略有出入。",
	}
	enLabels = labels{
		Skip: "Skip to the transcript", Date: "Date", Hosts: "Hosts", Guests: "Guests", Sep: ", ",
		Player: "Player", Download: "Download the audio", Notes: "Show notes", Chapters: "Chapters",
		Transcript: "Transcript", Episodes: "Previous and next episodes",
		Estimated: "Times in this transcript are estimated from the length of the text and may differ from the audio.",
	}
)

type view struct {
	Lang, Title, ShowTitle, ShowURL, Description string
	DateISO, DateText                            string
	Hosts, Guests                                []transcript.Person
	AudioURL, AudioType                          string
	Notes                                        template.HTML
	Chapters                                     []chapterView
	Sections                                     []sectionView
	Prev, Next                                   *linkView
	Estimated                                    bool
	CoverURL, FeedURL, SelfURL, CaptionsURL      string
	OGImage, OGAudio                             string
	JSONLD                                       template.JS
	L                                            labels
	CSS                                          template.CSS
	JS                                           template.JS
	ScriptHash                                   string
}

type chapterView struct{ Title, Clock, Seconds, Target string }

type sectionView struct {
	ID, Title string
	Level     int
	Paras     []paraView
}

type paraView struct {
	ID, Speaker, Seconds, Clock, ISO string
	Cue                              bool
	HTML                             template.HTML
}

type linkView struct{ Title, URL string }

// Write writes t as a standalone HTML page.
func Write(w io.Writer, t *transcript.Transcript, o Options) error {
	v := view{
		Lang: o.Language, Title: t.Title, ShowTitle: o.ShowTitle, ShowURL: o.ShowURL,
		Hosts: t.Hosts, Guests: t.Guests, AudioURL: o.AudioURL, AudioType: o.AudioType,
		Estimated: t.Timing == transcript.Estimated,
		CSS:       template.CSS(pageCSS), JS: template.JS(pageJS), ScriptHash: scriptHash,
	}
	if v.Lang == "" {
		v.Lang = t.Lang()
	}
	zh := strings.HasPrefix(strings.ToLower(v.Lang), "zh")
	v.L = enLabels
	if zh {
		v.L = zhLabels
	}
	v.CoverURL, v.FeedURL, v.SelfURL, v.CaptionsURL = o.CoverURL, o.FeedURL, o.PageSelfURL, o.CaptionsURL
	// Open Graph and schema.org want absolute http(s) URLs; anything
	// else (a relative path, a javascript: URL) is left out.
	v.SelfURL = httpURL(v.SelfURL)
	v.OGImage, v.OGAudio = httpURL(cmpOr(o.AbsCoverURL, o.CoverURL)), httpURL(cmpOr(o.AbsAudioURL, o.AudioURL))
	if v.AudioURL != "" && v.AudioType == "" {
		v.AudioType = audioType(v.AudioURL)
	}
	if !t.Date.IsZero() {
		v.DateISO = t.Date.Format("2006-01-02")
		v.DateText = t.Date.Format("January 2, 2006")
		if zh {
			v.DateText = fmt.Sprintf("%d年%d月%d日", t.Date.Year(), t.Date.Month(), t.Date.Day())
		}
	}
	v.Description = firstParagraph(t.Description)
	if t.NotesHTML != "" {
		v.Notes = template.HTML(sanitize(t.NotesHTML))
		if zh {
			v.Notes = template.HTML(latinInEmphasis(string(v.Notes)))
		}
	} else if t.Description != "" {
		var b strings.Builder
		for p := range strings.SplitSeq(t.Description, "\n\n") {
			b.WriteString("<p>" + template.HTMLEscapeString(p) + "</p>\n")
		}
		v.Notes = template.HTML(b.String())
	}
	timed := t.Timing != transcript.Untimed

	// The transcript, section by section; units before the first section
	// go in a section without a heading.
	secIndex := map[int]int{} // transcript section → view section
	cur := -2
	last := ""
	for i, u := range t.Units {
		if u.Section != cur {
			cur = u.Section
			sv := sectionView{}
			if u.Section >= 0 && u.Section < len(t.Sections) {
				s := t.Sections[u.Section]
				sv.ID, sv.Title, sv.Level = fmt.Sprintf("s%d", u.Section+1), s.Title, min(max(s.Level, 2), 3)+0
				// The page's h2 is "Transcript"; its sections sit one below.
				sv.Level = min(sv.Level+1, 4)
				secIndex[u.Section] = len(v.Sections)
			}
			v.Sections = append(v.Sections, sv)
			last = ""
		}
		p := paraView{ID: fmt.Sprintf("u%d", i+1), Cue: u.Kind == transcript.Cue}
		h := u.HTML
		if h == "" {
			h = template.HTMLEscapeString(u.Text)
		}
		p.HTML = template.HTML(sanitize(h))
		if zh {
			p.HTML = template.HTML(latinInEmphasis(string(p.HTML)))
		}
		if timed {
			p.Seconds, p.Clock, p.ISO = seconds(u.Start), transcript.FormatClock(u.Start), isoDuration(u.Start)
		}
		if u.Kind == transcript.Speech {
			if u.Speaker != last {
				p.Speaker = u.Speaker
			}
			last = u.Speaker
		}
		sec := &v.Sections[len(v.Sections)-1]
		sec.Paras = append(sec.Paras, p)
	}

	// Chapters: the caller's, or the sections.
	unitAt := func(d time.Duration) string {
		for i, u := range t.Units {
			if u.End > d {
				return fmt.Sprintf("u%d", i+1)
			}
		}
		return "transcript"
	}
	marks := o.Chapters
	if marks == nil && len(t.Chapters) > 0 {
		marks = t.Chapters
	}
	if marks != nil {
		for _, c := range marks {
			cv := chapterView{Title: c.Title, Target: "transcript"}
			if timed {
				cv.Clock, cv.Seconds, cv.Target = transcript.FormatClock(c.Start), seconds(c.Start), unitAt(c.Start)
			}
			v.Chapters = append(v.Chapters, cv)
		}
	} else {
		for i, s := range t.Sections {
			if s.Notes {
				continue
			}
			cv := chapterView{Title: s.Title, Target: "transcript"}
			if k, ok := secIndex[i]; ok {
				cv.Target = v.Sections[k].ID + "-h"
			}
			if timed {
				cv.Clock, cv.Seconds = transcript.FormatClock(s.Start), seconds(s.Start)
			}
			v.Chapters = append(v.Chapters, cv)
		}
	}

	pageURL := o.PageURL
	if pageURL == nil {
		pageURL = func(slug string) string { return "./" + slug + ".html" }
	}
	for _, l := range t.Links {
		if l.Slug == "" {
			continue
		}
		lv := &linkView{Title: l.Title, URL: pageURL(l.Slug)}
		switch {
		case l.Rel == "prev" && v.Prev == nil:
			v.Prev = lv
		case l.Rel == "next" && v.Next == nil:
			v.Next = lv
		}
	}
	if v.SelfURL != "" {
		ld, err := jsonLD(t, o, v)
		if err != nil {
			return fmt.Errorf("htmlpage: %w", err)
		}
		v.JSONLD = ld
	}
	if err := page.Execute(w, v); err != nil {
		return fmt.Errorf("htmlpage: %w", err)
	}
	return nil
}

func seconds(d time.Duration) string { return transcript.FormatSeconds(d) }

// isoDuration formats d as an HTML duration string, as <time datetime>
// wants: "PT62.5S".
func isoDuration(d time.Duration) string { return "PT" + seconds(d) + "S" }

func firstParagraph(s string) string {
	p, _, _ := strings.Cut(s, "\n\n")
	return strings.TrimSpace(p)
}

func audioType(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	switch strings.ToLower(path.Ext(u)) {
	case ".mp3":
		return "audio/mpeg"
	case ".m4a", ".mp4", ".aac":
		return "audio/mp4"
	case ".ogg", ".oga", ".opus":
		return "audio/ogg"
	case ".wav":
		return "audio/wav"
	}
	return ""
}

func cmpOr(a, b string) string { return cmp.Or(a, b) }

// httpURL is u when it is an absolute http(s) URL, else "".
func httpURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.Scheme != "http" && p.Scheme != "https" {
		return ""
	}
	return u
}

// jsonLD is the page's schema.org PodcastEpisode, part of its
// PodcastSeries, for search engines; json.Marshal escapes <, > and &, so
// that nothing in it can close the script element.
func jsonLD(t *transcript.Transcript, o Options, v view) (template.JS, error) {
	type obj = map[string]any
	ep := obj{"@context": "https://schema.org", "@type": "PodcastEpisode", "name": t.Title}
	if v.SelfURL != "" {
		ep["url"] = v.SelfURL
	}
	if v.Description != "" {
		ep["description"] = v.Description
	}
	if v.DateISO != "" {
		ep["datePublished"] = v.DateISO
	}
	if t.Episode > 0 {
		ep["episodeNumber"] = t.Episode
	}
	if v.OGImage != "" {
		ep["image"] = v.OGImage
	}
	if v.OGAudio != "" {
		ep["associatedMedia"] = obj{"@type": "MediaObject", "contentUrl": v.OGAudio, "encodingFormat": v.AudioType}
	}
	if o.ShowTitle != "" {
		series := obj{"@type": "PodcastSeries", "name": o.ShowTitle}
		if u := httpURL(o.ShowAbsURL); u != "" {
			series["url"] = u
		}
		if u := httpURL(v.FeedURL); u != "" {
			series["webFeed"] = u
		}
		ep["partOfSeries"] = series
	}
	var people []obj
	for _, p := range append(append([]transcript.Person{}, t.Hosts...), t.Guests...) {
		people = append(people, obj{"@type": "Person", "name": p.Name})
	}
	if len(people) > 0 {
		ep["actor"] = people
	}
	b, err := json.Marshal(ep)
	return template.JS(b), err
}

var (
	emphasis  = regexp.MustCompile(`(?s)<em>(.*?)</em>`)
	tagOrText = regexp.MustCompile(`<[^>]*>|[^<]+`)
	latinRun  = regexp.MustCompile(`[\p{Latin}\p{Nd}][\p{Latin}\p{Nd} '’.\-]*[\p{Latin}\p{Nd}]|[\p{Latin}\p{Nd}]`)
)

// latinInEmphasis marks the Latin words inside <em> in a Chinese page with
// <span class="latn">: Chinese emphasis is dots under each character, which
// do not belong under Latin letters; those are set in italics instead.
func latinInEmphasis(h string) string {
	return emphasis.ReplaceAllStringFunc(h, func(em string) string {
		inner := em[len("<em>") : len(em)-len("</em>")]
		out := tagOrText.ReplaceAllStringFunc(inner, func(part string) string {
			if strings.HasPrefix(part, "<") {
				return part
			}
			return latinRun.ReplaceAllString(part, `<span class="latn">$0</span>`)
		})
		return "<em>" + out + "</em>"
	})
}
