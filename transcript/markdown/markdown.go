// Package markdown reads the editors' transcripts: Markdown with a title,
// bold "Label:" metadata lines, show notes, sections and speaker turns, in
// the shape the editors write (see testdata/talk.md):
//
//	# 第 1 集：標題
//
//	**日期:** 2025年9月24日
//	**講者:** Guest One (CTO at Example)
//	**主持人:** Host Name
//
//	## 對談內容
//	**Host Name:** [00:05] 歡迎收聽……
//
//	*(音樂)*
//
// Parse it with
//
//	t, err := markdown.Parse("episodes/01-x.md", src)
//
// The document is parsed with goldmark and read from its syntax tree, so
// emphasis, code, links, entities and raw HTML mean what they mean in
// Markdown. Optional TOML front matter between "+++" lines sets or
// overrides the metadata. Errors are *transcript.ParseError values that
// name the file and line.
package markdown

import (
	"html"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/podpipe/podpipe/rules"
	"github.com/podpipe/podpipe/transcript"
)

// Parse reads one transcript in the editors' Markdown. name is used in
// errors and nothing else. A file with no speaker turns is refused with
// transcript.ErrNoSpeech: there is nothing to convert.
func Parse(name string, src []byte) (*transcript.Transcript, error) {
	return ParseWith(name, src, Options{})
}

// Options changes what ParseWith accepts.
type Options struct {
	// NotesOnly accepts an episode with no speaker turns when it has
	// show notes (a notes section or a front matter description): an
	// episode published with its notes and no transcript, as imported
	// from a feed that linked none. The result has no speech units.
	// A file with neither turns nor notes is still refused with
	// transcript.ErrNoSpeech.
	NotesOnly bool
}

// ParseWith is Parse with options.
func ParseWith(name string, src []byte, o Options) (*transcript.Transcript, error) {
	if err := transcript.CheckText(name, src); err != nil {
		return nil, err
	}
	if err := checkLimits(name, src); err != nil {
		return nil, err
	}
	fm, body, skipped, err := splitFrontMatter(name, []byte(strings.TrimPrefix(string(src), "\uFEFF")))
	if err != nil {
		return nil, err
	}
	md := goldmark.New().Parser()
	doc := md.Parse(text.NewReader(body))
	if fixed, ok := spaceAfterLabels(doc, body); ok {
		body = fixed
		doc = md.Parse(text.NewReader(body))
	}
	p := &parser{name: name, src: body, skipped: skipped, t: &transcript.Transcript{}, lastTurn: -1}
	for i, c := range body {
		if c == '\n' {
			p.lineStarts = append(p.lineStarts, i+1)
		}
	}
	p.speakers = p.speakerNames(doc)
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if err := p.block(n); err != nil {
			return nil, err
		}
	}
	t := p.t
	t.Description = strings.Join(p.notesText, "\n\n")
	t.NotesHTML = p.notesHTML.String()
	if fm != nil {
		if err := applyFrontMatter(name, fm, t); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(t.Title) == "" {
		return nil, transcript.Errorf(name, 1+skipped, "%w: the first line should be a \"# \" heading", transcript.ErrNoTitle)
	}
	if !slices.ContainsFunc(t.Units, func(u transcript.Unit) bool { return u.Kind == transcript.Speech }) {
		// The whole file was read and no turn found: point at its last line.
		last := skipped + strings.Count(strings.TrimRight(string(body), " \t\r\n"), "\n") + 1
		if !o.NotesOnly {
			return nil, transcript.Errorf(name, last, "%w (paragraphs that start with **Name:**)", transcript.ErrNoSpeech)
		}
		if strings.TrimSpace(t.Description) == "" && strings.TrimSpace(t.NotesHTML) == "" {
			return nil, transcript.Errorf(name, last, "%w and no show notes: write the turns (paragraphs that start with **Name:**), or show notes (paragraphs under the title, or description in the front matter)", transcript.ErrNoSpeech)
		}
	}
	for i := range t.Sections {
		next := len(t.Units)
		if i+1 < len(t.Sections) {
			next = t.Sections[i+1].Unit
		}
		t.Sections[i].Notes = t.Sections[i].Unit == next
	}
	return t, nil
}

// labelRE matches a bold label whose colon sits inside the bold, at the
// start of a line: "**林雅婷：**", "[01:02] **Host:**".
var labelRE = regexp.MustCompile(`^(?:\[[0-9:.]+\][ \t]*)?\*\*[^*\n]{1,64}?[:：]\*\*`)

