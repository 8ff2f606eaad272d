// Package rules holds what Apple Podcasts and the Podcasting 2.0 namespace
// require of a show, in one place and in one wording each: the category
// list, language codes, podcast:medium values, show and episode types,
// itunes:explicit values, enclosure types, length limits,
// artwork, the URLs a feed may carry, the ranges of episode numbers and
// dates, and the values of the optional Podcasting 2.0 tags (short texts,
// txt, person groups, geo URIs, OpenStreetMap ids, soundbites, media types,
// recurrence rules).
//
// The config reader, the feed writer, the validator of any feed and the
// pipeline all ask these functions, so a value the config accepts is one
// the validator accepts, and a problem reads the same wherever it is found.
// Each Check function returns nil or an error whose text is the rule, to be
// prefixed with where the value was found:
//
//	if err := rules.CheckLanguage(lang); err != nil {
//		return fmt.Errorf("%s:%d: language: %w", file, line, err)
//	}
package rules

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// CheckLanguage accepts RSS language codes: a BCP 47 tag (en, zh-TW,
// sr-Latn-RS) or the old en-us style, letters and digits only.
func CheckLanguage(s string) error {
	if !validLanguage(s) {
		return fmt.Errorf("%q is not a language code such as en or zh-TW", s)
	}
	return nil
}

func validLanguage(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts[0]) < 2 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 8 {
			return false
		}
		for _, r := range p {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// Media are the values of podcast:medium. Each has a list variant with the
// suffix L ("musicL"), for a feed that lists other feeds.
var Media = []string{"podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "publisher", "course", "mixed"}

// CheckMedium accepts a podcast:medium of the Podcasting 2.0 list, or one
// of them with the list suffix L.
func CheckMedium(s string) error {
	base := strings.TrimSuffix(s, "L")
	for _, m := range Media {
		if m == base {
			return nil
		}
	}
	return fmt.Errorf("%q is not a medium of the Podcasting 2.0 list: %s (or one of them with L, e.g. musicL)", s, strings.Join(Media, ", "))
}

// CheckShowType accepts itunes:type: episodic (newest first) or serial
// (in order, every episode numbered).
func CheckShowType(s string) error {
	if s != "episodic" && s != "serial" {
		return fmt.Errorf("%q is not episodic or serial", s)
	}
	return nil
}

// CheckEpisodeType accepts itunes:episodeType.
func CheckEpisodeType(s string) error {
	switch s {
	case "full", "trailer", "bonus":
		return nil
	}
	return fmt.Errorf("%q is not full, trailer or bonus", s)
}

// ErrOldExplicit marks an itunes:explicit value Apple used to ask for
// (yes, no, clean, explicit): still read, no longer written.
var ErrOldExplicit = errors.New("Apple now asks for true or false")

// CheckExplicit accepts itunes:explicit as Apple asks for it, true or
// false. The old values give an error that wraps ErrOldExplicit.
func CheckExplicit(s string) error {
	switch s {
	case "true", "false":
		return nil
	case "yes", "no", "clean", "explicit":
		return fmt.Errorf("%q: %w", s, ErrOldExplicit)
	}
	return fmt.Errorf("%q is not true or false", s)
}

// EnclosureTypes are the enclosure types Apple plays.
var EnclosureTypes = []string{"audio/mpeg", "audio/x-m4a", "audio/mp4", "video/mp4", "video/quicktime", "video/x-m4v", "application/pdf"}

// CheckEnclosureType accepts an enclosure type Apple plays.
func CheckEnclosureType(s string) error {
	if slices.Contains(EnclosureTypes, s) {
		return nil
	}
	return fmt.Errorf("type %q is not one Apple plays (%s)", s, strings.Join(EnclosureTypes, ", "))
}

// MaxDescription is the most of a show's or an episode's description
// Apple shows, in bytes.
const MaxDescription = 4000

// CheckDescription reports a description longer than Apple shows.
func CheckDescription(s string) error {
	if n := len(s); n > MaxDescription {
		return fmt.Errorf("is %d bytes; Apple shows at most %d", n, MaxDescription)
	}
	return nil
}

// MinTimestampChapters is the fewest timestamp lines, the first at
// 00:00:00, from which Apple builds chapters out of an episode's
// description; a shorter list is noise to a listener.
const MinTimestampChapters = 3

// MaxPersonName is the longest podcast:person name, in characters.
const MaxPersonName = 128

// CheckPersonName accepts the name of a podcast:person.
func CheckPersonName(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("a person has no name")
	case utf8.RuneCountInString(s) > MaxPersonName:
		return fmt.Errorf("%q is longer than podcast:person's %d characters", s, MaxPersonName)
	}
	return nil
}

// MaxNumber is the highest episode or season number taken: Apple asks for
// positive integers, and a number beyond this is a typo, not a show.
const MaxNumber = 99999

// CheckEpisodeNumber accepts an itunes:episode number.
func CheckEpisodeNumber(n int64) error { return checkNumber("episode", n) }

// CheckSeason accepts an itunes:season number.
func CheckSeason(n int64) error { return checkNumber("season", n) }

func checkNumber(what string, n int64) error {
	if n < 1 || n > MaxNumber {
		return fmt.Errorf("%s %d is not a number from 1 to %d (leave it out for none)", what, n, MaxNumber)
	}
	return nil
}

// MinDate and MaxDate bound an episode's date: before the first is older
// than RSS clients count from, after the second is a typo, and either would
// misplace the episode in every app's list.
var (
	MinDate = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxDate = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// CheckDate accepts an episode date from MinDate up to, not including,
// MaxDate.
func CheckDate(t time.Time) error {
	if t.Before(MinDate) || !t.Before(MaxDate) {
		return fmt.Errorf("date %s is not between %s and %s", t.Format("2006-01-02"), MinDate.Format("2006"), MaxDate.AddDate(-1, 0, 0).Format("2006"))
	}
	return nil
}
