// Package netbound bounds podpipe's HTTP clients against servers that
// misbehave: one that never accepts the connection, one that accepts and
// never answers, one that stops in the middle, one that sends without end.
//
//	tr := netbound.Limits{Connect: 10 * time.Second, FirstByte: 30 * time.Second, Idle: 30 * time.Second}.Transport()
//	resp, err := (&http.Client{Transport: tr}).Do(req)
//	…
//	body := netbound.Body(resp.Body, 16<<20, time.Minute) // read whole: bounded
//
// The timeouts are on progress, never on the total: an upload to a slow
// server that keeps reading, or a download from one that keeps sending,
// runs as long as it takes. Only a response read whole into memory (a
// listing, an error, a feed) is also bounded in size and in time, since
// a server trickling bytes would otherwise hold it open for ever.
package netbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// Limits are the timeouts of a connection. A zero field is not bounded.
type Limits struct {
	// Connect bounds the TCP connection and the TLS handshake.
	Connect time.Duration
	// FirstByte bounds the wait for the answer once the request is sent.
	FirstByte time.Duration
	// Idle bounds any time in which no byte moves while one is expected:
	// a request body the server stops reading, a response that stops.
	Idle time.Duration
}

// TimeoutError is a connection on which nothing happened in time. It is a
// net.Error whose Timeout is true, so that retrying clients retry it.
type TimeoutError struct {
	Waiting string // "an answer", "data"
	After   time.Duration
}

func (e *TimeoutError) Error() string {
	if e.Waiting == "connect" {
		return fmt.Sprintf("no connection within %v", e.After)
	}
	return fmt.Sprintf("no %s for %v", e.Waiting, e.After)
}
func (e *TimeoutError) Timeout() bool   { return true }
func (e *TimeoutError) Temporary() bool { return true }

// TooLargeError is a response read whole that was larger than its bound.
type TooLargeError struct{ Max int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than %s", Size(e.Max))
}

// SlowError is a response read whole that took longer than its bound.
type SlowError struct{ After time.Duration }

func (e *SlowError) Error() string {
	return fmt.Sprintf("took longer than %v to arrive", e.After)
}

// Size prints a byte count in the binary unit it is a whole number of.
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Transport returns an HTTP/1.1 transport with the limits, proxies from
// the environment as http.DefaultTransport has them.
func (l Limits) Transport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	l.Apply(tr)
	return tr
}

// Apply sets the limits on tr: its dialer, handshake and response header
// timeouts, and connections that time out when idle in either direction.
// HTTP/2 is turned off: its one connection carries every request, so a
// stalled one could not be told from a quiet one.
func (l Limits) Apply(tr *http.Transport) {
	dialer := &net.Dialer{Timeout: l.Connect, KeepAlive: 30 * time.Second, Control: keepLittleUnsent}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			var ne net.Error
			if l.Connect > 0 && errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil {
				return nil, &TimeoutError{Waiting: "connect", After: l.Connect}
			}
			return nil, err
		}
		answer := l.FirstByte
		if answer <= 0 {
			answer = l.Idle
		}
		return &conn{Conn: c, answer: answer, idle: l.Idle}, nil
	}
	tr.TLSHandshakeTimeout = l.Connect
	tr.ForceAttemptHTTP2 = false
	tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	if l.Idle > 0 {
		// Close a pooled connection before its reads time out, so that
		// a request never picks up one about to fail.
		tr.IdleConnTimeout = l.Idle / 2
	}
}

// notSent bounds the bytes a socket holds that are not yet on the wire.
// The wait for an answer starts at the last write: with the kernel's
// default (megabytes), a slow link would still be sending the request
// long after it, and a working upload would time out.
const notSent = 128 << 10

func keepLittleUnsent(network, address string, rc syscall.RawConn) error {
	// A kernel without the option sends as before: not worth failing for.
	return rc.Control(func(fd uintptr) { setNotSentLowat(fd, notSent) })
}

// conn times out reads and writes that make no progress. The transport
// keeps a read pending on every connection, also while it waits in the
// pool; each write (a request going out) moves that read's deadline to
// FirstByte (else Idle) after it, each read to Idle after it.
type conn struct {
	net.Conn
	answer, idle time.Duration
	answerBy     atomic.Int64 // unix nanoseconds: the first byte is due by then; 0 once it came
}

