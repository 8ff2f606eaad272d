// Package chapters is podpipe's model of an episode's chapter markers, with
// readers for every source an editor may hand us and writers for every place
// a podcast app looks for chapters.
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
}