// spaceAfterLabels returns body with a space put after every bold label
// that ends in a colon and is followed directly by text, at the start of a
// line of a paragraph. Chinese editors write "**林雅婷：**大家好" with no
// space, and CommonMark does not let "**" close after punctuation when a
// letter follows, so without the space the name is not bold and the turn
// (or the metadata line) is lost. Only columns move, never lines, so line
// numbers stay those of the file.
func spaceAfterLabels(doc ast.Node, body []byte) ([]byte, bool) {
	var at []int
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindParagraph, ast.KindTextBlock:
		default:
			return ast.WalkContinue, nil
		}
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			line := seg.Value(body)
			m := labelRE.FindIndex(line)
			if m == nil || m[1] >= len(line) {
				continue
			}
			if r, _ := utf8.DecodeRune(line[m[1]:]); !unicode.IsSpace(r) {
				at = append(at, seg.Start+m[1])
			}
		}
		return ast.WalkSkipChildren, nil
	})
	if len(at) == 0 {
		return body, false
	}
	sort.Ints(at)
	out := make([]byte, 0, len(body)+len(at))
	from := 0
	for _, i := range at {
		out = append(append(out, body[from:i]...), ' ')
		from = i
	}
	return append(out, body[from:]...), true
}

type parser struct {
	name       string
	src        []byte
	skipped    int   // lines of front matter before src
	lineStarts []int // offsets of the starts of lines 2, 3, …
	t          *transcript.Transcript

	speakers   map[string]bool // names that open a paragraph as a turn
	lastTurn   int             // index of the last speech unit, -1 before the first turn
	afterTurn  bool            // no heading since the last turn: an unlabelled paragraph continues it
	sawSection bool

	notesText []string
	notesHTML strings.Builder
}

// line returns the file line of a byte offset into the body.
func (p *parser) line(off int) int {
	return sort.SearchInts(p.lineStarts, off+1) + 1 + p.skipped
}

// lineOf returns the file line where a node starts.
func (p *parser) lineOf(n ast.Node) int {
	off := -1
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || off >= 0 {
			return ast.WalkStop, nil
		}
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			off = n.Lines().At(0).Start
			return ast.WalkStop, nil
		}
		if t, ok := n.(*ast.Text); ok {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off < 0 {
		if n.Pos() >= 0 {
			off = n.Pos()
		} else {
			off = 0
		}
	}
	return p.line(off)
}

func (p *parser) errorf(n ast.Node, format string, args ...any) error {
	return transcript.Errorf(p.name, p.lineOf(n), format, args...)
}

