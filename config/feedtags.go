package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pelletier/go-toml/v2"

	"github.com/podpipe/podpipe/rules"
)

// Date reads a TOML date or date-time (a local one is UTC), or an RFC 3339
// string, as the config's dtstart and pubdate take them.
func Date(v any) (time.Time, error) {
	switch d := v.(type) {
	case toml.LocalDate:
		return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC), nil
	case toml.LocalDateTime:
		return d.AsTime(time.UTC), nil
	case time.Time:
		return d, nil
	case string:
		if t, err := time.Parse(time.RFC3339, d); err == nil {
			return t, nil
		}
		if t, err := time.Parse(time.DateOnly, d); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%v is not a date such as 2025-09-24 or 2025-09-24T08:00:00+08:00", v)
}

// checkFeedTags checks the keys of the feed's optional tags: each one
// the feed would carry must pass feed validate.
func (c *Config) checkFeedTags() error {
	s := c.Show
	bad := func(key, format string, args ...any) error {
		return c.errorAt(key, -1, format, args...)
	}
	if l := s.Location; l != nil {
		if err := rules.CheckShortText("name", l.Name); err != nil {
			return bad("show.location.name", "%v", err)
		}
		if l.Geo != "" {
			if err := rules.CheckGeo(l.Geo); err != nil {
				return bad("show.location.geo", "%v", err)
			}
		}
		if l.OSM != "" {
			if err := rules.CheckOSM(l.OSM); err != nil {
				return bad("show.location.osm", "%v", err)
			}
		}
	}
	for i, t := range s.Txt {
		if err := rules.CheckTxt(t.Purpose, t.Value); err != nil {
			key := "value"
			if strings.HasPrefix(err.Error(), "txt purpose") {
				key = "purpose"
			}
			return c.errorAt("show.txt."+key, i, "%v", err)
		}
	}
	if f := s.UpdateFrequency; f != nil {
		if err := rules.CheckShortText("text", f.Text); err != nil {
			return bad("show.update_frequency.text", "%v (what apps show, e.g. \"Every Monday\")", err)
		}
		if f.RRule != "" {
			if err := rules.CheckRRule(f.RRule); err != nil {
				return bad("show.update_frequency.rrule", "%v", err)
			}
		}
		if f.DTStart != nil {
			if _, err := Date(f.DTStart); err != nil {
				return bad("show.update_frequency.dtstart", "%v", err)
			}
		}
	}
	for i, t := range s.Trailers {
		at := func(key, format string, args ...any) error {
			return c.errorAt("show.trailers."+key, i, format, args...)
		}
		if err := rules.CheckShortText("title", t.Title); err != nil {
			return at("title", "%v", err)
		}
		if t.URL == "" {
			return at("url", "required key is missing")
		}
		if err := rules.CheckURL(t.URL); err != nil {
			return at("url", "%v", err)
		}
		if t.PubDate == nil {
			return at("pubdate", "required key is missing")
		}
		d, err := Date(t.PubDate)
		if err == nil {
			err = rules.CheckDate(d)
		}
		if err != nil {
			return at("pubdate", "%v", err)
		}
		if t.Length < 0 {
			return at("length", "%d is not a length in bytes", t.Length)
		}
		if t.Type != "" {
			if err := rules.CheckMediaType(t.Type); err != nil {
				return at("type", "%v", err)
			}
		}
		if t.Season != 0 {
			if err := rules.CheckSeason(int64(t.Season)); err != nil {
				return at("season", "%v", err)
			}
		}
	}
	for i, r := range s.Podroll {
		at := func(key, format string, args ...any) error {
			return c.errorAt("show.podroll."+key, i, format, args...)
		}
		if _, err := uuid.Parse(r.FeedGUID); err != nil || len(r.FeedGUID) != 36 {
			return at("feed_guid", "%q is not the podcast:guid (a UUID) of the feed recommended", r.FeedGUID)
		}
		if r.FeedURL != "" {
			if err := rules.CheckURL(r.FeedURL); err != nil {
				return at("feed_url", "%v", err)
			}
		}
		if r.Medium != "" {
			if err := rules.CheckMedium(r.Medium); err != nil {
				return at("medium", "%v", err)
			}
		}
	}
	for _, u := range c.Publish.PreviousURLs {
		if err := rules.CheckURL(u); err != nil {
			return bad("publish.previous_urls", "%v", err)
		}
		if u == c.FeedURL() {
			return bad("publish.previous_urls", "%s is the feed's current URL (publish.base_url + %s)", u, FeedKey)
		}
	}
	if c.Publish.Hub != "" {
		if err := rules.CheckURL(c.Publish.Hub); err != nil {
			return bad("publish.hub", "%v", err)
		}
	}
	return nil
}
