package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"

	"github.com/podpipe/podpipe/internal/netbound"
	"github.com/podpipe/podpipe/rules"
	"github.com/podpipe/podpipe/transcript/formats"
)

// ErrUnreachable marks a linked object that could not be reached at all (no
// connection, a timeout), as opposed to one the server says is missing.
// Validate reports the first as a warning, since the server may be down
// only for now, and the second as an error.
var ErrUnreachable = errors.New("unreachable")

// Fetcher gets the objects a feed links to, by URL.
type Fetcher interface {
	// Size returns the object's size in bytes.
	Size(ctx context.Context, url string) (int64, error)
	// Get opens the object for reading; the caller closes it.
	Get(ctx context.Context, url string) (io.ReadCloser, error)
}

// Limits of the HTTP fetches: timeouts on no progress (a slow server that
// keeps sending is given the time it takes), and a bound on the time to
// read an object whole, against a server that trickles.
// countWithin bounds the counting of an enclosure's bytes. (Variables,
// for tests.)
var (
	httpLimits  = netbound.Limits{Connect: 10 * time.Second, FirstByte: 30 * time.Second, Idle: 30 * time.Second}
	readWithin  = 2 * time.Minute
	countWithin = 10 * time.Minute
)

// maxFeed bounds the size of a feed Validate reads (a variable, for
// tests).
var maxFeed int64 = 64 << 20

// HTTPFetcher fetches over HTTP with client, or when client is nil with
// one that gives up on a server that does not connect within 10 seconds,
// does not answer within 30 or stops sending for 30.
func HTTPFetcher(client *http.Client) Fetcher {
	if client == nil {
		client = &http.Client{Transport: httpLimits.Transport()}
	}
	return httpFetcher{client}
}

// OpenURL opens the feed at the http(s) URL u with HTTPFetcher's limits,
// its body bounded to 64 MiB and two minutes.
func OpenURL(ctx context.Context, u string) (io.ReadCloser, error) {
	rc, err := HTTPFetcher(nil).Get(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Redact(u), err)
	}
	return netbound.Body(rc, maxFeed, readWithin), nil
}

type httpFetcher struct{ c *http.Client }

func (f httpFetcher) do(ctx context.Context, method, u string, hdr map[string]string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", "podpipe-feed-validate")
	resp, err := f.c.Do(req)
	if err != nil {
		// url.Error repeats the URL, which the caller names.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	return resp, nil
}

// Redact removes the user name and password from a URL that has them,
// for messages: either may be a secret (an access key and its secret).
func Redact(u string) string {
	if !rules.HasUserinfo(u) {
		return u
	}
	if p, err := url.Parse(u); err == nil {
		p.User = nil
		return p.String()
	}
	return "(a URL with a user name or password)"
}

// Size asks with HEAD, as Apple does; a server that gives no length to HEAD
// is asked for the first byte, whose Content-Range carries the total.
func (f httpFetcher) Size(ctx context.Context, u string) (int64, error) {
	resp, err := f.do(ctx, http.MethodHead, u, nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK && resp.ContentLength >= 0 {
		return resp.ContentLength, nil
	}
	if resp.StatusCode >= 400 && resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotImplemented {
		return 0, statusError("HEAD", resp)
	}
	resp, err = f.do(ctx, http.MethodGet, u, map[string]string{"Range": "bytes=0-0"})
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusPartialContent:
		cr := resp.Header.Get("Content-Range")
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if n, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
				return n, nil
			}
		}
		return 0, fmt.Errorf("answers a byte-range request with Content-Range %q, which has no total size", cr)
	case http.StatusOK:
		if resp.ContentLength >= 0 {
			return resp.ContentLength, nil
		}
		// No length anywhere: count, up to what an episode can be.
		n, err := io.Copy(io.Discard, netbound.Body(resp.Body, maxEnclosure, countWithin))
		if err != nil {
			return 0, fmt.Errorf("counting its bytes: %w", err)
		}
		return n, nil
	}
	return 0, statusError("GET", resp)
}

