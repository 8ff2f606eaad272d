package transcript_test

import (
	"errors"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

const (
	h  = time.Hour
	m  = time.Minute
	s  = time.Second
	ms = time.Millisecond
)

// Each notation's parser, with the bounds: nothing after MaxTime is read,
// however many digits it has, and nothing wraps to a negative time.
func TestParseNotations(t *testing.T) {
	parsers := map[string]func(string) (time.Duration, error){
		"Timestamp": transcript.ParseTimestamp,
		"SRT":       transcript.ParseSRT,
		"NPT":       transcript.ParseNPT,
		"Clock":     transcript.ParseClock,
	}
	for _, tc := range []struct {
		parser, in string
		want       time.Duration
		ok         bool
	}{
		{"Timestamp", "00:01.500", 1500 * ms, true},
		{"Timestamp", "01:02:03.004", h + 2*m + 3*s + 4*ms, true},
		{"Timestamp", "999:59:59.999", transcript.MaxTime, true},
		{"Timestamp", "1000:00:00.000", 0, false},
		{"Timestamp", "9999999:00:00.000", 0, false},
		{"Timestamp", "99999999999:00:00.000", 0, false},
		{"Timestamp", "99999999999999999999999:00:00.000", 0, false},
		{"Timestamp", "1:00:00.000", 0, false},
		{"Timestamp", "00:60.000", 0, false},
		{"Timestamp", "00:01,500", 0, false},
		{"SRT", "01:02:03,004", h + 2*m + 3*s + 4*ms, true},
		{"SRT", "1:02:03.004", h + 2*m + 3*s + 4*ms, true},
		{"SRT", "999:59:59,999", transcript.MaxTime, true},
		{"SRT", "1000:00:00,000", 0, false},
		{"SRT", "00:00:60,000", 0, false},
		{"SRT", "00:00:00,00", 0, false},
		{"NPT", "37", 37 * s, true},
		{"NPT", "37.5", 37500 * ms, true},
		{"NPT", "7:48", 7*m + 48*s, true},
		{"NPT", "01:35:52.250", h + 35*m + 52*s + 250*ms, true},
		{"NPT", "3599999.999", transcript.MaxTime, true},
		{"NPT", "3600000", 0, false},
		{"NPT", "59999:59", 999*h + 59*m + 59*s, true},
		{"NPT", "60000:00", 0, false},
		{"NPT", "99999999:00:00", 0, false},
		{"NPT", "1:60", 0, false},
		{"NPT", "1:2:3", 0, false},
		{"NPT", "1:2:3:4", 0, false},
		{"NPT", "-1", 0, false},
		{"NPT", "1e3", 0, false},
		{"NPT", "", 0, false},
		{"NPT", "a", 0, false},
		{"NPT", "00:00:00.000", 0, true},
		{"NPT", "1.2345", 0, false},
		{"Clock", "01:02", 62 * s, true},
		{"Clock", "999:59:59.999", transcript.MaxTime, true},
		{"Clock", "999:59:59.9996", 0, false},
		{"Clock", "1000:00:00", 0, false},
		{"Clock", "99999999999999999999:00", 0, false},
		{"Clock", "1000000000000000000000000000000000000000000:00", 0, false},
	} {
		got, err := parsers[tc.parser](tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Parse%s(%q) = %v, %v; want %v ok=%v", tc.parser, tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, transcript.ErrTimestamp) {
			t.Errorf("Parse%s(%q) error %v does not wrap ErrTimestamp", tc.parser, tc.in, err)
		}
	}
}

func TestFormatNotations(t *testing.T) {
	d := h + 2*m + 3*s + 4500*time.Microsecond
	for _, tc := range []struct{ got, want string }{
		{transcript.FormatTimestamp(d), "01:02:03.005"},
		{transcript.FormatSRT(d), "01:02:03,005"},
		{transcript.FormatHMS(d), "01:02:03"},
		{transcript.FormatClock(d), "1:02:03"},
		{transcript.FormatTimestamp(transcript.MaxTime), "999:59:59.999"},
		{transcript.FormatSRT(transcript.MaxTime), "999:59:59,999"},
		{transcript.FormatTimestamp(-1500 * ms), "-00:00:01.500"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// What each formatter writes, its parser reads back, from 0 to MaxTime.
func TestNotationsRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{0, ms, 59*s + 999*ms, h, 99*h + 59*m, transcript.MaxTime} {
		for name, rt := range map[string]func(time.Duration) (time.Duration, error){
			"Timestamp": func(d time.Duration) (time.Duration, error) {
				return transcript.ParseTimestamp(transcript.FormatTimestamp(d))
			},
			"SRT": func(d time.Duration) (time.Duration, error) { return transcript.ParseSRT(transcript.FormatSRT(d)) },
			"NPT": func(d time.Duration) (time.Duration, error) {
				return transcript.ParseNPT(transcript.FormatTimestamp(d))
			},
			"HMS":     func(d time.Duration) (time.Duration, error) { return transcript.ParseNPT(transcript.FormatHMS(d)) },
			"Clock":   func(d time.Duration) (time.Duration, error) { return transcript.ParseClock(transcript.FormatClock(d)) },
			"Seconds": func(d time.Duration) (time.Duration, error) { return transcript.FromSeconds(transcript.ToSeconds(d)) },
			"SecondsText": func(d time.Duration) (time.Duration, error) {
				v, err := strconv.ParseFloat(transcript.FormatSeconds(d), 64)
				if err != nil {
					return 0, err
				}
				return transcript.FromSeconds(v)
			},
		} {
			want := d
			if name == "HMS" || name == "Clock" {
				want = d.Truncate(s)
			}
			if got, err := rt(d); err != nil || got != want {
				t.Errorf("%s round trip of %v = %v, %v", name, d, got, err)
			}
		}
	}
}

func TestFromSecondsAndCheckTime(t *testing.T) {
	for _, v := range []float64{-1, 3600000, 7e8, math.NaN(), math.Inf(1), 1e300} {
		if d, err := transcript.FromSeconds(v); err == nil {
			t.Errorf("FromSeconds(%v) = %v, want an error", v, d)
		}
	}
	for d, ok := range map[time.Duration]bool{0: true, transcript.MaxTime: true, transcript.MaxTime + ms: false, -ms: false, math.MaxInt64: false} {
		if err := transcript.CheckTime(d); (err == nil) != ok {
			t.Errorf("CheckTime(%v) = %v, want ok=%v", d, err, ok)
		}
	}
}

func FuzzNotations(f *testing.F) {
	for _, s := range []string{"00:01.500", "99999999999:00:00.000", "1:02:03,004", "37.5", "7:48", "999:59:59.999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for name, p := range map[string]struct {
			parse  func(string) (time.Duration, error)
			format func(time.Duration) string
		}{
			"Timestamp": {transcript.ParseTimestamp, transcript.FormatTimestamp},
			"SRT":       {transcript.ParseSRT, transcript.FormatSRT},
			"NPT":       {transcript.ParseNPT, transcript.FormatTimestamp},
			"Clock":     {transcript.ParseClock, transcript.FormatTimestamp},
		} {
			d, err := p.parse(in)
			if err != nil {
				continue
			}
			if err := transcript.CheckTime(d); err != nil {
				t.Fatalf("Parse%s(%q) = %v, out of range: %v", name, in, d, err)
			}
			if back, err := p.parse(p.format(d)); name != "Clock" && (err != nil || back != d) {
				t.Fatalf("Parse%s(%q) = %v, written %q, read back %v, %v", name, in, d, p.format(d), back, err)
			}
		}
	})
}