func (c *conn) Read(p []byte) (int, error) {
	if c.idle <= 0 && c.answer <= 0 {
		return c.Conn.Read(p)
	}
	// While an answer is awaited its deadline is the one that holds,
	// whichever of FirstByte and Idle is the longer: a read that begins
	// after the request went out (the transport's goroutines run in any
	// order) waits as long as one that was pending before it.
	//
	// A write that arms the answer's deadline between the load and the
	// setting here would see its deadline overwritten by the older one
	// (30 s where 500 ms was meant): the deadline is set again until the
	// value it was set from is still the one that holds.
	for {
		a := c.answerBy.Load()
		var d time.Time
		if a != 0 {
			d = time.Unix(0, a)
		} else if c.idle > 0 {
			d = time.Now().Add(c.idle)
		}
		if err := c.Conn.SetReadDeadline(d); err != nil {
			return 0, err
		}
		if c.answerBy.Load() == a {
			break
		}
	}
	n, err := c.Conn.Read(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// A write since this read began may have moved its deadline:
		// what was awaited is what is awaited now.
		if c.answerBy.Load() != 0 {
			return n, &TimeoutError{Waiting: "answer", After: c.answer}
		}
		return n, &TimeoutError{Waiting: "data", After: c.idle}
	}
	if n > 0 {
		c.answerBy.Store(0)
	}
	return n, err
}

func (c *conn) Write(p []byte) (int, error) {
	if c.idle <= 0 {
		armed, err := c.awaitAnswer(0, 0)
		if err != nil {
			return 0, err
		}
		n, err := c.Conn.Write(p)
		if err == nil {
			_, err = c.awaitAnswer(armed, 0)
		}
		return n, err
	}
	// A large write to a slow reader takes as long as it takes, as long
	// as some of it goes through every Idle.
	total := 0
	var armed int64
	for {
		// Each try may take Idle: the answer cannot come before it ends.
		var err error
		if armed, err = c.awaitAnswer(armed, c.idle); err != nil {
			return total, err
		}
		if err := c.Conn.SetWriteDeadline(time.Now().Add(c.idle)); err != nil {
			return total, err
		}
		n, err := c.Conn.Write(p[total:])
		total += n
		if err == nil {
			_, err = c.awaitAnswer(armed, 0)
			return total, err
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return total, err
		}
		if n == 0 {
			return total, &TimeoutError{Waiting: "progress sending", After: c.idle}
		}
	}
}

// awaitAnswer starts the wait for the answer anew, FirstByte after the
// write ends, which is at most sending from now: the request is still
// going out. It moves the deadline of the read the transport has pending
// since before the request. armed is what the write set before (0 at its
// start); when a read has taken the first byte of the answer since then,
// the answer came, and the wait is not started again: a fast server can
// answer before the write returns. It returns what it set.
func (c *conn) awaitAnswer(armed int64, sending time.Duration) (int64, error) {
	if c.answer <= 0 {
		return 0, nil
	}
	by := time.Now().Add(sending + c.answer).UnixNano()
	if armed == 0 {
		c.answerBy.Store(by)
	} else if !c.answerBy.CompareAndSwap(armed, by) {
		return 0, nil
	}
	return by, c.Conn.SetReadDeadline(time.Unix(0, by))
}

// Body bounds a response body that is read whole: reading more than max
// bytes fails with a *TooLargeError, reading for longer than within (when
// not 0) with a *SlowError.
func Body(rc io.ReadCloser, max int64, within time.Duration) io.ReadCloser {
	b := &body{rc: rc, left: max, max: max, within: within}
	if within > 0 {
		b.start = time.Now()
	}
	return b
}

type body struct {
	rc     io.ReadCloser
	left   int64 // bytes still allowed
	max    int64
	start  time.Time
	within time.Duration
}

func (b *body) Read(p []byte) (int, error) {
	if b.within > 0 && time.Since(b.start) > b.within {
		return 0, &SlowError{After: b.within}
	}
	if b.left <= 0 {
		// One byte more tells a body of exactly max bytes from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, &TooLargeError{Max: b.max}
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *body) Close() error { return b.rc.Close() }
