package transcript

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

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

// ParseClock parses an editor's anchor: "mm:ss" or "hh:mm:ss", each with
// an optional fraction of a second ("01:02.5").
func ParseClock(s string) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("%w %q: want mm:ss or hh:mm:ss", ErrTimestamp, s)
	}
	var d time.Duration
	for i, p := range parts {
		last := i == len(parts)-1
		if p == "" || (!last && strings.Contains(p, ".")) || strings.ContainsAny(p, "+-eE_") {
			return 0, fmt.Errorf("%w %q", ErrTimestamp, s)
		}
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || (i > 0 && v >= 60) {
			return 0, fmt.Errorf("%w %q", ErrTimestamp, s)
		}
		d = d*60 + time.Duration(v*float64(time.Second))
		if i < len(parts)-1 {
			d = d / time.Second * time.Second
		}
	}
	return d.Round(time.Millisecond), nil
}
