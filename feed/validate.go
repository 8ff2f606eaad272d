package feed

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	xhtml "golang.org/x/net/html"

	"github.com/podpipe/podpipe/internal/netbound"
	"github.com/podpipe/podpipe/rules"
	clock "github.com/podpipe/podpipe/transcript" // its time notations
	"github.com/podpipe/podpipe/transcript/formats"
)

// Severity tells an error, which podcast apps or directories reject, from a
// warning, which they accept but may handle badly.
type Severity uint8

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Finding is one problem Validate found.
type Finding struct {
	Severity Severity
	Line     int    // 1-based line of the element in the feed; 0 when not known
	Where    string // the element, e.g. `item 3 <enclosure>`
	Msg      string
}

// String formats f as `error: feed.xml:42: item 3 <enclosure>: …`; the name
// before the line comes from ValidateOptions.Name.
func (f Finding) String() string { return f.format("") }

func (f Finding) format(name string) string {
	var b strings.Builder
	b.WriteString(f.Severity.String())
	b.WriteString(": ")
	switch {
	case name != "" && f.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", name, f.Line)
	case name != "":
		b.WriteString(name + ": ")
	case f.Line > 0:
		fmt.Fprintf(&b, "line %d: ", f.Line)
	}
	if f.Where != "" {
		b.WriteString(f.Where + ": ")
	}
	b.WriteString(f.Msg)
	return b.String()
}

// Format formats every finding with the feed's name, one a line.
func Format(name string, fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.format(name))
		b.WriteByte('\n')
	}
	return b.String()
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// ValidateOptions controls what Validate checks beyond the feed's text.
type ValidateOptions struct {
	// Offline skips every check that fetches a linked object (enclosure
	// lengths, transcripts, chapters).
	Offline bool
	// Fetcher fetches linked objects; nil means HTTP with a timeout.
	Fetcher Fetcher
	// Concurrency is how many objects are fetched at once; 0 means 8.
	Concurrency int
}

// Validate reads a podcast feed from r and checks it against Apple's
// requirements and the Podcasting 2.0 spec. A feed that is not well-formed
// XML gives one finding and no others. The error is only for failing to
// read r; problems in the feed are findings, sorted by line.
func Validate(ctx context.Context, r io.Reader, opts ValidateOptions) ([]Finding, error) {
	v := &validator{opts: opts}
	if v.opts.Fetcher == nil {
		v.opts.Fetcher = HTTPFetcher(nil)
	}
	root, err := v.parse(r)
	if err != nil {
		return nil, err
	}
	if root != nil {
		v.checkNamespaces(root)
		v.checkDocument(root)
		if !opts.Offline {
			v.fetchAll(ctx)
		}
	}
	sort.SliceStable(v.findings, func(i, j int) bool { return v.findings[i].Line < v.findings[j].Line })
	return v.findings, nil
}

// node is an element of the parsed feed.
type node struct {
	name  xml.Name
	attr  []xml.Attr
	text  strings.Builder
	kids  []*node
	line  int
	where string
}

func (n *node) get(name string) (string, bool) {
	for _, a := range n.attr {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *node) attrOr(name string) string { s, _ := n.get(name); return s }

func (n *node) Text() string { return strings.TrimSpace(n.text.String()) }

func (n *node) all(space, local string) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name.Space == space && k.name.Local == local {
			out = append(out, k)
		}
	}
	return out
}

func (n *node) one(space, local string) *node {
	for _, k := range n.kids {
		if k.name.Space == space && k.name.Local == local {
			return k
		}
	}
	return nil
}

type validator struct {
	opts     ValidateOptions
	mu       sync.Mutex
	findings []Finding
	jobs     []fetchJob
}

func (v *validator) add(sev Severity, n *node, format string, args ...any) {
	f := Finding{Severity: sev, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		f.Line, f.Where = n.line, n.where
	}
	v.mu.Lock()
	v.findings = append(v.findings, f)
	v.mu.Unlock()
}

func (v *validator) errorf(n *node, format string, args ...any) {
	v.add(Error, n, format, args...)
}

func (v *validator) warnf(n *node, format string, args ...any) {
	v.add(Warning, n, format, args...)
}

// knownNS are the namespaces podcast feeds use, by their usual prefix.
var knownNS = map[string]string{
	"itunes":  NSiTunes,
	"podcast": NSPodcast,
	"content": NSContent,
	"atom":    NSAtom,
	"psc":     NSPSC,
}

