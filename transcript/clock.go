package transcript

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The time notations podpipe reads and writes, each with one formatter and
// one parser, all here so that a bound or a rounding rule changes once:
//
//	notation                 format            parse
//	WebVTT timestamp         FormatTimestamp   ParseTimestamp   01:02:03.450
//	SubRip timestamp         FormatSRT         ParseSRT         01:02:03,450
//	Normal Play Time         FormatTimestamp   ParseNPT         01:02:03.450, 62:03, 3723.45
//	chapter clock            FormatHMS         ParseNPT         01:02:03
//	player clock (anchors)   FormatClock       ParseClock       1:02:03, 04:05
//	JSON seconds             ToSeconds         FromSeconds      3723.45
//	  the same as text       FormatSeconds
//
// Every parser refuses a time before 0 or after MaxTime, and every writer
// refuses to write one, so no notation overflows a time.Duration and what
// podpipe writes it can read back.

// MaxTime is the latest time podpipe reads or writes: 999:59:59.999, the
// most the three hour digits of SubRip hold, some 41 days of audio. It
// also fits the 32-bit milliseconds of an ID3 chapter frame.
const MaxTime = 1000*time.Hour - time.Millisecond

// maxTimeText is MaxTime as the error messages show it.
const maxTimeText = "999:59:59.999"

// CheckTime reports a time no notation can hold: before 0 or after MaxTime
// (on whole milliseconds, as the notations write it).
func CheckTime(d time.Duration) error {
	switch r := d.Round(time.Millisecond); {
	case r < 0:
		return fmt.Errorf("%w: %s is before 0", ErrTimestamp, FormatTimestamp(d))
	case r > MaxTime:
		return fmt.Errorf("%w: %s is after %s, the latest time podpipe handles", ErrTimestamp, FormatTimestamp(d), maxTimeText)
	}
	return nil
}

// hmsms formats d on whole milliseconds as hh:mm:ss followed by sep and the
// milliseconds; a negative d (only ever in a message) gets a sign.
func hmsms(d time.Duration, sep string) string {
	return string(appendHMSMS(make([]byte, 0, 16), d, sep))
}

// AppendTimestamp appends FormatTimestamp(d) to b.
func AppendTimestamp(b []byte, d time.Duration) []byte { return appendHMSMS(b, d, ".") }

// AppendSRT appends FormatSRT(d) to b.
func AppendSRT(b []byte, d time.Duration) []byte { return appendHMSMS(b, d, ",") }

func appendHMSMS(b []byte, d time.Duration, sep string) []byte {
	ms := d.Round(time.Millisecond).Milliseconds()
	if ms < 0 {
		b, ms = append(b, '-'), -ms
	}
	// fmt.Sprintf's "%s%02d:%02d:%02d%s%03d", without its cost: a long
	// transcript's captions format two of these per cue.
	b = appendPadded(b, ms/3600000, 2)
	b = append(b, ':')
	b = appendPadded(b, ms/60000%60, 2)
	b = append(b, ':')
	b = appendPadded(b, ms/1000%60, 2)
	b = append(b, sep...)
	return appendPadded(b, ms%1000, 3)
}

// appendPadded appends n (≥ 0) in decimal, zero-padded to width digits.
func appendPadded(b []byte, n int64, width int) []byte {
	for p := int64(10); width > 1; width, p = width-1, p*10 {
		if n < p {
			b = append(b, '0')
		}
	}
	return strconv.AppendInt(b, n, 10)
}

// FormatTimestamp formats d as hh:mm:ss.mmm: a WebVTT timestamp, and the
// full form of Normal Play Time that Podlove Simple Chapters and chapter
// lists use.
func FormatTimestamp(d time.Duration) string { return hmsms(d, ".") }

// FormatSRT formats d as a SubRip timestamp, hh:mm:ss,mmm.
func FormatSRT(d time.Duration) string { return hmsms(d, ",") }

// FormatHMS formats d as hh:mm:ss, seconds truncated as players show them:
// the chapter list of show notes.
func FormatHMS(d time.Duration) string {
	s := int64(d / time.Second)
	sign := ""
	if s < 0 {
		sign, s = "-", -s
	}
	return fmt.Sprintf("%s%02d:%02d:%02d", sign, s/3600, s/60%60, s%60)
}

// FormatClock formats d the way people read a player's clock: "04:05",
// or "1:02:03" past the hour. Fractions of a second are dropped.
func FormatClock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%02d:%02d", m, sec)
}

// ToSeconds returns d in seconds on whole milliseconds, as JSON formats
// write times.
func ToSeconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond).Milliseconds()) / 1000
}

// FormatSeconds formats d in seconds on whole milliseconds with no
// trailing zeros, "62.5": JSON's seconds as text, for HTML attributes.
func FormatSeconds(d time.Duration) string {
	return strconv.FormatFloat(ToSeconds(d), 'f', -1, 64)
}