func (p *parser) block(n ast.Node) error {
	switch n := n.(type) {
	case *ast.Heading:
		return p.heading(n)
	case *ast.ThematicBreak:
		return nil // a separator, nothing more
	case *ast.Paragraph:
		return p.paragraph(n)
	case *ast.List:
		return p.list(n)
	case *ast.HTMLBlock:
		if n.HTMLBlockType == ast.HTMLBlockType2 {
			return nil // an editor's <!-- comment -->: not for publication
		}
		return p.literal(n)
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		return p.literal(n)
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if err := p.block(c); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

// literal places a block of raw HTML or code as the text it is.
func (p *parser) literal(n ast.Node) error {
	// Raw HTML is shown as text, never passed through: a transcript
	// may quote "<script>" and that must not run on the page.
	var b strings.Builder
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		b.Write(seg.Value(p.src))
	}
	if h, ok := n.(*ast.HTMLBlock); ok && h.HasClosure() {
		b.Write(h.ClosureLine.Value(p.src))
	}
	s := transcript.Normalize(b.String())
	if s == "" {
		return nil
	}
	return p.prose(n, s, escape(s))
}

var anchorRE = regexp.MustCompile(`^\[((?:\d{1,2}:)?\d{1,2}:\d{2}(?:\.\d{1,3})?)\]\s*`)

func (p *parser) heading(n *ast.Heading) error {
	if p.setext(n) && len(lines(n)) > 0 && p.isTurnLine(lines(n)[0]) {
		// "**A:** …" with "---" on the next line is a setext heading in
		// Markdown, but editors mean a turn and a separator under it.
		para := ast.NewParagraph()
		for _, c := range children(n) {
			para.AppendChild(para, c)
		}
		return p.paragraph(para)
	}
	txt, _ := p.inline(n, 0)
	if n.Level == 1 && p.t.Title == "" && !p.sawSection {
		p.t.Title = txt
		return nil
	}
	s := transcript.Section{Level: min(max(n.Level, 2), 3), Unit: len(p.t.Units), Line: p.lineOf(n)}
	if m := anchorRE.FindStringSubmatch(txt); m != nil {
		d, err := transcript.ParseClock(m[1])
		if err != nil {
			return p.errorf(n, "heading anchor: %w", err)
		}
		s.Start, s.Anchor = d, true
		txt = txt[len(m[0]):]
	}
	if txt == "" {
		return p.errorf(n, "heading has no text")
	}
	s.Title = txt
	p.t.Sections = append(p.t.Sections, s)
	p.sawSection = true
	p.afterTurn = false
	return nil
}

// setext reports whether a heading is underlined ("Title\n---") rather
// than opened with "#".
func (p *parser) setext(n *ast.Heading) bool {
	if n.Lines().Len() == 0 {
		return false
	}
	start := n.Lines().At(0).Start
	for start > 0 && p.src[start-1] != '\n' {
		start--
	}
	return !strings.HasPrefix(strings.TrimLeft(string(p.src[start:n.Lines().At(0).Start]), " \t>"), "#")
}

// section returns the index of the current section.
func (p *parser) section() int { return len(p.t.Sections) - 1 }

func (p *parser) paragraph(n *ast.Paragraph) error {
	if p.lastTurn < 0 && !p.sawSection && p.metadata(n) {
		return nil
	}
	if parts := p.splitLines(n); len(parts) > 1 {
		for _, part := range parts {
			if err := p.paragraph(part); err != nil {
				return err
			}
		}
		return nil
	}
	if p.navLinks(n) {
		return nil
	}
	if cue, cueHTML, anchor, ok := p.cue(children(n)); ok {
		if cue == "" {
			return p.errorf(n, "cue has no text: say what is heard, as in *(音樂)*")
		}
		u := transcript.Unit{Kind: transcript.Cue, Text: cue, HTML: cueHTML, Section: p.section(), Line: p.lineOf(n)}
		if anchor != "" {
			d, err := transcript.ParseClock(anchor)
			if err != nil {
				return p.errorf(n, "anchor: %w", err)
			}
			u.Start, u.Anchor, u.Confidence = d, true, 1
		}
		p.t.Units = append(p.t.Units, u)
		return nil
	}
	if ok, err := p.turn(n); ok || err != nil {
		return err
	}
	txt, h := p.inline(n, 0)
	if txt == "" {
		return nil
	}
	return p.prose(n, txt, h)
}

// children returns the inline children of n.
func children(n ast.Node) []ast.Node {
	var cs []ast.Node
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		cs = append(cs, c)
	}
	return cs
}

// lines splits the inline children of n into lines at soft and hard breaks.
func lines(n ast.Node) [][]ast.Node {
	var ls [][]ast.Node
	cur := []ast.Node{}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		cur = append(cur, c)
		if t, ok := c.(*ast.Text); ok && (t.SoftLineBreak() || t.HardLineBreak()) {
			ls = append(ls, cur)
			cur = []ast.Node{}
		}
	}
	if len(cur) > 0 {
		ls = append(ls, cur)
	}
	return ls
}

// splitLines splits a paragraph that editors meant as several: turns on
// consecutive lines ("**A:** …\n**B:** …", where B is known to speak: a
// bold "**第一：**" inside a turn is emphasis), and previous/next links or a
// cue on a line of their own next to a turn. It splits only a paragraph
// whose first line is a turn or links, so show notes that happen to have a
// bold "Label:" at the start of a line stay whole. It returns nil when
// there is nothing to split.
func (p *parser) splitLines(n *ast.Paragraph) []*ast.Paragraph {
	ls := lines(n)
	if len(ls) < 2 || !p.isTurnLine(ls[0]) && !p.isNavLine(ls[0]) {
		return nil
	}
	var groups [][]ast.Node
	standalone := false // the last line was links or a cue: text after it is a new paragraph
	for i, l := range ls {
		_, _, _, isCue := p.cue(l)
		name, isTurn := p.turnName(l)
		switch {
		case i == 0, standalone, isTurn && p.known(name), p.isNavLine(l), isCue:
			groups = append(groups, l)
		default:
			groups[len(groups)-1] = append(groups[len(groups)-1], l...)
		}
		standalone = p.isNavLine(l) || isCue
	}
	if len(groups) < 2 {
		return nil
	}
	out := make([]*ast.Paragraph, len(groups))
	for i, g := range groups {
		out[i] = ast.NewParagraph()
		for _, c := range g {
			out[i].AppendChild(out[i], c) // moves c out of n
		}
	}
	return out
}