// parse reads the whole feed into a tree. Namespace URIs are normalised to
// the canonical ones so the checks match one name per tag.
func (v *validator) parse(r io.Reader) (*node, error) {
	// Only a failure of r itself is an error of Validate; anything the
	// decoder rejects is a problem of the feed.
	// A feed is read whole into the tree: bounded, against an endless one
	// (a URL that never stops sending, /dev/zero).
	er := &errReader{r: netbound.Body(io.NopCloser(r), maxFeed, 0)}
	d := xml.NewDecoder(er)
	d.Strict = true
	var root *node
	var stack []*node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if er.err != nil {
				return nil, fmt.Errorf("reading the feed: %w", er.err)
			}
			line, _ := d.InputPos()
			msg := strings.TrimPrefix(err.Error(), "xml: ")
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line, msg = se.Line, se.Msg
			}
			if strings.Contains(msg, "CharsetReader") {
				msg = "not UTF-8: " + msg
			}
			v.findings = append(v.findings, Finding{Severity: Error, Line: line, Msg: "not well-formed XML: " + msg})
			return nil, nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ := d.InputPos()
			n := &node{name: t.Name, attr: t.Copy().Attr, line: line}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		v.errorf(nil, "the feed is empty")
	}
	return root, nil
}

type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// checkNamespaces checks the namespace declarations and that every prefix
// used is declared; then it maps alternative URIs to the canonical ones.
func (v *validator) checkNamespaces(root *node) {
	undeclared := map[string]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		for _, a := range n.attr {
			if a.Name.Space != "xmlns" {
				continue
			}
			want, ok := knownNS[a.Name.Local]
			switch {
			case !ok || a.Value == want:
			case a.Name.Local == "podcast" && a.Value == NSPodcastOld:
				v.warnf(n, "xmlns:podcast is the namespace's old URI %q; declare %q", a.Value, want)
			case strings.EqualFold(a.Value, want):
				v.warnf(n, "xmlns:%s is %q; declare it as %q", a.Name.Local, a.Value, want)
			default:
				v.errorf(n, "xmlns:%s is %q, not the %s namespace %q: readers will not see its tags", a.Name.Local, a.Value, a.Name.Local, want)
			}
		}
		if _, ok := knownNS[n.name.Space]; ok && !undeclared[n.name.Space] {
			undeclared[n.name.Space] = true
			v.errorf(n, "prefix %s: is used but not declared (xmlns:%s=%q)", n.name.Space, n.name.Space, knownNS[n.name.Space])
		}
		switch {
		case n.name.Space == NSPodcastOld:
			n.name.Space = NSPodcast
		case n.name.Space != "":
			for _, uri := range knownNS {
				if n.name.Space != uri && strings.EqualFold(n.name.Space, uri) {
					n.name.Space = uri
				}
			}
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(root)
}

func (v *validator) checkDocument(root *node) {
	root.where = "<rss>"
	if root.name.Local != "rss" || root.name.Space != "" {
		v.errorf(root, "the document element is <%s>, not <rss>", root.name.Local)
		return
	}
	if ver := root.attrOr("version"); ver != "2.0" {
		v.errorf(root, "version is %q, not \"2.0\"", ver)
	}
	chans := root.all("", "channel")
	if len(chans) != 1 {
		v.errorf(root, "has %d <channel> elements, not one", len(chans))
		if len(chans) == 0 {
			return
		}
	}
	v.checkChannel(chans[0])
}

func (v *validator) checkChannel(ch *node) {
	ch.where = "channel"
	for _, k := range ch.kids {
		if k.name.Local != "item" || k.name.Space != "" {
			k.where = "channel <" + tagName(k.name) + ">"
		}
	}
	lang := ""
	if n := v.required(ch, "", "title", Error); n != nil && n.Text() == "" {
		v.errorf(n, "is empty")
	}
	if n := v.required(ch, "", "description", Error); n != nil {
		v.checkDescription(n)
	}
	if n := v.required(ch, "", "link", Warning); n != nil {
		v.checkURL(n, n.Text(), false)
	}
	if n := v.required(ch, "", "language", Error); n != nil {
		lang = n.Text()
		if err := rules.CheckLanguage(lang); err != nil {
			v.errorf(n, "%v", err)
		}
	}
	for _, tag := range []string{"lastBuildDate", "pubDate"} {
		if n := ch.one("", tag); n != nil {
			v.checkDate(n)
		}
	}
	self := ""
	for _, l := range ch.all(NSAtom, "link") {
		if l.attrOr("rel") == "self" {
			self = l.attrOr("href")
			v.checkURL(l, self, false)
		}
	}
	if self == "" {
		v.warnf(ch, "no <atom:link rel=\"self\">: apps cannot tell where the feed lives")
	}
	if n := v.required(ch, NSiTunes, "image", Error); n != nil {
		v.checkImage(n)
	}
	v.checkCategories(ch)
	if n := v.required(ch, NSiTunes, "explicit", Error); n != nil {
		v.checkExplicit(n)
	}
	v.required(ch, NSiTunes, "author", Warning)
	if n := v.required(ch, NSiTunes, "owner", Warning); n != nil {
		if e := n.one(NSiTunes, "email"); e == nil || e.Text() == "" {
			n.where = "channel <itunes:owner>"
			v.warnf(n, "has no <itunes:email>: Apple mails the owner to verify the show")
		}
	}
	serial := false
	if n := ch.one(NSiTunes, "type"); n != nil {
		if err := rules.CheckShowType(n.Text()); err != nil {
			v.errorf(n, "%v", err)
		}
		serial = n.Text() == "serial"
	}
	if n := v.required(ch, NSPodcast, "guid", Warning); n != nil {
		v.checkPodcastGUID(n, self)
	}
	if n := ch.one(NSPodcast, "locked"); n != nil {
		if t := n.Text(); t != "yes" && t != "no" {
			v.errorf(n, "%q is not yes or no", t)
		}
		if _, ok := n.get("owner"); !ok {
			v.warnf(n, "has no owner: directories cannot verify who may move the feed")
		}
	}
	if n := ch.one(NSPodcast, "medium"); n != nil {
		if err := rules.CheckMedium(n.Text()); err != nil {
			v.errorf(n, "%v", err)
		}
	}
	v.checkPersons(ch)
	for _, n := range ch.all(NSPodcast, "funding") {
		v.checkURL(n, n.attrOr("url"), true)
	}
	for _, n := range ch.all(NSPodcast, "license") {
		if n.Text() == "" {
			v.errorf(n, "has no license name")
		}
		if u, ok := n.get("url"); ok {
			v.checkURL(n, u, true)
		}
	}

	v.checkChannelTags(ch, self)

	items := ch.all("", "item")
	if len(items) == 0 {
		v.warnf(ch, "has no <item>: Apple does not list a show without episodes")
	}
	guids := map[string]int{}
	enclosures := map[string]int{}
	for i, it := range items {
		v.checkItem(i+1, it, lang, serial, guids, enclosures)
	}
}

// required returns the element or reports it missing with sev.
func (v *validator) required(parent *node, space, local string, sev Severity) *node {
	n := parent.one(space, local)
	if n == nil {
		what := "is missing"
		if sev == Warning {
			what = "is missing (recommended)"
		}
		v.add(sev, parent, "<%s> %s", tagName(xml.Name{Space: space, Local: local}), what)
	}
	return n
}

func (v *validator) checkItem(i int, it *node, lang string, serial bool, guids, enclosures map[string]int) {
	it.where = fmt.Sprintf("item %d", i)
	if t := it.one("", "title"); t != nil && t.Text() != "" {
		title := t.Text()
		if r := []rune(title); len(r) > 40 {
			title = string(r[:37]) + "…"
		}
		it.where = fmt.Sprintf("item %d %q", i, title)
	}
	for _, k := range it.kids {
		k.where = it.where + " <" + tagName(k.name) + ">"
	}
	if n := v.required(it, "", "title", Error); n != nil && n.Text() == "" {
		v.errorf(n, "is empty")
	}
	if n := v.required(it, "", "enclosure", Error); n != nil {
		v.checkEnclosure(n, enclosures)
	}
	if n := v.required(it, "", "guid", Error); n != nil {
		g := n.Text()
		switch {
		case g == "":
			v.errorf(n, "is empty")
		case guids[g] != 0:
			v.errorf(n, "%q is also the guid of item %d: apps will merge or drop one", g, guids[g])
		default:
			guids[g] = i
		}
		if p, _ := n.get("isPermaLink"); p != "false" && g != "" {
			if u, err := url.Parse(g); err != nil || u.Scheme == "" || u.Host == "" {
				v.warnf(n, "%q is not a URL: add isPermaLink=\"false\"", g)
			}
		}
	}
	// The episode's page: every link on it must lead somewhere too.
	if n := it.one("", "link"); n != nil {
		if u := n.Text(); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
			v.jobs = append(v.jobs, fetchJob{n: n, url: u, kind: "page"})
		}
	}
	if n := v.required(it, "", "pubDate", Warning); n != nil {
		v.checkDate(n)
	}
	if n := v.required(it, "", "description", Warning); n != nil {
		v.checkDescription(n)
	}
	if n := it.one(NSContent, "encoded"); n != nil {
		v.checkLinks(n)
	}
	if n := v.required(it, NSiTunes, "duration", Warning); n != nil {
		v.checkDuration(n)
	}
	if n := it.one(NSiTunes, "explicit"); n != nil {
		v.checkExplicit(n)
	}
	if n := it.one(NSiTunes, "image"); n != nil {
		v.checkImage(n)
	}
	if n := it.one(NSiTunes, "episode"); n != nil {
		v.checkNumber(n, rules.CheckEpisodeNumber)
	} else if serial {
		v.errorf(it, "has no <itunes:episode>: a serial show numbers every episode")
	}
	if n := it.one(NSiTunes, "season"); n != nil {
		v.checkNumber(n, rules.CheckSeason)
	}
	if n := it.one(NSiTunes, "episodeType"); n != nil {
		if err := rules.CheckEpisodeType(n.Text()); err != nil {
			v.errorf(n, "%v", err)
		}
	}
	if n := it.one(NSPodcast, "episode"); n != nil {
		if x, err := strconv.ParseFloat(n.Text(), 64); err != nil {
			v.errorf(n, "%q is not a number", n.Text())
		} else if x < 0 {
			v.errorf(n, "%q is negative", n.Text())
		}
	}
	if n := it.one(NSPodcast, "season"); n != nil {
		if _, err := strconv.Atoi(n.Text()); err != nil {
			v.errorf(n, "%q is not an integer", n.Text())
		}
	}
	v.checkPersons(it)
	for _, n := range it.all(NSPodcast, "transcript") {
		v.checkTranscript(n, lang)
	}
	chs := it.all(NSPodcast, "chapters")
	if len(chs) > 1 {
		v.errorf(chs[1], "a second <podcast:chapters>: an item has at most one")
	}
	for _, n := range chs {
		v.checkChapters(n)
	}
	for _, n := range it.all(NSPSC, "chapters") {
		v.checkPSC(n)
	}
	v.checkItemTags(it)
}