// FromSeconds converts a time in seconds (JSON's) to a duration on whole
// milliseconds, refusing what is not a time from 0 to MaxTime.
func FromSeconds(v float64) (time.Duration, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > MaxTime.Seconds() {
		return 0, fmt.Errorf("%w %v: want seconds from 0 to %s", ErrTimestamp, v, strconv.FormatFloat(MaxTime.Seconds(), 'f', -1, 64))
	}
	return time.Duration(math.Round(v*1000)) * time.Millisecond, nil
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// number parses the digits s, saturating past MaxTime's milliseconds so
// that an absurd count is refused by the range check, not wrapped.
func number(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > MaxTime.Milliseconds() {
		return MaxTime.Milliseconds() + 1
	}
	return n
}

// fromParts returns h:m:s.ms as a duration, or an error naming s when it is
// after MaxTime. Each part is at most MaxTime's milliseconds (number sees
// to that), so the sums cannot overflow before the check.
func fromParts(s string, h, m, sec, ms int64) (time.Duration, error) {
	limit := MaxTime.Milliseconds()
	total := h
	for _, p := range []struct{ v, unit int64 }{{m, 60}, {sec, 60}, {ms, 1000}} {
		if total > limit {
			break
		}
		total = total*p.unit + p.v
	}
	if total > limit {
		return 0, fmt.Errorf("%w %q: after %s, the latest time podpipe handles", ErrTimestamp, s, maxTimeText)
	}
	return time.Duration(total) * time.Millisecond, nil
}

// ParseTimestamp parses a WebVTT timestamp: [hh:]mm:ss.ttt, with two or
// more hour digits, two each for minutes and seconds (up to 59) and three
// for the milliseconds.
func ParseTimestamp(s string) (time.Duration, error) {
	// The error is made only when needed: a 20,000-cue file has 40,000
	// timestamps, and formatting an error for each was 6% of a
	// conversion.
	bad := func() error { return fmt.Errorf("%w %q: want hh:mm:ss.ttt", ErrTimestamp, s) }
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 3 || !digits(frac) {
		return 0, bad()
	}
	parts := strings.Split(whole, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, bad()
	}
	var h int64
	if len(parts) == 3 {
		if len(parts[0]) < 2 || !digits(parts[0]) {
			return 0, bad()
		}
		h = number(parts[0])
		parts = parts[1:]
	}
	if len(parts[0]) != 2 || len(parts[1]) != 2 || !digits(parts[0]) || !digits(parts[1]) {
		return 0, bad()
	}
	m, sec := number(parts[0]), number(parts[1])
	if m > 59 || sec > 59 {
		return 0, bad()
	}
	return fromParts(s, h, m, sec, number(frac))
}

// ParseSRT parses a SubRip timestamp, hh:mm:ss,mmm, with one to three hour
// digits; a full stop is accepted for the comma, as many tools write one.
func ParseSRT(s string) (time.Duration, error) {
	bad := func() error { return fmt.Errorf("%w %q: want hh:mm:ss,mmm", ErrTimestamp, s) }
	whole, frac, ok := strings.Cut(s, ",")
	if !ok {
		whole, frac, ok = strings.Cut(s, ".")
	}
	parts := strings.Split(whole, ":")
	if !ok || len(frac) != 3 || !digits(frac) || len(parts) != 3 ||
		len(parts[0]) > 3 || !digits(parts[0]) ||
		len(parts[1]) != 2 || !digits(parts[1]) || len(parts[2]) != 2 || !digits(parts[2]) {
		return 0, bad()
	}
	m, sec := number(parts[1]), number(parts[2])
	if m > 59 || sec > 59 {
		return 0, fmt.Errorf("%w %q: minutes and seconds run to 59", ErrTimestamp, s)
	}
	return fromParts(s, number(parts[0]), m, sec, number(frac))
}

// ParseNPT parses Normal Play Time as Podlove Simple Chapters and chapter
// lists write it: seconds ("37", "37.5"), "7:48", "01:35:52.250". Minutes
// and seconds after a colon have two digits up to 59; the fraction has one
// to three digits.
func ParseNPT(s string) (time.Duration, error) {
	bad := func() error { return fmt.Errorf("%w %q: want hh:mm:ss.mmm", ErrTimestamp, s) }
	s = strings.TrimSpace(s)
	whole, frac, hasFrac := strings.Cut(s, ".")
	parts := strings.Split(whole, ":")
	if len(parts) > 3 || !digits(parts[0]) {
		return 0, bad()
	}
	for _, p := range parts[1:] {
		if len(p) != 2 || !digits(p) || number(p) > 59 {
			return 0, bad()
		}
	}
	var ms int64
	if hasFrac {
		if len(frac) > 3 || !digits(frac) {
			return 0, bad()
		}
		ms = number((frac + "00")[:3])
	}
	var v [3]int64 // h, m, s, filled from the right
	for i, p := range parts {
		v[3-len(parts)+i] = number(p)
	}
	return fromParts(s, v[0], v[1], v[2], ms)
}

// ParseClock parses an editor's anchor: "mm:ss" or "hh:mm:ss", each with
// an optional fraction of a second ("01:02.5").
func ParseClock(s string) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("%w %q: want mm:ss or hh:mm:ss", ErrTimestamp, s)
	}
	var total float64 // seconds
	for i, p := range parts {
		last := i == len(parts)-1
		if p == "" || (!last && strings.Contains(p, ".")) || strings.ContainsAny(p, "+-eE_") {
			return 0, fmt.Errorf("%w %q", ErrTimestamp, s)
		}
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || (i > 0 && v >= 60) {
			return 0, fmt.Errorf("%w %q", ErrTimestamp, s)
		}
		total = total*60 + v
		if total > MaxTime.Seconds() {
			return 0, fmt.Errorf("%w %q: after %s, the latest time podpipe handles", ErrTimestamp, s, maxTimeText)
		}
	}
	d := time.Duration(math.Round(total*1000)) * time.Millisecond
	if d > MaxTime {
		return 0, fmt.Errorf("%w %q: after %s, the latest time podpipe handles", ErrTimestamp, s, maxTimeText)
	}
	return d, nil
}

// CheckCaptions reports a caption of t a timed format cannot write: one
// that ends after MaxTime. The error names the unit's source line.
func CheckCaptions(t *Transcript, cs []Caption) error {
	for _, c := range cs {
		if err := CheckTime(c.End); err != nil {
			line := 0
			if c.Unit >= 0 && c.Unit < len(t.Units) {
				line = t.Units[c.Unit].Line
			}
			return &ParseError{Line: line, Err: err}
		}
	}
	return nil
}