// isTurnLine reports whether a line starts a speaker turn: an optional
// anchor, then "**Name:**", "**Name：**" or "**Name**:".
func (p *parser) isTurnLine(l []ast.Node) bool {
	_, ok := p.turnName(l)
	return ok
}

// turnName returns the speaker's name of a line that starts a turn, as
// written between the ** (role and colon removed).
func (p *parser) turnName(l []ast.Node) (string, bool) {
	i := 0
	var lead strings.Builder
	for ; i < len(l); i++ {
		t, ok := l[i].(*ast.Text)
		if !ok {
			break
		}
		lead.Write(t.Segment.Value(p.src))
	}
	if s := strings.TrimSpace(lead.String()); s != "" {
		if m := anchorRE.FindString(s); m == "" || strings.TrimSpace(s[len(m):]) != "" {
			return "", false
		}
	}
	if i >= len(l) {
		return "", false
	}
	em, ok := l[i].(*ast.Emphasis)
	if !ok || em.Level != 2 {
		return "", false
	}
	name, _ := p.inline(em, 0)
	if strings.HasSuffix(name, ":") || strings.HasSuffix(name, "：") {
		_, size := utf8.DecodeLastRuneInString(name)
		name, _ = splitRole(name[:len(name)-size])
		return name, name != ""
	}
	if i+1 < len(l) {
		if t, ok := l[i+1].(*ast.Text); ok {
			v := string(t.Segment.Value(p.src))
			name, _ = splitRole(name)
			return name, name != "" && (strings.HasPrefix(v, ":") || strings.HasPrefix(v, "："))
		}
	}
	return "", false
}

// speakerNames collects the names that open a paragraph as a turn anywhere
// in doc: the people who speak, and not a bold "第一：" inside a turn.
func (p *parser) speakerNames(doc ast.Node) map[string]bool {
	names := map[string]bool{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Kind() != ast.KindParagraph && n.Kind() != ast.KindHeading {
			return ast.WalkContinue, nil
		}
		if ls := lines(n); len(ls) > 0 {
			if name, ok := p.turnName(ls[0]); ok {
				names[name] = true
			}
		}
		return ast.WalkSkipChildren, nil
	})
	return names
}

// known reports whether name is someone who speaks: a host or guest of
// the metadata, or a name that opens a paragraph as a turn somewhere.
func (p *parser) known(name string) bool {
	if p.speakers[name] {
		return true
	}
	for _, ps := range [][]transcript.Person{p.t.Hosts, p.t.Guests} {
		for _, q := range ps {
			if q.Name == name {
				return true
			}
		}
	}
	return false
}

// isNavLine reports whether a line holds nothing but previous/next links.
func (p *parser) isNavLine(l []ast.Node) bool {
	links, ok := p.navLinksOf(l)
	return ok && len(links) > 0
}

// prose places a paragraph that is neither a turn nor a cue: right after a
// turn it continues that speaker; otherwise it is show notes.
func (p *parser) prose(n ast.Node, txt, h string) error {
	if p.afterTurn && p.lastTurn >= 0 {
		u := transcript.Unit{
			Kind: transcript.Speech, Speaker: p.t.Units[p.lastTurn].Speaker,
			Text: txt, HTML: h, Section: p.section(), Line: p.lineOf(n),
		}
		// "[01:30] …" fixes where a long turn's later paragraph starts.
		if m := anchorRE.FindStringSubmatch(txt); m != nil {
			d, err := transcript.ParseClock(m[1])
			if err != nil {
				return p.errorf(n, "anchor: %w", err)
			}
			u.Start, u.Anchor, u.Confidence = d, true, 1
			u.Text = txt[len(m[0]):]
			u.HTML = strings.TrimSpace(strings.TrimPrefix(h, strings.TrimSpace(m[0])))
			if u.Text == "" {
				return p.errorf(n, "anchor [%s] has no text after it", m[1])
			}
		}
		p.t.Units = append(p.t.Units, u)
		p.lastTurn = len(p.t.Units) - 1
		return nil
	}
	p.notesText = append(p.notesText, txt)
	p.notesHTML.WriteString("<p>" + h + "</p>\n")
	return nil
}

