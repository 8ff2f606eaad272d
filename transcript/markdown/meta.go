package markdown

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/podpipe/podpipe/transcript"
)

// metaKind is what a metadata label sets.
type metaKind int

const (
	metaNone metaKind = iota
	metaDate
	metaGuests
	metaHosts
)

// labels maps the labels editors write, in Chinese or English, to what they set.
var labels = map[string]metaKind{
	"日期": metaDate, "date": metaDate, "錄音日期": metaDate,
	"講者": metaGuests, "嘉賓": metaGuests, "來賓": metaGuests, "speaker": metaGuests,
	"speakers": metaGuests, "guest": metaGuests, "guests": metaGuests,
	"主持人": metaHosts, "主持": metaHosts, "host": metaHosts, "hosts": metaHosts,
}

func labelKind(label string) metaKind {
	return labels[strings.ToLower(strings.TrimSpace(label))]
}

var zhDate = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$`)

// parseDate reads the date formats editors write: 2025年9月24日,
// 2025-09-24, 2025/9/24, September 24, 2025 and Sep 24, 2025.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if m := zhDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Month() != time.Month(mo) || t.Day() != d {
			return time.Time{}, fmt.Errorf("no such date %q", s)
		}
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006/1/2", "January 2, 2006", "Jan 2, 2006", "2 January 2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q: want 2025年9月24日, 2025-09-24 or September 24, 2025", s)
}

// splitPeople splits a list of people on commas and 、 outside parentheses.
func splitPeople(s string) []transcript.Person {
	var ps []transcript.Person
	depth, from := 0, 0
	flush := func(to int) {
		if p := strings.TrimSpace(s[from:to]); p != "" {
			ps = append(ps, parsePerson(p))
		}
	}
	for i, r := range s {
		switch r {
		case '(', '（':
			depth++
		case ')', '）':
			depth = max(0, depth-1)
		case ',', '，', '、', ';', '；':
			if depth == 0 {
				flush(i)
				from = i + len(string(r))
			}
		}
	}
	flush(len(s))
	return ps
}

// parsePerson reads "Name (role)"; the role is optional.
func parsePerson(s string) transcript.Person {
	name, role := splitRole(strings.TrimSpace(s))
	return transcript.Person{Name: name, Role: role}
}

// splitRole splits a trailing parenthesised role off a name.
func splitRole(s string) (name, role string) {
	s = strings.TrimSpace(s)
	for _, p := range [][2]string{{"(", ")"}, {"（", "）"}} {
		if strings.HasSuffix(s, p[1]) {
			if i := strings.LastIndex(s, p[0]); i > 0 {
				return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+len(p[0]) : len(s)-len(p[1])])
			}
		}
	}
	return s, ""
}
