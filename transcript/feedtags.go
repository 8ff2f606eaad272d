package transcript

import "time"

// FeedTags are what an episode's source says for the feed alone: tags no
// transcript format carries, set in the Markdown's front matter.
type FeedTags struct {
	// EpisodeZero says the source numbers the episode 0 (Episode is 0
	// then): podcast:episode 0, no itunes:episode.
	EpisodeZero   bool
	SeasonName    string // podcast:season name
	ITunesTitle   string // itunes:title: the title without numbering
	Block         bool   // itunes:block
	Soundbites    []Soundbite
	Location      *Location
	Txt           []Txt
	AltEnclosures []AltEnclosure
	// People are the links, pictures and podcast:person groups of hosts
	// and guests, by name.
	People map[string]PersonLinks
}

// PersonLinks are what podcast:person says of someone besides the name.
type PersonLinks struct {
	Href, Img, Group string
}

// Soundbite is a part of the episode worth sharing.
type Soundbite struct {
	Start, Duration time.Duration
	Title           string
}

// Location is the place the episode is about.
type Location struct {
	Name, Geo, OSM string
}

// Txt is free text for machines, with its purpose.
type Txt struct {
	Purpose, Value string
}

// AltEnclosure is another file of the same episode.
type AltEnclosure struct {
	URL     string
	Type    string
	Length  int64
	Bitrate float64 // bits per second
	Title   string
	Codecs  string
	Lang    string
}
