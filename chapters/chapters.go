// Package chapters is podpipe's model of an episode's chapter markers, with
// readers for every source an editor may hand us and writers for every place
// a podcast app looks for chapters.
//
//	list, err := chapters.Parse("episodes/01-x.chapters.txt", f) // any format
//	list, warnings, err := chapters.Validate(list, info.Duration)
//	err = chapters.WriteJSON(w, list, chapters.JSONMeta{Title: "Episode 1"})
//	notes := chapters.Timestamps(list) // "00:00:00 Intro\n…"
//
// The chapters embedded in an MP3 are read and written by package id3.
package chapters

import "time"

// Chapter is one chapter marker.
type Chapter struct {
	Start  time.Duration
	End    time.Duration // 0 when open (runs to the next chapter or the end)
	Title  string
	URL    string // optional link
	Image  string // optional image URL
	Hidden bool   // toc: false in JSON chapters
	// Pos is where the chapter was read, "file:line", for error messages;
	// empty when unknown. Writers ignore it.
	Pos string
}
