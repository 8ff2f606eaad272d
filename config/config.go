// Package config reads a show's config.toml: the show's metadata for the
// feed, where episodes are found, and where they are published.
//
//	cfg, err := config.Load("config.toml")
//	fmt.Println(cfg.Show.Title, cfg.FeedURL())
package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/podpipe/podpipe/manifest"
)

// Config is a show's whole configuration.
type Config struct {
	Show    Show    `toml:"show"`
	Publish Publish `toml:"publish"`
	Storage Storage `toml:"storage"`

	// File is the path the config was read from; Dir is its directory, which
	// relative paths inside the config are resolved against.
	File string `toml:"-"`
	Dir  string `toml:"-"`

	src     []byte            // the file as read, to find the line of a key in errors
	fromEnv map[string]string // dotted key → the PODPIPE_* variable that set it
}

// Show is the channel-level metadata of the feed.
type Show struct {
	Title       string   `toml:"title"`       // required
	Description string   `toml:"description"` // required
	Link        string   `toml:"link"`
	Language    string   `toml:"language"`
	Author      string   `toml:"author"`
	OwnerName   string   `toml:"owner_name"`
	OwnerEmail  string   `toml:"owner_email"` // required
	Image       string   `toml:"image"`       // required; relative to the config file
	Categories  []string `toml:"categories"`  // required; Apple's list, "Parent/Child"
	Explicit    bool     `toml:"explicit"`
	Type        string   `toml:"type"` // episodic (default) or serial
	Copyright   string   `toml:"copyright"`
	GUID        string   `toml:"guid"`   // podcast:guid; derived from the feed URL when empty
	Medium      string   `toml:"medium"` // podcast:medium; podcast by default
	Locked      bool     `toml:"locked"` // podcast:locked yes/no (owner = owner_email)

	Hosts   []Person `toml:"hosts"` // podcast:person at channel level
	Funding *Funding `toml:"funding"`
	License *License `toml:"license"`

	Block           bool             `toml:"block"`    // itunes:block
	Complete        bool             `toml:"complete"` // itunes:complete
	Location        *Location        `toml:"location"`
	Txt             []Txt            `toml:"txt"`
	UpdateFrequency *UpdateFrequency `toml:"update_frequency"`
	Trailers        []Trailer        `toml:"trailers"`
	Podroll         []RemoteItem     `toml:"podroll"`
}

// Person is a podcast:person of the show.
type Person struct {
	Name  string `toml:"name"`
	Role  string `toml:"role"` // host by default
	Group string `toml:"group"`
	Href  string `toml:"href"`
	Img   string `toml:"img"`
}

// Location is podcast:location.
type Location struct {
	Name string `toml:"name"`
	Geo  string `toml:"geo"`
	OSM  string `toml:"osm"`
}

// Txt is podcast:txt.
type Txt struct {
	Purpose string `toml:"purpose"`
	Value   string `toml:"value"`
}

// UpdateFrequency is podcast:updateFrequency.
type UpdateFrequency struct {
	Text     string `toml:"text"`
	RRule    string `toml:"rrule"`
	DTStart  any    `toml:"dtstart"` // a TOML date or date-time
	Complete bool   `toml:"complete"`
}

// Trailer is podcast:trailer.
type Trailer struct {
	Title   string `toml:"title"`
	URL     string `toml:"url"`
	PubDate any    `toml:"pubdate"` // a TOML date or date-time
	Length  int64  `toml:"length"`
	Type    string `toml:"type"`
	Season  int    `toml:"season"`
}

// RemoteItem is a podcast:remoteItem of the podroll.
type RemoteItem struct {
	FeedGUID string `toml:"feed_guid"`
	FeedURL  string `toml:"feed_url"`
	Medium   string `toml:"medium"`
}

// Funding is podcast:funding.
type Funding struct {
	URL  string `toml:"url"`
	Text string `toml:"text"`
}

// License is podcast:license.
type License struct {
	Name string `toml:"name"` // SPDX identifier or a name
	URL  string `toml:"url"`
}

// Publish says where episodes come from and where they are seen.
type Publish struct {
	BaseURL  string `toml:"base_url"` // public URL of the storage root, ends in "/"
	Episodes string `toml:"episodes"` // source folder, relative to the config file
	// PreviousURLs are the feed's earlier public URLs, oldest first: the
	// podcast:guid derives from the first, and each gets a final feed
	// pointing here (itunes:new-feed-url).
	PreviousURLs []string `toml:"previous_urls"`
	// Hub is a WebSub hub: the feed names it (atom:link rel="hub") and
	// it is pinged after every feed upload.
	Hub string `toml:"hub"`
	// KeepSuperseded is how long an object no episode links any more (an
	// edit's old audio, say) stays in storage: apps still holding the
	// previous feed fetch it. "7d", "36h"; DefaultKeepSuperseded when empty.
	KeepSuperseded string `toml:"keep_superseded"`
}

// DefaultKeepSuperseded is publish.keep_superseded when unset: a week,
// longer than podcast apps and directories take to fetch a feed again.
const DefaultKeepSuperseded = 7 * 24 * time.Hour

// Keep is the grace period of superseded objects, publish.keep_superseded.
// Check has refused a value it cannot parse.
func (c *Config) Keep() time.Duration {
	d, err := parseKeep(c.Publish.KeepSuperseded)
	if err != nil || c.Publish.KeepSuperseded == "" {
		return DefaultKeepSuperseded
	}
	return d
}

// parseKeep reads a duration in days ("7d") or as Go writes one ("36h",
// "90m", "0s"); it may not be negative.
func parseKeep(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseUint(n, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("want a number of days such as \"7d\", or hours such as \"36h\", got %q", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d < 0 {
			return 0, fmt.Errorf("want a number of days such as \"7d\", or hours such as \"36h\", got %q", s)
		}
	}
	return d, nil
}

// Storage says where objects are written.
type Storage struct {
	URL       string `toml:"url"`      // local directory (default "public") or s3://bucket/prefix
	Endpoint  string `toml:"endpoint"` // S3-compatible endpoint; empty for AWS
	Region    string `toml:"region"`
	PathStyle bool   `toml:"path_style"`
	ACL       string `toml:"acl"` // canned ACL; none unless set
}

// FeedKey is the feed's object key in storage.
const FeedKey = "feed.xml"

// FeedURL is the public URL of the feed.
func (c *Config) FeedURL() string { return c.URLFor(FeedKey) }

// URLFor returns the public URL of an object key (manifest.URL under
// publish.base_url).
func (c *Config) URLFor(key string) string { return manifest.URL(c.Publish.BaseURL, key) }
