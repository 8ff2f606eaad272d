// Package faultproxy is a reverse proxy for tests that stands between a
// client and a real server (versitygw) and makes a share of the requests
// fail the way a network or an overloaded object store does: a 500 or 503
// answer, a connection reset before the request is read or half-way
// through the answer, an answer that stalls until the client gives up.
// Which requests fail is decided by a seed, so a failing run can be run
// again as it was.
//
//	p, err := faultproxy.Start(endpoint, faultproxy.Options{
//		Seed: 7, Share: 0.2, Faults: faultproxy.All,
//	})
//	if err != nil { … }
//	defer p.Close()
//	st, err := s3.New(ctx, s3.Options{Endpoint: p.URL, …})
//	… // publish through p.URL, then look at the store directly
//	t.Logf("%v", p.Injected())
//
// Options.Hook sees every request before it is forwarded, and may hold it:
// a slow link in front of one client.
package faultproxy

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Fault is one way a request fails.
type Fault string

const (
	// Status answers 500 InternalError or 503 SlowDown, with S3's XML
	// error body, without forwarding the request.
	Status Fault = "5xx"
	// ResetRequest resets the connection before the request's body is
	// read: nothing reaches the server.
	ResetRequest Fault = "reset-request"
	// ResetAnswer forwards the request and resets the connection half-way
	// through the server's answer: the server did the work, the client
	// does not know.
	ResetAnswer Fault = "reset-answer"
	// Stall forwards the request, then sends half of the answer (or none
	// of an answer without a body) and nothing more until the client
	// gives up or Options.StallMax passes.
	Stall Fault = "stall"
)

// All lists every Fault.
var All = []Fault{Status, ResetRequest, ResetAnswer, Stall}

// Options say which requests fail and how.
type Options struct {
	// Seed picks the requests that fail. The pick depends on the request
	// (method, path, which part) and on how many alike came before it,
	// not on the order of concurrent requests, so a seed fails the same
	// requests every run.
	Seed uint64
	// Share of the requests that fail, from 0 to 1.
	Share float64
	// Faults are drawn from, evenly; none: no request fails.
	Faults []Fault
	// StallMax bounds a stall for a client that never gives up; 1 minute
	// when 0.
	StallMax time.Duration
	// Match, when set, says which requests may fail: the others never
	// do, nor count for Seed.
	Match func(r *http.Request) bool
	// Hook, when set, is called with each request before it is forwarded
	// or failed; it may block.
	Hook func(r *http.Request)
}

// Proxy is a running fault-injecting proxy on 127.0.0.1.
type Proxy struct {
	URL string // http://127.0.0.1:port

	opt    Options
	target *url.URL
	rp     *httputil.ReverseProxy
	srv    *httptest.Server
	done   chan struct{}

	mu       sync.Mutex
	enabled  bool
	seen     map[string]int // requests alike so far
	requests int
	injected map[Fault]int
	log      []string
}

// Start starts a proxy to target, an http:// URL.
func Start(target string, o Options) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: target %q is not an http:// URL", target)
	}
	if o.Share < 0 || o.Share > 1 {
		return nil, fmt.Errorf("faultproxy: share %v is not between 0 and 1", o.Share)
	}
	for _, f := range o.Faults {
		if !slices.Contains(All, f) {
			return nil, fmt.Errorf("faultproxy: unknown fault %q", f)
		}
	}
	if o.StallMax <= 0 {
		o.StallMax = time.Minute
	}
	p := &Proxy{
		opt: o, target: u, done: make(chan struct{}), enabled: true,
		seen: map[string]int{}, injected: map[Fault]int{},
	}
	p.rp = httputil.NewSingleHostReverseProxy(u)
	// The client signed the request for the proxy's host: the director
	// keeps r.Host, which the server checks the signature against.
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	return p, nil
}

// Close stops the proxy, ending every stall.
func (p *Proxy) Close() {
	close(p.done)
	p.srv.CloseClientConnections()
	p.srv.Close()
}

