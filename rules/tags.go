package rules

import (
	"fmt"
	"mime"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CheckPodcastEpisode accepts a podcast:episode number: 0 (a pilot, an
// "episode 00") to MaxNumber. itunes:episode takes only CheckEpisodeNumber's
// 1 to MaxNumber.
func CheckPodcastEpisode(n int64) error {
	if n < 0 || n > MaxNumber {
		return fmt.Errorf("episode %d is not a number from 0 to %d (leave it out for none)", n, MaxNumber)
	}
	return nil
}

// MaxShortText is the longest text the Podcasting 2.0 namespace allows in
// its short fields (a season's name, a soundbite's or trailer's title, a
// location's name, a txt purpose, an update frequency), in characters.
const MaxShortText = 128

// MaxTxt is the longest podcast:txt value, in characters.
const MaxTxt = 4000

// CheckShortText accepts a short text of the namespace: not empty, at
// most MaxShortText characters. what names the field in the error.
func CheckShortText(what, s string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(s)); {
	case n == 0:
		return fmt.Errorf("%s is empty", what)
	case n > MaxShortText:
		return fmt.Errorf("%s is %d characters; the namespace allows %d", what, n, MaxShortText)
	}
	return nil
}

// CheckTxt accepts a podcast:txt value and its optional purpose.
func CheckTxt(purpose, value string) error {
	if purpose != "" {
		if err := CheckShortText("txt purpose", purpose); err != nil {
			return err
		}
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(value)); {
	case n == 0:
		return fmt.Errorf("txt is empty")
	case n > MaxTxt:
		return fmt.Errorf("txt is %d characters; the namespace allows %d", n, MaxTxt)
	}
	return nil
}

// PersonGroups are the groups of the Podcasting 2.0 person taxonomy.
var PersonGroups = []string{"creative direction", "cast", "writing", "audio production", "audio post-production", "administration", "visuals", "community", "misc.", "video production", "video post-production"}

// CheckPersonGroup accepts a podcast:person group of the taxonomy, in any
// case.
func CheckPersonGroup(s string) error {
	if !slices.Contains(PersonGroups, strings.ToLower(strings.TrimSpace(s))) {
		return fmt.Errorf("%q is not a group of the podcast:person taxonomy (%s)", s, strings.Join(PersonGroups, ", "))
	}
	return nil
}

var geoURI = regexp.MustCompile(`^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:,-?\d+(?:\.\d+)?)?(?:;[a-zA-Z0-9-]+=[^;\s]+)*$`)

// CheckGeo accepts the geo attribute of podcast:location: an RFC 5870 geo
// URI, geo:latitude,longitude[,altitude][;u=uncertainty].
func CheckGeo(s string) error {
	m := geoURI.FindStringSubmatch(s)
	if m == nil {
		return fmt.Errorf("%q is not a geo URI such as geo:25.0330,121.5654", s)
	}
	lat, _ := strconv.ParseFloat(m[1], 64)
	lon, _ := strconv.ParseFloat(m[2], 64)
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return fmt.Errorf("%q is off the globe: latitude -90 to 90, longitude -180 to 180", s)
	}
	return nil
}

var osmID = regexp.MustCompile(`^[NWR][1-9][0-9]*(#[0-9]+)?$`)

// CheckOSM accepts the osm attribute of podcast:location: an OpenStreetMap
// object type (N, W or R) and id, with an optional #revision.
func CheckOSM(s string) error {
	if !osmID.MatchString(s) {
		return fmt.Errorf("%q is not an OpenStreetMap object such as R1234 (N node, W way, R relation)", s)
	}
	return nil
}

// CheckSoundbite accepts a podcast:soundbite of an episode of duration
// seconds (0 when unknown): a start within it and a positive length that
// ends within it.
func CheckSoundbite(start, length, duration float64) error {
	switch {
	case start < 0:
		return fmt.Errorf("soundbite starts at %gs, before the episode", start)
	case length <= 0:
		return fmt.Errorf("soundbite at %gs has no duration", start)
	case duration > 0 && start+length > duration+0.5:
		return fmt.Errorf("soundbite %gs+%gs ends after the episode (%gs)", start, length, duration)
	}
	return nil
}

// CheckMediaType accepts a MIME type such as audio/aac or audio/ogg;
// codecs=opus, the type of an alternate enclosure or a trailer.
func CheckMediaType(s string) error {
	t, _, err := mime.ParseMediaType(s)
	if err != nil || !strings.Contains(t, "/") {
		return fmt.Errorf("%q is not a media type such as audio/aac", s)
	}
	return nil
}

var rruleFreq = []string{"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}

var rruleParts = []string{"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"}

// CheckRRule accepts the rrule of podcast:updateFrequency: an RFC 5545
// recurrence rule such as FREQ=WEEKLY;BYDAY=MO, with a FREQ and known
// parts each given once.
func CheckRRule(s string) error {
	seen := map[string]bool{}
	for p := range strings.SplitSeq(s, ";") {
		k, v, ok := strings.Cut(p, "=")
		switch {
		case !ok || v == "":
			return fmt.Errorf("%q is not a recurrence rule such as FREQ=WEEKLY;BYDAY=MO: %q has no value", s, p)
		case !slices.Contains(rruleParts, k):
			return fmt.Errorf("%q is not a recurrence rule: unknown part %s", s, k)
		case seen[k]:
			return fmt.Errorf("%q is not a recurrence rule: %s given twice", s, k)
		case k == "FREQ" && !slices.Contains(rruleFreq, v):
			return fmt.Errorf("%q is not a recurrence rule: FREQ is one of %s", s, strings.Join(rruleFreq, ", "))
		case k == "COUNT" || k == "INTERVAL":
			if n, err := strconv.Atoi(v); err != nil || n < 1 {
				return fmt.Errorf("%q is not a recurrence rule: %s is a positive integer", s, k)
			}
		}
		seen[k] = true
	}
	if !seen["FREQ"] {
		return fmt.Errorf("%q is not a recurrence rule: it has no FREQ", s)
	}
	return nil
}
