// Package hostile serves on loopback what a broken or hostile server
// answers, for tests that podpipe's network clients give up on it in
// bounded time and memory, and say so in one line.
//
//	srv, err := hostile.Start(hostile.Endless)
//	if err != nil { … }
//	defer srv.Close()
//	_, err = s3.New(ctx, s3.Options{Endpoint: srv.URL, …}) // fails at 8 MiB
//	if srv.Sent() > 12<<20 { … } // it read more than it should have
package hostile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Mode is how the server misbehaves.
type Mode string

const (
	// Endless answers 200 and a body that never ends: an S3 listing to a
	// listing request, else an RSS feed, whose one element grows for ever.
	Endless Mode = "endless"
	// Silent accepts the connection, reads the request and never answers.
	Silent Mode = "silent"
	// Trickle answers 200 and then one byte every 50 ms, for ever.
	Trickle Mode = "trickle"
	// Stall answers 200 with a length of 1 MiB, sends 1 KiB and stops.
	Stall Mode = "stall"
)

// Modes lists every Mode.
var Modes = []Mode{Endless, Silent, Trickle, Stall}

// Server is a misbehaving server on 127.0.0.1.
type Server struct {
	URL  string // http://127.0.0.1:port
	Mode Mode

	sent  atomic.Int64
	ln    net.Listener
	srv   *http.Server
	mu    sync.Mutex
	conns []net.Conn
	done  chan struct{}
	wg    sync.WaitGroup
}

// Start starts a server in mode m on a free loopback port.
func Start(m Mode) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), Mode: m, ln: ln, done: make(chan struct{})}
	switch m {
	case Silent:
		s.wg.Add(1)
		go s.silent()
	case Endless, Trickle, Stall:
		s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
		go s.srv.Serve(ln)
	default:
		ln.Close()
		return nil, fmt.Errorf("hostile: unknown mode %q", m)
	}
	return s, nil
}

// Sent returns how many bytes of bodies the server has sent so far.
func (s *Server) Sent() int64 { return s.sent.Load() }

// Close stops the server and drops its connections.
func (s *Server) Close() {
	close(s.done)
	if s.srv != nil {
		s.srv.Close()
		return
	}
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) silent() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		go io.Copy(io.Discard, c)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	prologue, chunk := `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<rss version="2.0"><channel><title>`, "podcast "
	ctype := "application/rss+xml"
	if r.URL.Query().Has("list-type") {
		prologue = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>`
		chunk = "bucket "
		ctype = "application/xml"
	}
	w.Header().Set("Content-Type", ctype)
	if s.Mode == Stall {
		w.Header().Set("Content-Length", fmt.Sprint(1<<20))
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	write := func(b string) bool {
		n, err := io.WriteString(w, b)
		s.sent.Add(int64(n))
		return err == nil
	}
	if !write(prologue) {
		return
	}
	switch s.Mode {
	case Endless:
		block := strings.Repeat(chunk, 64<<10/len(chunk))
		for ctx.Err() == nil && s.open() && write(block) {
		}
	case Trickle:
		for ctx.Err() == nil && s.open() && write("x") {
			w.(http.Flusher).Flush()
			if !s.sleep(ctx, 50*time.Millisecond) {
				return
			}
		}
	case Stall:
		write(strings.Repeat(chunk, 1024/len(chunk)))
		w.(http.Flusher).Flush()
		s.sleep(ctx, time.Hour)
	}
}

func (s *Server) open() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// ErrUnknownMode is returned by ParseMode.
var ErrUnknownMode = errors.New("unknown mode")

// ParseMode returns the Mode named name.
func ParseMode(name string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == name {
			return m, nil
		}
	}
	return "", fmt.Errorf("hostile: %w %q (want endless, silent, trickle or stall)", ErrUnknownMode, name)
}