func (v *validator) checkDescription(n *node) {
	if n.Text() == "" {
		v.warnf(n, "is empty")
	}
	if err := rules.CheckDescription(n.Text()); err != nil {
		v.warnf(n, "%v", err)
	}
	v.checkLinks(n)
}

// checkLinks checks every link and image of the HTML in a description:
// apps render it, so a javascript:, data: or file: URL there is a script or
// a local file one tap away. A mailto: link is fine; a relative one points
// nowhere an app knows.
func (v *validator) checkLinks(n *node) {
	z := xhtml.NewTokenizer(strings.NewReader(n.Text()))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		tag, more := z.TagName()
		for more {
			var key, val []byte
			key, val, more = z.TagAttr()
			if a := string(key); a != "href" && a != "src" && a != "srcset" && a != "poster" && a != "action" && a != "formaction" && a != "cite" && a != "background" {
				continue
			}
			u := strings.TrimSpace(string(val))
			scheme, _, hasScheme := strings.Cut(u, ":")
			switch {
			case hasScheme && strings.EqualFold(scheme, "mailto"):
			case !hasScheme || strings.ContainsAny(scheme, "/?#"):
				v.warnf(n, "<%s %s=%q> is a relative URL: apps do not know what it is relative to", tag, key, u)
			default:
				if err := rules.CheckURL(u); err != nil {
					v.errorf(n, "<%s %s>: %v", tag, key, err)
				}
			}
		}
	}
}