func (p *parser) list(n *ast.List) error {
	if p.navList(n) {
		return nil
	}
	var texts, htmls []string
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		var it, ih []string
		for c := item.FirstChild(); c != nil; c = c.NextSibling() {
			switch c.(type) {
			case *ast.Paragraph, *ast.TextBlock:
				t, h := p.inline(c, 0)
				it, ih = append(it, t), append(ih, h)
			case *ast.List:
				// A nested list is rare in show notes; keep its text.
				t, h := p.inline(c, 0)
				it, ih = append(it, t), append(ih, h)
			}
		}
		texts = append(texts, transcript.JoinAll(it))
		htmls = append(htmls, strings.Join(ih, " "))
	}
	if p.afterTurn && p.lastTurn >= 0 {
		txt := transcript.Normalize(transcript.JoinAll(texts))
		if txt == "" {
			return nil // "*" alone on a line: an empty list, nothing said
		}
		return p.prose(n, txt, strings.Join(htmls, "<br>"))
	}
	tag := "ul"
	if n.IsOrdered() {
		tag = "ol"
	}
	var lines []string
	p.notesHTML.WriteString("<" + tag + ">\n")
	for i, t := range texts {
		lines = append(lines, "- "+t)
		p.notesHTML.WriteString("<li>" + htmls[i] + "</li>\n")
	}
	p.notesHTML.WriteString("</" + tag + ">\n")
	p.notesText = append(p.notesText, strings.Join(lines, "\n"))
	return nil
}

// metadata reads a paragraph of "**Label:** value" lines before the first
// section. It reports false, consuming nothing, when the paragraph's first
// line is not a known label.
func (p *parser) metadata(n *ast.Paragraph) bool {
	// Split the paragraph's inlines into lines at soft and hard breaks.
	var lines [][]ast.Node
	cur := []ast.Node{}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		cur = append(cur, c)
		if t, ok := c.(*ast.Text); ok && (t.SoftLineBreak() || t.HardLineBreak()) {
			lines = append(lines, cur)
			cur = []ast.Node{}
		}
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	type entry struct {
		kind  metaKind
		value string
	}
	var entries []entry
	for i, l := range lines {
		label, rest, ok := p.boldLabel(l)
		if !ok || labelKind(label) == metaNone {
			if i == 0 {
				return false
			}
			continue // an unknown label: say nothing of it
		}
		// "**主持人:** 大家好，歡迎收聽。" is the host speaking, not a
		// list of hosts: metadata values are names and dates, not sentences.
		if strings.ContainsAny(rest, "。！？!?") || transcript.Width(rest) > 200 {
			return false
		}
		entries = append(entries, entry{labelKind(label), rest})
	}
	for _, e := range entries {
		switch e.kind {
		case metaDate:
			if d, err := parseDate(e.value); err == nil {
				p.t.Date = d
			}
		case metaGuests:
			p.t.Guests = append(p.t.Guests, splitPeople(e.value)...)
		case metaHosts:
			p.t.Hosts = append(p.t.Hosts, splitPeople(e.value)...)
		}
	}
	return true
}

// boldLabel recognises "**Label:** rest", "**Label：** rest" and
// "**Label**: rest" at the start of a run of inline nodes.
func (p *parser) boldLabel(nodes []ast.Node) (label, rest string, ok bool) {
	if len(nodes) == 0 {
		return "", "", false
	}
	em, isEm := nodes[0].(*ast.Emphasis)
	if !isEm || em.Level != 2 {
		return "", "", false
	}
	label, _ = p.inline(em, 0)
	var b strings.Builder
	for _, c := range nodes[1:] {
		t, _ := p.inlineNode(c)
		b.WriteString(t)
	}
	rest = strings.TrimSpace(b.String())
	switch {
	case strings.HasSuffix(label, ":") || strings.HasSuffix(label, "："):
		_, size := utf8.DecodeLastRuneInString(label)
		label = strings.TrimSpace(label[:len(label)-size])
	case strings.HasPrefix(rest, ":"):
		rest = strings.TrimSpace(rest[1:])
	case strings.HasPrefix(rest, "："):
		rest = strings.TrimSpace(rest[len("："):])
	default:
		return "", "", false
	}
	return label, rest, label != ""
}

