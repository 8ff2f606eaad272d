// Package plaintext writes a transcript as plain UTF-8 text for readers and
// search: the title and people, then each paragraph with its speaker's name
// where the speaker changes, cues in brackets, and section titles.
//
//	err := plaintext.Write(w, t)
//
// It needs no times.
package plaintext

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/podpipe/podpipe/transcript"
)

// Write writes t as plain text.
func Write(w io.Writer, t *transcript.Transcript) error {
	zh := strings.HasPrefix(t.Lang(), "zh")
	sep := ": "
	label := map[string]string{"hosts": "Hosts", "guests": "Guests", "date": "Date"}
	if zh {
		sep = "："
		label = map[string]string{"hosts": "主持人", "guests": "來賓", "date": "日期"}
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(t.Title + "\n")
	if !t.Date.IsZero() {
		d := t.Date.Format("January 2, 2006")
		if zh {
			d = fmt.Sprintf("%d年%d月%d日", t.Date.Year(), t.Date.Month(), t.Date.Day())
		}
		bw.WriteString(label["date"] + sep + d + "\n")
	}
	people := func(key string, ps []transcript.Person) {
		if len(ps) == 0 {
			return
		}
		var names []string
		for _, p := range ps {
			if p.Role != "" {
				names = append(names, p.Name+" ("+p.Role+")")
			} else {
				names = append(names, p.Name)
			}
		}
		list := strings.Join(names, ", ")
		if zh {
			list = strings.Join(names, "、")
		}
		bw.WriteString(label[key] + sep + list + "\n")
	}
	people("hosts", t.Hosts)
	people("guests", t.Guests)
	if t.Description != "" {
		bw.WriteString("\n" + t.Description + "\n")
	}
	last := ""
	for i, u := range t.Units {
		for _, s := range t.Sections {
			if s.Unit == i && !s.Notes {
				bw.WriteString("\n" + strings.Repeat("#", s.Level) + " " + s.Title + "\n")
			}
		}
		bw.WriteString("\n")
		switch {
		case u.Kind == transcript.Cue:
			bw.WriteString("[" + u.Text + "]\n")
		case u.Speaker != "" && u.Speaker != last:
			bw.WriteString(u.Speaker + sep + u.Text + "\n")
			last = u.Speaker
		default:
			bw.WriteString(u.Text + "\n")
		}
	}
	return bw.Flush()
}
