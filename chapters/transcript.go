package chapters

import "github.com/podpipe/podpipe/transcript"

// FromTranscript returns the transcript's sections as chapters, timed by
// their starts; sections that hold show notes only are no chapters. The
// transcript must be timed.
func FromTranscript(t *transcript.Transcript) []Chapter {
	var list []Chapter
	for _, s := range t.Sections {
		if s.Notes {
			continue
		}
		list = append(list, Chapter{Start: s.Start, Title: s.Title})
	}
	return list
}

// FromMarks returns the chapters of a transcript's front matter.
func FromMarks(marks []transcript.ChapterMark) []Chapter {
	var list []Chapter
	for _, m := range marks {
		list = append(list, Chapter{Start: m.Start, Title: m.Title, URL: m.URL, Image: m.Image})
	}
	return list
}

// Marks returns the visible chapters of list as the transcript model's
// chapter marks, for a page's chapter list; nil when list is nil.
func Marks(list []Chapter) []transcript.ChapterMark {
	if list == nil {
		return nil
	}
	marks := []transcript.ChapterMark{}
	for _, c := range list {
		if !c.Hidden {
			marks = append(marks, transcript.ChapterMark{Start: c.Start, Title: c.Title, URL: c.URL, Image: c.Image})
		}
	}
	return marks
}