// cue recognises a paragraph (or a line) that is nothing but "*(音樂)*"
// (or "*（笑）*", "*[掌聲]*": editors bracket cues every way).
// An empty cue, "*( )*", is reported as ok with no text. An anchor may
// come first, "[12:30] *(掌聲)*"; anchor is its clock, or "".
func (p *parser) cue(nodes []ast.Node) (txt, h, anchor string, ok bool) {
	var em *ast.Emphasis
	var lead strings.Builder
	for _, c := range nodes {
		switch c := c.(type) {
		case *ast.Emphasis:
			if em != nil {
				return "", "", "", false
			}
			em = c
		case *ast.Text:
			v := string(c.Segment.Value(p.src))
			if em != nil && strings.TrimSpace(v) != "" {
				return "", "", "", false
			}
			lead.WriteString(v)
		default:
			return "", "", "", false
		}
	}
	if em == nil {
		return "", "", "", false
	}
	if l := strings.TrimSpace(lead.String()); l != "" {
		m := anchorRE.FindStringSubmatch(l)
		if m == nil || strings.TrimSpace(l[len(m[0]):]) != "" {
			return "", "", "", false
		}
		anchor = m[1]
	}
	s, _ := p.inline(em, 0)
	for _, pair := range [][2]string{{"(", ")"}, {"（", "）"}, {"[", "]"}, {"［", "］"}} {
		if strings.HasPrefix(s, pair[0]) && strings.HasSuffix(s, pair[1]) && len(s) >= len(pair[0])+len(pair[1]) {
			inner := transcript.Normalize(s[len(pair[0]) : len(s)-len(pair[1])])
			return inner, escape(inner), anchor, true
		}
	}
	return "", "", "", false
}

var (
	prevMarks = []string{"上一篇", "上一集", "前一集", "前一篇", "«", "‹", "←", "prev", "previous"}
	nextMarks = []string{"下一篇", "下一集", "後一集", "»", "›", "→", "next"}
)

