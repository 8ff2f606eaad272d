package main

import (
	"bufio"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind tells a speaker's words from a non-speech cue.
type Kind string

const (
	Speech Kind = "speech"
	Cue    Kind = "cue"
)

// Unit is one thing the synthesiser renders: a speaker turn, the
// continuation paragraph of one, or a cue such as *(音樂)*.
type Unit struct {
	Kind    Kind
	Speaker string // empty for cues and for unattributed speech
	Text    string // plain text: markup stripped, entities decoded, anchor removed
	Line    int    // 1-based line of the paragraph in the source

	// Anchor is the start time an editor fixed with [mm:ss]; HasAnchor
	// says whether there is one (00:00 is a valid anchor).
	Anchor    time.Duration
	HasAnchor bool
}

// ErrNoTurns is returned when a file has no speaker turn at all.
var ErrNoTurns = errors.New("no speaker turns")

// ErrEmptyTurn is returned for a speaker turn without words.
var ErrEmptyTurn = errors.New("speaker turn has no text")

// ParseError is an extraction error with the position it concerns.
type ParseError struct {
	File string
	Line int // 0 when the error concerns the whole file
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

var (
	headingRE = regexp.MustCompile(`^#{1,6}(\s|$)`)
	ruleRE    = regexp.MustCompile(`^ {0,3}((-[ \t]*){3,}|(\*[ \t]*){3,}|(_[ \t]*){3,})$`)
	listRE    = regexp.MustCompile(`^\s*([*+-]|\d+[.)])\s+`)
	anchorRE  = regexp.MustCompile(`^\[(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(\.\d{1,3})?\]\s*`)
	// The three ways editors write a turn's label: **Name:**, **Name：**
	// and **Name**: (the colon outside the bold).
	turnInRE  = regexp.MustCompile(`(?s)^\*\*([^*\n]+?)\s*[:：]\s*\*\*\s*(.*)$`)
	turnOutRE = regexp.MustCompile(`(?s)^\*\*([^*\n]+?)\*\*\s*[:：]\s*(.*)$`)
	cueRE     = regexp.MustCompile(`(?s)^\*\((.+)\)\*$`)
	linkRE    = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	codeRE    = regexp.MustCompile("`+([^`]*)`+")
	strongRE  = regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`)
	emRE      = regexp.MustCompile(`\*([^*\s][^*]*)\*`)
	tagRE     = regexp.MustCompile(`<[^>\n]+>`)
	spaceRE   = regexp.MustCompile(`\s+`)
)

// block is a paragraph-level piece of the source: a paragraph's joined
// lines, or a heading, rule or list that the extractor only needs to skip.
type block struct {
	kind string // "para", "heading", "rule", "list"
	text string
	line int
}

// Extract reads an episode in the editors' Markdown and returns what is
// spoken in it, in order. It is deliberately simple (this is a dev tool that
// makes the sample show's audio, not podpipe's transcript parser): it splits
// the source into paragraphs on blank lines and keeps the paragraphs from the
// first speaker turn on, skipping headings, rules, lists and the
// previous/next link lines.
func Extract(name string, r io.Reader) ([]Unit, error) {
	blocks, err := splitBlocks(r)
	if err != nil {
		return nil, &ParseError{File: name, Err: err}
	}
	var units []Unit
	started := false
	inBody := false    // past the first ## heading: the bold Label: lines above it are metadata
	afterTurn := false // the previous block was speech, so a plain paragraph continues it
	for _, b := range blocks {
		if b.kind == "heading" && !strings.HasPrefix(b.text, "# ") {
			inBody = true
		}
		if !inBody {
			continue
		}
		if b.kind != "para" {
			afterTurn = false
			continue
		}
		text := b.text
		anchor, hasAnchor, text := cutAnchor(text)
		if m := turnInRE.FindStringSubmatch(text); m != nil {
			u, err := turn(name, b.line, m[1], m[2], anchor, hasAnchor)
			if err != nil {
				return nil, err
			}
			units = append(units, u)
			started, afterTurn = true, true
			continue
		}
		if m := turnOutRE.FindStringSubmatch(text); m != nil {
			u, err := turn(name, b.line, m[1], m[2], anchor, hasAnchor)
			if err != nil {
				return nil, err
			}
			units = append(units, u)
			started, afterTurn = true, true
			continue
		}
		if !started {
			continue // show notes
		}
		if m := cueRE.FindStringSubmatch(strings.TrimSpace(text)); m != nil {
			units = append(units, Unit{Kind: Cue, Text: plain(m[1]), Line: b.line, Anchor: anchor, HasAnchor: hasAnchor})
			afterTurn = false
			continue
		}
		if onlyLinks(text) {
			afterTurn = false
			continue
		}
		speaker := ""
		if afterTurn && len(units) > 0 {
			speaker = units[len(units)-1].Speaker
		}
		units = append(units, Unit{Kind: Speech, Speaker: speaker, Text: plain(text), Line: b.line, Anchor: anchor, HasAnchor: hasAnchor})
		afterTurn = true
	}
	if !started {
		return nil, &ParseError{File: name, Err: ErrNoTurns}
	}
	return units, nil
}

func turn(name string, line int, speaker, rest string, anchor time.Duration, hasAnchor bool) (Unit, error) {
	// The anchor may also follow the label: **Name:** [00:05] text.
	if !hasAnchor {
		anchor, hasAnchor, rest = cutAnchor(rest)
	}
	u := Unit{
		Kind:      Speech,
		Speaker:   strings.TrimSpace(plain(speaker)),
		Text:      plain(rest),
		Line:      line,
		Anchor:    anchor,
		HasAnchor: hasAnchor,
	}
	if u.Text == "" {
		return Unit{}, &ParseError{File: name, Line: line, Err: ErrEmptyTurn}
	}
	return u, nil
}

// splitBlocks groups lines into paragraphs, giving headings, rules and
// list lines blocks of their own. TOML front matter between +++ lines at the
// top is skipped.
func splitBlocks(r io.Reader) ([]block, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	var (
		blocks []block
		cur    *block
		n      int
		front  bool
	)
	flush := func() {
		if cur != nil {
			blocks = append(blocks, *cur)
			cur = nil
		}
	}
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
			if line == "+++" {
				front = true
				continue
			}
		}
		if front {
			if line == "+++" {
				front = false
			}
			continue
		}
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case headingRE.MatchString(line):
			flush()
			blocks = append(blocks, block{kind: "heading", text: line, line: n})
		case ruleRE.MatchString(line):
			flush()
			blocks = append(blocks, block{kind: "rule", text: line, line: n})
		case cur == nil && listRE.MatchString(line):
			cur = &block{kind: "list", text: line, line: n}
		case cur == nil:
			cur = &block{kind: "para", text: line, line: n}
		default:
			cur.text += "\n" + line
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if front {
		return nil, errors.New("front matter is not closed by +++")
	}
	flush()
	return blocks, nil
}

// cutAnchor removes a leading [mm:ss] or [hh:mm:ss] anchor, with an
// optional fraction of a second ([01:02.5]).
func cutAnchor(s string) (time.Duration, bool, string) {
	m := anchorRE.FindStringSubmatchIndex(s)
	if m == nil {
		return 0, false, s
	}
	num := func(i int) int {
		if m[2*i] < 0 {
			return 0
		}
		v, _ := strconv.Atoi(s[m[2*i]:m[2*i+1]])
		return v
	}
	d := time.Duration(num(1))*time.Hour + time.Duration(num(2))*time.Minute + time.Duration(num(3))*time.Second
	if m[8] >= 0 { // fraction: ".5" is half a second
		frac := s[m[8]+1 : m[9]]
		ms, _ := strconv.Atoi((frac + "00")[:3])
		d += time.Duration(ms) * time.Millisecond
	}
	return d, true, s[m[1]:]
}

// onlyLinks reports whether a paragraph holds nothing but links and the
// separators between them, like the previous/next line.
func onlyLinks(s string) bool {
	if !linkRE.MatchString(s) {
		return false
	}
	rest := linkRE.ReplaceAllString(s, "")
	return strings.Trim(rest, " \t\n|·•/") == ""
}

// plain strips inline Markdown and HTML and decodes entities, leaving the
// words a voice should say.
func plain(s string) string {
	s = linkRE.ReplaceAllString(s, "$1")
	s = codeRE.ReplaceAllString(s, "$1")
	s = strongRE.ReplaceAllString(s, "$1$2")
	s = emRE.ReplaceAllString(s, "$1")
	s = tagRE.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, `\`, "")
	s = html.UnescapeString(s)
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}