// SetEnabled turns the faults on or off; the Hook is called either way.
func (p *Proxy) SetEnabled(on bool) {
	p.mu.Lock()
	p.enabled = on
	p.mu.Unlock()
}

// Requests returns how many requests the proxy has seen.
func (p *Proxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// Injected returns how many faults of each kind the proxy has injected.
func (p *Proxy) Injected() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Fault]int, len(p.injected))
	for k, v := range p.injected {
		out[k] = v
	}
	return out
}

// Log returns one line per fault injected: the fault and the request.
func (p *Proxy) Log() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.log)
}

// pick decides whether r fails, and how.
func (p *Proxy) pick(r *http.Request) (Fault, uint64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	if !p.enabled || len(p.opt.Faults) == 0 || p.opt.Share == 0 || p.opt.Match != nil && !p.opt.Match(r) {
		return "", 0, false
	}
	// Alike: same method, path and query keys, same part; not the upload
	// ID, which is new every run.
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	id := r.Method + " " + r.URL.Path + "?" + strings.Join(keys, "&") + "#" + q.Get("partNumber")
	n := p.seen[id]
	p.seen[id] = n + 1
	h := fnv.New64a()
	binary.Write(h, binary.LittleEndian, p.opt.Seed)
	binary.Write(h, binary.LittleEndian, int64(n))
	io.WriteString(h, id)
	sum := h.Sum64()
	if float64(sum%1_000_000)/1_000_000 >= p.opt.Share {
		return "", 0, false
	}
	f := p.opt.Faults[(sum/1_000_000)%uint64(len(p.opt.Faults))]
	p.injected[f]++
	p.log = append(p.log, fmt.Sprintf("%s: %s %s", f, r.Method, r.URL.RequestURI()))
	return f, sum, true
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	if p.opt.Hook != nil {
		p.opt.Hook(r)
	}
	f, sum, ok := p.pick(r)
	if !ok {
		p.rp.ServeHTTP(w, r)
		return
	}
	switch f {
	case Status:
		p.status(w, r, sum>>40&1 == 1)
	case ResetRequest:
		if conn := hijack(w); conn != nil {
			reset(conn)
		}
	case ResetAnswer, Stall:
		p.forwardBroken(w, r, f)
	}
}

// status answers as S3 does when it is overloaded or broken inside.
func (p *Proxy) status(w http.ResponseWriter, r *http.Request, slowDown bool) {
	io.Copy(io.Discard, r.Body)
	code, msg, status := "InternalError", "We encountered an internal error. Please try again.", http.StatusInternalServerError
	if slowDown {
		code, msg, status = "SlowDown", "Please reduce your request rate.", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return // a HEAD's answer has no body
	}
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>faultproxy</RequestId></Error>`,
		code, msg, r.URL.Path)
}

// forwardBroken forwards r, reads the server's whole answer, and sends the
// client half of it before resetting (ResetAnswer) or stalling (Stall).
func (p *Proxy) forwardBroken(w http.ResponseWriter, r *http.Request, f Fault) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host = p.target.Scheme, p.target.Host
	out.Host = r.Host
	if r.ContentLength == 0 {
		out.Body = nil
	}
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if f == Stall {
		if len(body) < 2 || r.Method == http.MethodHead {
			// Nothing to send half of: stall before the first byte.
			p.stall(r.Context())
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(resp.StatusCode)
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		p.stall(r.Context())
		return
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.TransferEncoding = nil
	var raw bytes.Buffer
	if r.Method == http.MethodHead {
		resp.Body = nil // headers only
	}
	resp.Write(&raw)
	conn := hijack(w)
	if conn == nil {
		return
	}
	conn.Write(raw.Bytes()[:raw.Len()/2])
	reset(conn)
}

func (p *Proxy) stall(ctx context.Context) {
	t := time.NewTimer(p.opt.StallMax)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-p.done:
	}
}

func hijack(w http.ResponseWriter) net.Conn {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return nil
	}
	_ = buf.Writer.Flush()
	return conn
}

// reset closes conn with a TCP reset rather than an orderly close: the
// client sees "connection reset by peer".
func reset(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}
