package netbound

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestWriteStall checks that an upload to a server that accepts the
// connection and never reads fails once the buffers are full and nothing
// moves for Idle, not never.
func TestWriteStall(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	held := make(chan net.Conn, 16)
	defer func() {
		l.Close()
		for len(held) > 0 {
			(<-held).Close()
		}
	}()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held <- c // never read
		}
	}()
	client := &http.Client{Transport: Limits{Connect: time.Second, FirstByte: time.Second, Idle: 300 * time.Millisecond}.Transport()}
	req, err := http.NewRequest(http.MethodPut, "http://"+l.Addr().String()+"/x", io.LimitReader(zeros{}, 1<<30))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = client.Do(req)
	took := time.Since(start)
	var te *TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "no progress sending for 300ms") {
		t.Fatalf("Do: %v, want a *TimeoutError saying no progress sending for 300ms", err)
	}
	t.Logf("%v in %v", err, took.Round(time.Millisecond))
	if took > 60*time.Second {
		t.Errorf("gave up after %v", took)
	}
}

// TestSlowReader checks that the timeouts are on progress: an upload to a
// server that reads far slower than Idle allows for the whole body, but
// keeps reading, completes.
func TestSlowReader(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Idle is well above the 50 ms between reads, so that a loaded
	// machine's scheduling delays are not taken for a stall.
	const size, rate = 8 << 20, 2 << 20 // four seconds
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, rate/20)
		var n int64
		for {
			m, err := io.ReadFull(r.Body, buf)
			n += int64(m)
			time.Sleep(50 * time.Millisecond)
			if err != nil {
				break
			}
		}
		fmt.Fprintf(w, "got %d", n)
	})}
	go srv.Serve(smallBuffers{l})
	defer srv.Close()
	client := &http.Client{Transport: Limits{Connect: 5 * time.Second, FirstByte: 5 * time.Second, Idle: time.Second}.Transport()}
	start := time.Now()
	resp, err := client.Post("http://"+l.Addr().String()+"/x", "application/octet-stream", io.LimitReader(zeros{}, size))
	if err != nil {
		t.Fatalf("upload to a slow reader: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil || string(body) != fmt.Sprintf("got %d", size) {
		t.Fatalf("answer %q, %v", body, err)
	}
	t.Logf("%d MiB in %v", size>>20, took.Round(time.Millisecond))
	if took < 2*time.Second {
		t.Errorf("took %v: the server was not slow", took)
	}
}

// smallBuffers gives each accepted connection a small receive buffer, so
// that a slow reader slows the sender rather than the kernel taking
// megabytes on its behalf.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		c.(*net.TCPConn).SetReadBuffer(64 << 10)
	}
	return c, err
}

// TestLongWrite checks that a single write that takes many times
// FirstByte, to a slow reader, does not time out the read the transport
// keeps pending for the answer: the wait for the answer starts when the
// request is out.
func TestLongWrite(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	const size, rate = 8 << 20, 2 << 20 // four seconds
	go func() {
		s, err := l.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		s.(*net.TCPConn).SetReadBuffer(64 << 10)
		buf := make([]byte, rate/20)
		for got := 0; got < size; {
			n, err := io.ReadFull(s, buf[:min(len(buf), size-got)])
			got += n
			if err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		s.Write([]byte("!"))
	}()
	d := net.Dialer{Control: keepLittleUnsent}
	raw, err := d.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := &conn{Conn: raw, answer: time.Second, idle: time.Second}
	defer c.Close()
	read := make(chan error, 1)
	go func() {
		var b [1]byte
		_, err := c.Read(b[:])
		read <- err
	}()
	start := time.Now()
	if _, err := c.Write(make([]byte, size)); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := <-read; err != nil {
		t.Fatalf("the pending read failed while the request was going out: %v", err)
	}
	if took := time.Since(start); took < 2*time.Second {
		t.Errorf("took %v: the reader was not slow", took)
	}
}

// TestAnswerAfterWrite checks that FirstByte bounds the wait for an
// answer also when the read begins after the request was written, and
// Idle is longer: the transport's reading and writing goroutines run in
// either order. The read used to wait for the later of the two limits,
// so that a silent server held it for Idle (an hour here) instead.
func TestAnswerAfterWrite(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		s, err := l.Accept()
		if err == nil {
			accepted <- s // reads nothing, answers nothing
		}
	}()
	raw, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := &conn{Conn: raw, answer: 100 * time.Millisecond, idle: time.Hour}
	defer c.Close()
	defer func() {
		if s := <-accepted; s != nil {
			s.Close()
		}
	}()
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	read := make(chan error, 1)
	go func() {
		var b [1]byte
		_, err := c.Read(b[:])
		read <- err
	}()
	select {
	case err := <-read:
		var te *TimeoutError
		if !errors.As(err, &te) || err.Error() != "no answer for 100ms" {
			t.Fatalf("Read: %v, want no answer for 100ms", err)
		}
	case <-time.After(5 * time.Minute): // far below the hour of Idle
		t.Fatal("the read after the write waited for Idle, not FirstByte")
	}
}