func (v *validator) checkEnclosure(n *node, seen map[string]int) {
	u, ok := n.get("url")
	if !ok || u == "" {
		v.errorf(n, "has no url")
	} else if v.checkURL(n, u, false) {
		if prev := seen[u]; prev != 0 {
			v.errorf(n, "url %s is also the enclosure of item %d", u, prev)
		} else {
			seen[u] = itemNumber(n.where)
		}
	}
	var length int64 = -1
	switch ls, ok := n.get("length"); {
	case !ok:
		v.errorf(n, "has no length")
	default:
		l, err := strconv.ParseInt(strings.TrimSpace(ls), 10, 64)
		switch {
		case err != nil || l < 0:
			v.errorf(n, "length %q is not a number of bytes", ls)
		case l == 0:
			v.warnf(n, "length is 0: apps cannot show the size or check the download")
		default:
			length = l
		}
	}
	if t := n.attrOr("type"); t == "" {
		v.errorf(n, "has no type")
	} else if err := rules.CheckEnclosureType(t); err != nil {
		v.warnf(n, "%v", err)
	}
	if ok && u != "" && length > 0 {
		v.jobs = append(v.jobs, fetchJob{n: n, url: u, kind: "enclosure", length: length})
	}
}

func (v *validator) checkTranscript(n *node, lang string) {
	u := n.attrOr("url")
	if u == "" {
		v.errorf(n, "has no url")
	} else {
		v.checkURL(n, u, true)
	}
	typ := n.attrOr("type")
	switch f, canonical := formats.ByMediaType(typ); {
	case typ == "":
		v.errorf(n, "has no type")
	case f == nil:
		v.errorf(n, "type %q is not a transcript type (%s)", typ, strings.Join(formats.MediaTypes(), ", "))
	case !canonical:
		v.warnf(n, "type %q: use the canonical %s", typ, f.MediaType)
	}
	if rel, ok := n.get("rel"); ok && rel != "captions" {
		v.warnf(n, "rel %q: the only rel is captions", rel)
	}
	if l, ok := n.get("language"); ok && rules.CheckLanguage(l) != nil {
		v.errorf(n, "language: %v", rules.CheckLanguage(l))
	} else if !ok && lang == "" {
		v.warnf(n, "has no language and the channel has none")
	}
	if u != "" {
		v.jobs = append(v.jobs, fetchJob{n: n, url: u, kind: "transcript", typ: typ})
	}
}