func (f httpFetcher) Get(ctx context.Context, u string) (io.ReadCloser, error) {
	resp, err := f.do(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, statusError("GET", resp)
	}
	return resp.Body, nil
}

// statusError says what a server answered a request with. A 403 is what
// S3 and its kin answer an anonymous reader of an object the bucket does
// not let the public read: the podcast app would get the same, so it says
// so and where the fix is.
func statusError(method string, resp *http.Response) error {
	if resp.StatusCode == http.StatusForbidden {
		return fmt.Errorf("answers %s with %s: the object is not publicly readable, so no podcast app can fetch it; "+
			"give the bucket a policy for public reads (README, \"S3 set-up\": \"Public reads and a CDN\")", method, resp.Status)
	}
	return fmt.Errorf("answers %s with %s", method, resp.Status)
}

// ServingChecker is implemented by fetchers that can tell whether the server
// of an enclosure answers as Apple requires: HEAD requests, and byte-range
// requests that players seek with.
type ServingChecker interface {
	// CheckServing returns nil when the server of url answers both, or an
	// error that says what it does not do.
	CheckServing(ctx context.Context, url string) error
}

func (f httpFetcher) CheckServing(ctx context.Context, u string) error {
	var problems []error
	resp, err := f.do(ctx, http.MethodHead, u, nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusForbidden {
		return statusError("HEAD", resp) // the rest would say the same
	}
	if resp.StatusCode >= 400 {
		problems = append(problems, statusError("HEAD", resp))
	}
	resp, err = f.do(ctx, http.MethodGet, u, map[string]string{"Range": "bytes=0-1"})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent {
		problems = append(problems, fmt.Errorf("answers a byte-range request with %s, not 206 Partial Content", resp.Status))
	}
	return errors.Join(problems...)
}

// DirFetcher reads the objects whose URL starts with base from the local
// directory dir (the storage a local show publishes to), and fetches every
// other URL with next (HTTP when nil). It lets a show published to a local
// directory be checked before any server serves it.
func DirFetcher(base, dir string, next Fetcher) Fetcher {
	if next == nil {
		next = HTTPFetcher(nil)
	}
	if base != "" && !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return dirFetcher{base: base, dir: dir, next: next}
}

type dirFetcher struct {
	base, dir string
	next      Fetcher
}

// path maps a URL under base to its file, refusing keys that would leave
// the directory.
func (f dirFetcher) path(u string) (string, bool, error) {
	if f.base == "" || !strings.HasPrefix(u, f.base) {
		return "", false, nil
	}
	rest := u[len(f.base):]
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	key, err := url.PathUnescape(rest)
	if err != nil {
		return "", true, err
	}
	if !filepath.IsLocal(filepath.FromSlash(key)) {
		return "", true, fmt.Errorf("%s: key %q leaves the storage directory", u, key)
	}
	return filepath.Join(f.dir, filepath.FromSlash(key)), true, nil
}

func (f dirFetcher) Size(ctx context.Context, u string) (int64, error) {
	p, ok, err := f.path(u)
	if !ok {
		return f.next.Size(ctx, u)
	}
	if err != nil {
		return 0, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// CheckServing passes URLs outside the directory on to the next fetcher; a
// directory has no server to check.
func (f dirFetcher) CheckServing(ctx context.Context, u string) error {
	if _, ok, _ := f.path(u); ok {
		return nil
	}
	if sc, ok := f.next.(ServingChecker); ok {
		return sc.CheckServing(ctx, u)
	}
	return nil
}

func (f dirFetcher) Get(ctx context.Context, u string) (io.ReadCloser, error) {
	p, ok, err := f.path(u)
	if !ok {
		return f.next.Get(ctx, u)
	}
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// fetchJob is one linked object to check.
type fetchJob struct {
	n      *node
	url    string
	kind   string // enclosure, transcript, chapters, page
	typ    string // transcript type
	length int64  // enclosure length in the feed
}

// maxObject bounds how much of a transcript or chapters file is read (a
// three-hour transcript with word timings is a few MiB; eight are read at
// a time);
// maxEnclosure how much of an enclosure is counted when its server tells
// no size (a variable, for tests).
const maxObject = 16 << 20

var maxEnclosure int64 = 8 << 30

func (v *validator) fetchAll(ctx context.Context) {
	workers := v.opts.Concurrency
	if workers <= 0 {
		workers = 8
	}
	// The same object linked twice is fetched once; each link still gets
	// its own findings.
	type result struct {
		size int64
		body []byte
		err  error
	}
	var (
		mu    sync.Mutex
		cache = map[string]*result{}
		once  = map[string]*sync.Once{}
	)
	get := func(kind, u string) *result {
		k := kind + " " + u
		mu.Lock()
		o := once[k]
		if o == nil {
			o = new(sync.Once)
			once[k] = o
		}
		mu.Unlock()
		o.Do(func() {
			r := &result{}
			if kind == "enclosure" {
				r.size, r.err = v.opts.Fetcher.Size(ctx, u)
			} else {
				r.body, r.err = v.read(ctx, u)
			}
			mu.Lock()
			cache[k] = r
			mu.Unlock()
		})
		mu.Lock()
		defer mu.Unlock()
		return cache[k]
	}
	// A host that cannot be reached is tried once: its other objects are
	// skipped and reported together in one warning.
	type down struct {
		first *node
		err   error
		n     int
	}
	var (
		hostMu sync.Mutex
		hosts  = map[string]*down{}
		order  []string
	)
	isDown := func(u string) bool {
		hostMu.Lock()
		defer hostMu.Unlock()
		if d := hosts[hostOf(u)]; d != nil {
			d.n++
			return true
		}
		return false
	}
	markDown := func(j fetchJob, err error) {
		hostMu.Lock()
		defer hostMu.Unlock()
		h := hostOf(j.url)
		if d := hosts[h]; d != nil {
			d.n++
			return
		}
		hosts[h] = &down{first: j.n, err: err, n: 1}
		order = append(order, h)
	}
	jobs := make(chan fetchJob)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if isDown(j.url) {
					continue
				}
				r := get(j.kind, j.url)
				if r.err != nil {
					if errors.Is(r.err, ErrUnreachable) || errors.Is(r.err, context.DeadlineExceeded) {
						markDown(j, r.err)
					} else {
						v.errorf(j.n, "%s: %v", Redact(j.url), r.err)
					}
					continue
				}
				if j.kind == "page" {
					v.checkPage(ctx, j, r.body)
					continue
				}
				v.checkFetched(j, r.size, r.body)
			}
		}()
	}
	// Apple's serving rules are the server's, so the first enclosure of
	// each host stands for all.
	servingChecked := map[string]bool{}
	sc, _ := v.opts.Fetcher.(ServingChecker)
	for _, j := range v.jobs {
		if h := hostOf(j.url); sc != nil && j.kind == "enclosure" && !servingChecked[h] {
			servingChecked[h] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := sc.CheckServing(ctx, j.url); err != nil && !errors.Is(err, ErrUnreachable) {
					v.warnf(j.n, "the server of %s %s: Apple requires HEAD and byte ranges", h,
						strings.ReplaceAll(err.Error(), "\n", " and "))
				}
			}()
		}
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	for _, h := range order {
		d := hosts[h]
		v.warnf(d.first, "not checked: %d linked objects on %s: %v", d.n, h, d.err)
	}
}

// hostOf is the scheme and host of a URL, the unit that is up or down.
func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Scheme + "://" + p.Host
	}
	return u
}