func hasMark(s string, marks []string) bool {
	s = strings.ToLower(s)
	for _, m := range marks {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// navLinks recognises a paragraph of previous/next links between episodes
// (links whose text says 上一篇/下一篇 or carries « »), separated by
// nothing but white space and "|", and records them in t.Links.
func (p *parser) navLinks(n *ast.Paragraph) bool {
	links, ok := p.navLinksOf(children(n))
	if !ok {
		return false
	}
	for _, l := range links {
		if !slices.ContainsFunc(p.t.Links, func(o transcript.Link) bool { return o.Rel == l.Rel && o.Target == l.Target }) {
			p.t.Links = append(p.t.Links, l)
		}
	}
	return true
}

// navLinksOf returns the previous/next links of a paragraph or line that
// holds nothing else, and false if it holds anything else or no link.
func (p *parser) navLinksOf(nodes []ast.Node) ([]transcript.Link, bool) {
	var links []transcript.Link
	for _, c := range nodes {
		switch c := c.(type) {
		case *ast.Link:
			title, _ := p.inline(c, 0)
			l := transcript.Link{Title: title, Target: string(c.Destination)}
			switch {
			case hasMark(title, prevMarks):
				l.Rel = "prev"
			case hasMark(title, nextMarks):
				l.Rel = "next"
			default:
				return nil, false
			}
			l.Slug = slug(l.Target)
			links = append(links, l)
		case *ast.Text:
			if strings.Trim(string(c.Segment.Value(p.src)), " \t|｜·•/") != "" {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return links, len(links) > 0
}

// navList recognises a list whose every item is previous/next links, and
// records them as navLinks does a paragraph of them.
func (p *parser) navList(n *ast.List) bool {
	var all []transcript.Link
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		c := item.FirstChild()
		if c == nil || c.NextSibling() != nil {
			return false
		}
		switch c.(type) {
		case *ast.Paragraph, *ast.TextBlock:
		default:
			return false
		}
		links, ok := p.navLinksOf(children(c))
		if !ok {
			return false
		}
		all = append(all, links...)
	}
	for _, l := range all {
		if !slices.ContainsFunc(p.t.Links, func(o transcript.Link) bool { return o.Rel == l.Rel && o.Target == l.Target }) {
			p.t.Links = append(p.t.Links, l)
		}
	}
	return len(all) > 0
}

// slug derives a sibling episode's slug from a link to its source:
// "./02-next.md" and "../episodes/02-next.md#top" give "02-next".
func slug(target string) string {
	if u, err := url.Parse(target); err == nil {
		target = u.Path
	}
	base := path.Base(strings.TrimSuffix(target, "/"))
	if base == "." || base == "/" {
		return ""
	}
	return strings.TrimSuffix(base, path.Ext(base))
}

// turn recognises a speaker turn: "**Name:** text" (or "**Name：**",
// "**Name**:"), optionally with an anchor "[mm:ss]" before the name or
// right after the colon.
func (p *parser) turn(n *ast.Paragraph) (bool, error) {
	c := n.FirstChild()
	u := transcript.Unit{Kind: transcript.Speech, Section: p.section(), Line: p.lineOf(n)}
	// A leading anchor arrives as text nodes ("[", "01:02]") before the name.
	var lead strings.Builder
	for ; c != nil; c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok {
			break
		}
		lead.Write(t.Segment.Value(p.src))
	}
	if l := strings.TrimSpace(lead.String()); l != "" {
		m := anchorRE.FindStringSubmatch(l)
		if m == nil || len(m[0]) != len(l) && strings.TrimSpace(l[len(m[0]):]) != "" {
			return false, nil
		}
		d, err := transcript.ParseClock(m[1])
		if err != nil {
			return false, p.errorf(n, "anchor: %w", err)
		}
		u.Start, u.Anchor = d, true
	}
	em, ok := c.(*ast.Emphasis)
	if !ok || em.Level != 2 {
		return false, nil
	}
	name, _ := p.inline(em, 0)
	colonInName := strings.HasSuffix(name, ":") || strings.HasSuffix(name, "：")
	skip := 0 // bytes of the next text node to skip: the colon after "**Name**"
	if colonInName {
		_, size := utf8.DecodeLastRuneInString(name)
		name = strings.TrimSpace(name[:len(name)-size])
	} else {
		next, ok := em.NextSibling().(*ast.Text)
		if !ok {
			return false, nil
		}
		v := string(next.Segment.Value(p.src))
		switch {
		case strings.HasPrefix(v, ":"):
			skip = 1
		case strings.HasPrefix(v, "："):
			skip = len("：")
		default:
			return false, nil
		}
	}
	name, _ = splitRole(name)
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return false, nil
	}
	txt, h := p.inlineFrom(n, em.NextSibling(), skip)
	if m := anchorRE.FindStringSubmatch(txt); m != nil {
		if u.Anchor {
			return false, p.errorf(n, "speaker turn has two anchors")
		}
		d, err := transcript.ParseClock(m[1])
		if err != nil {
			return false, p.errorf(n, "anchor: %w", err)
		}
		u.Start, u.Anchor = d, true
		txt = txt[len(m[0]):]
		h = strings.TrimSpace(strings.TrimPrefix(h, strings.TrimSpace(m[0])))
	}
	if txt == "" {
		return false, p.errorf(n, "speaker turn of %s has no text", name)
	}
	u.Speaker, u.Text, u.HTML = name, txt, h
	if u.Anchor {
		u.Confidence = 1
	}
	p.t.Units = append(p.t.Units, u)
	p.lastTurn = len(p.t.Units) - 1
	p.afterTurn = true
	return true, nil
}

// inline renders the inline children of n as normalized plain text and as
// escaped HTML, skipping the first skip bytes of the first text node.
func (p *parser) inline(n ast.Node, skip int) (string, string) {
	return p.inlineFrom(n, n.FirstChild(), skip)
}

func (p *parser) inlineFrom(parent ast.Node, first ast.Node, skip int) (string, string) {
	var tb, hb strings.Builder
	for c := first; c != nil; c = c.NextSibling() {
		t, h := p.inlineNode(c)
		if skip > 0 {
			// Only a text node's own leading colon is ever skipped.
			t, h = t[min(skip, len(t)):], strings.TrimPrefix(h, t[:min(skip, len(t))])
			skip = 0
		}
		tb.WriteString(t)
		hb.WriteString(h)
	}
	return transcript.Normalize(tb.String()), strings.TrimSpace(collapseSpace(hb.String()))
}

// inlineNode renders one inline node. Soft line breaks come out as "\n" in
// the text (Normalize decides between space and nothing) and in the HTML.
func (p *parser) inlineNode(n ast.Node) (string, string) {
	switch n := n.(type) {
	case *ast.Text:
		v := string(n.Segment.Value(p.src))
		if !n.IsRaw() {
			v = decode(v)
		}
		t, h := v, escape(v)
		if n.SoftLineBreak() || n.HardLineBreak() {
			t += "\n"
			h += "\n"
		}
		return t, h
	case *ast.String:
		v := string(n.Value)
		if !n.IsCode() && !n.IsRaw() {
			v = decode(v)
		}
		return v, escape(v)
	case *ast.CodeSpan:
		var b strings.Builder
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(p.src))
			case *ast.String:
				b.Write(c.Value)
			}
		}
		v := b.String()
		return v, "<code>" + escape(v) + "</code>"
	case *ast.Emphasis:
		t, h := p.children(n)
		tag := "em"
		if n.Level >= 2 {
			tag = "strong"
		}
		return t, "<" + tag + ">" + h + "</" + tag + ">"
	case *ast.Link:
		t, h := p.children(n)
		if href, ok := safeURL(string(n.Destination)); ok {
			return t, `<a href="` + escape(href) + `">` + h + "</a>"
		}
		return t, h
	case *ast.AutoLink:
		u := string(n.URL(p.src))
		label := string(n.Label(p.src))
		if n.AutoLinkType == ast.AutoLinkEmail {
			return label, `<a href="mailto:` + escape(u) + `">` + escape(label) + "</a>"
		}
		if href, ok := safeURL(u); ok {
			return label, `<a href="` + escape(href) + `">` + escape(label) + "</a>"
		}
		return label, escape(label)
	case *ast.Image:
		return p.children(n)
	case *ast.RawHTML:
		// Shown as the text it is; it never becomes markup.
		var b strings.Builder
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			b.Write(seg.Value(p.src))
		}
		v := b.String()
		if strings.HasPrefix(v, "<!--") {
			return "", "" // an editor's comment, as in the HTML a renderer makes
		}
		return v, escape(v)
	}
	return p.children(n)
}