func (v *validator) checkChapters(n *node) {
	u := n.attrOr("url")
	if u == "" {
		v.errorf(n, "has no url")
	} else {
		v.checkURL(n, u, true)
	}
	if typ := n.attrOr("type"); typ != "application/json+chapters" {
		v.errorf(n, "type %q is not application/json+chapters", typ)
	}
	if u != "" {
		v.jobs = append(v.jobs, fetchJob{n: n, url: u, kind: "chapters"})
	}
}

func (v *validator) checkPSC(n *node) {
	if ver := n.attrOr("version"); ver != "1.2" && ver != "1.1" {
		v.warnf(n, "version %q is not 1.2", ver)
	}
	prev := time.Duration(-1)
	for _, c := range n.all(NSPSC, "chapter") {
		c.where = n.where + " <psc:chapter>"
		s, err := clock.ParseNPT(c.attrOr("start"))
		switch {
		case err != nil:
			v.errorf(c, "start %q is not a Normal Play Time such as 01:02:03.500", c.attrOr("start"))
		case s < prev:
			v.errorf(c, "start %s is before the previous chapter's", c.attrOr("start"))
		default:
			prev = s
		}
		if c.attrOr("title") == "" {
			v.errorf(c, "has no title")
		}
		for _, a := range []string{"href", "image"} {
			if u, ok := c.get(a); ok {
				v.checkURL(c, u, false)
			}
		}
	}
}

func (v *validator) checkPersons(parent *node) {
	for _, n := range parent.all(NSPodcast, "person") {
		if err := rules.CheckPersonName(n.Text()); err != nil {
			v.errorf(n, "%v", err)
		}
		for _, a := range []string{"href", "img"} {
			if u, ok := n.get(a); ok {
				v.checkURL(n, u, true)
			}
		}
		if g, ok := n.get("group"); ok {
			if err := rules.CheckPersonGroup(g); err != nil {
				v.errorf(n, "%v", err)
			}
		}
	}
}