func (v *validator) read(ctx context.Context, u string) ([]byte, error) {
	rc, err := v.opts.Fetcher.Get(ctx, u)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(netbound.Body(rc, maxObject, readWithin))
	var tooLarge *netbound.TooLargeError
	var slow *netbound.SlowError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("larger than %s", netbound.Size(maxObject))
	case errors.As(err, &slow):
		return nil, fmt.Errorf("%w: reading took longer than %v", ErrUnreachable, readWithin)
	case err != nil:
		return nil, fmt.Errorf("%w: reading: %w", ErrUnreachable, err)
	}
	return b, nil
}

func (v *validator) checkFetched(j fetchJob, size int64, body []byte) {
	switch j.kind {
	case "enclosure":
		if size != j.length {
			v.errorf(j.n, "length is %d but %s has %d bytes", j.length, Redact(j.url), size)
		}
	case "chapters":
		if err := checkJSONChapters(body); err != nil {
			v.errorf(j.n, "%s: %v", Redact(j.url), err)
		}
	case "transcript":
		if err := checkTranscriptBody(j.typ, body); err != nil {
			v.errorf(j.n, "%s: %v", Redact(j.url), err)
		}
	}
}

// maxPageLinks bounds how many links of one page are checked.
const maxPageLinks = 500

// checkPage checks that every relative link and source of an item's page
// (previous/next episodes, the audio) leads to an object: a page linking
// an episode deleted since is an error, as the feed's own links are.
// Links to other sites are the other sites' business.
func (v *validator) checkPage(ctx context.Context, j fetchJob, body []byte) {
	base, err := url.Parse(j.url)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	z := xhtml.NewTokenizer(bytes.NewReader(body))
	for len(seen) < maxPageLinks {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		for {
			key, val, more := z.TagAttr()
			if k := string(key); k == "href" || k == "src" {
				ref := strings.TrimSpace(string(val))
				if u, err := url.Parse(ref); err == nil && ref != "" && u.Scheme == "" && u.Host == "" && u.Path != "" {
					target := base.ResolveReference(u)
					target.Fragment = ""
					if t := target.String(); !seen[t] {
						seen[t] = true
						if _, err := v.opts.Fetcher.Size(ctx, t); err != nil {
							v.errorf(j.n, "the page %s links %s: %v", j.url, ref, err)
						}
					}
				}
			}
			if !more {
				break
			}
		}
	}
}