func (p *parser) children(n ast.Node) (string, string) {
	var tb, hb strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		t, h := p.inlineNode(c)
		tb.WriteString(t)
		hb.WriteString(h)
	}
	return tb.String(), hb.String()
}

// decode resolves backslash escapes and character references the way a
// Markdown renderer does: "&laquo;" is «.
func decode(s string) string {
	b := util.UnescapePunctuations([]byte(s))
	b = util.ResolveNumericReferences(b)
	b = util.ResolveEntityNames(b)
	return string(b)
}

func escape(s string) string { return html.EscapeString(s) }

// safeURL keeps links that cannot run script: relative references,
// mailto URLs and the http(s) URLs rules.CheckURL publishes.
func safeURL(s string) (string, bool) {
	s = decode(s)
	u, err := url.Parse(s)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "mailto":
		return s, true
	case "http", "https":
		return s, rules.CheckURL(s) == nil
	}
	return "", false
}

// collapseSpace gives HTML the same white space as Normalize gives text:
// a line break where transcript.NoSpaceBetween says so disappears, other runs become
// one space. Tags count as nothing when looking for the neighbours.
func collapseSpace(h string) string {
	var b strings.Builder
	runes := []rune(h)
	neighbour := func(i, step int) rune {
		in := false
		for ; i >= 0 && i < len(runes); i += step {
			r := runes[i]
			switch {
			case step > 0 && r == '<', step < 0 && r == '>':
				in = true
			case step > 0 && r == '>', step < 0 && r == '<':
				in = false
			case !in && r != ' ' && r != '\n' && r != '\t':
				return r
			}
		}
		return -1
	}
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r != ' ' && r != '\n' && r != '\t' {
			b.WriteRune(r)
			continue
		}
		j := i
		for j < len(runes) && (runes[j] == ' ' || runes[j] == '\n' || runes[j] == '\t') {
			j++
		}
		prev, next := neighbour(i-1, -1), neighbour(j, 1)
		if !(prev >= 0 && next >= 0 && transcript.NoSpaceBetween(prev, next)) {
			b.WriteByte(' ')
		}
		i = j - 1
	}
	return b.String()
}