func (v *validator) checkCategories(ch *node) {
	cats := ch.all(NSiTunes, "category")
	if len(cats) == 0 {
		v.errorf(ch, "<itunes:category> is missing: Apple lists a show under its first category")
	}
	for _, c := range cats {
		parent := c.attrOr("text")
		if err := rules.CheckCategory(parent); err != nil || strings.Contains(parent, "/") {
			v.errorf(c, "%v", errOr(err, "unknown category "+strconv.Quote(parent)))
			continue
		}
		for _, sub := range c.all(NSiTunes, "category") {
			sub.where = c.where
			child := sub.attrOr("text")
			if !rules.IsCategory(parent, child) {
				v.errorf(sub, "%v", rules.CheckCategory(parent+"/"+child))
			}
		}
	}
}

func errOr(err error, msg string) string {
	if err != nil {
		return err.Error()
	}
	return msg
}

func (v *validator) checkExplicit(n *node) {
	switch err := rules.CheckExplicit(n.Text()); {
	case errors.Is(err, rules.ErrOldExplicit):
		v.warnf(n, "%v", err)
	case err != nil:
		v.errorf(n, "%v", err)
	}
}

func (v *validator) checkImage(n *node) {
	href := n.attrOr("href")
	if href == "" {
		v.errorf(n, "has no href")
		return
	}
	if v.checkURL(n, href, true) {
		if u, err := url.Parse(href); err == nil {
			if err := rules.CheckArtworkName(u.Path); err != nil {
				v.warnf(n, "%s: Apple takes artwork as %s (.jpg, .jpeg or .png)", href, rules.ArtworkFormats)
			}
		}
	}
}

func (v *validator) checkDate(n *node) {
	if _, err := mail.ParseDate(n.Text()); err != nil {
		v.errorf(n, "%q is not an RFC 2822 date such as Mon, 02 Jan 2006 15:04:05 +0000", n.Text())
	}
}

func (v *validator) checkDuration(n *node) {
	t := n.Text()
	if _, err := strconv.ParseUint(t, 10, 64); err == nil {
		return
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && f >= 0 {
		v.warnf(n, "%q: Apple asks for whole seconds", t)
		return
	}
	parts := strings.Split(t, ":")
	ok := len(parts) == 2 || len(parts) == 3
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 || (i > 0 && (x > 59 || len(p) != 2)) {
			ok = false
		}
	}
	if !ok {
		v.errorf(n, "%q is not a duration in seconds or HH:MM:SS", t)
	}
}

// checkNumber checks an itunes:episode or itunes:season against rule.
func (v *validator) checkNumber(n *node, rule func(int64) error) {
	x, err := strconv.ParseInt(n.Text(), 10, 64)
	if err != nil {
		v.errorf(n, "%q is not an integer", n.Text())
		return
	}
	if err := rule(x); err != nil {
		v.errorf(n, "%v", err)
	}
}

func (v *validator) checkPodcastGUID(n *node, self string) {
	g := n.Text()
	u, err := uuid.Parse(g)
	switch {
	case err != nil || len(g) != 36:
		v.errorf(n, "%q is not a UUID", g)
	case u.Version() != 5:
		v.errorf(n, "%q is a version %d UUID; the spec asks for version 5", g, u.Version())
	}
}

// checkURL reports a URL that is not absolute http(s), and (when the spec
// asks for https) one that is plain http. Loopback hosts are exempt from
// the https warning: they are a local preview, never what apps see, and
// podpipe's own preview serves the feed from 127.0.0.1 over http.
func (v *validator) checkURL(n *node, s string, wantHTTPS bool) bool {
	if err := rules.CheckURL(s); err != nil {
		v.errorf(n, "%v", err)
		return false
	}
	u, _ := url.Parse(s)
	if strings.ContainsFunc(s, func(r rune) bool { return r > 0x7f }) {
		v.warnf(n, "%q is not ASCII: percent-encode it, as Apple asks", s)
	}
	if wantHTTPS && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		v.warnf(n, "%s is http: the spec asks for https", s)
	}
	return true
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func tagName(n xml.Name) string {
	for prefix, uri := range knownNS {
		if n.Space == uri {
			return prefix + ":" + n.Local
		}
	}
	return n.Local
}

// itemNumber reads the number back from an item's where ("item 3 …").
func itemNumber(where string) int {
	f := strings.Fields(where)
	if len(f) < 2 || f[0] != "item" {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}