// checkJSONChapters parses a JSON chapters file (Podcasting 2.0, 1.2).
func checkJSONChapters(b []byte) error {
	var doc struct {
		Version  *string `json:"version"`
		Chapters *[]struct {
			StartTime *float64 `json:"startTime"`
			Title     string   `json:"title"`
			URL       *string  `json:"url"`
			Img       *string  `json:"img"`
		} `json:"chapters"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("not JSON chapters: %v", err)
	}
	if doc.Version == nil || !strings.HasPrefix(*doc.Version, "1.") {
		return errors.New(`JSON chapters have no "version" 1.x`)
	}
	if doc.Chapters == nil {
		return errors.New(`JSON chapters have no "chapters" list`)
	}
	prev := -1.0
	for i, c := range *doc.Chapters {
		switch {
		case c.StartTime == nil:
			return fmt.Errorf("chapter %d has no startTime", i+1)
		case *c.StartTime < 0:
			return fmt.Errorf("chapter %d starts at %g, before 0", i+1, *c.StartTime)
		case *c.StartTime < prev:
			return fmt.Errorf("chapter %d starts at %g, before chapter %d", i+1, *c.StartTime, i)
		}
		prev = *c.StartTime
		// Apps open a chapter's url and show its img.
		for _, u := range []struct {
			key string
			val *string
		}{{"url", c.URL}, {"img", c.Img}} {
			if u.val == nil {
				continue
			}
			if err := rules.CheckURL(*u.val); err != nil {
				return fmt.Errorf("chapter %d: %s: %v", i+1, u.key, err)
			}
		}
	}
	return nil
}

// checkTranscriptBody checks that a transcript is what its type says, as
// far as a player would notice at once: UTF-8, and the check the formats
// table has for the type.
func checkTranscriptBody(typ string, b []byte) error {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if !utf8.Valid(b) {
		return errors.New("transcript is not UTF-8")
	}
	if f, _ := formats.ByMediaType(typ); f != nil && f.Check != nil {
		return f.Check(b)
	}
	return nil
}
