package faultproxy

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// backend counts the requests that reach it and answers each with a body.
func backend(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		n.Add(1)
		io.WriteString(w, strings.Repeat("answer ", 100))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestFaults: each fault is what a client sees, and reaches the server or
// not as it says.
func TestFaults(t *testing.T) {
	tests := []struct {
		fault   Fault
		reached bool   // the request reached the server
		want    string // in the client's error, or the status; "": any error
	}{
		{Status, false, "50"},
		// A reset reads as "connection reset by peer", "EOF" or
		// "broken pipe" by when it lands.
		{ResetRequest, false, ""},
		{ResetAnswer, true, ""},
		{Stall, true, "Client.Timeout"},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			srv, reached := backend(t)
			p, err := Start(srv.URL, Options{Share: 1, Faults: []Fault{tt.fault}})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			client := &http.Client{Timeout: 2 * time.Second}
			req, _ := http.NewRequest(http.MethodPut, p.URL+"/bucket/key", strings.NewReader("body"))
			resp, err := client.Do(req)
			got, failed := "", err != nil
			if err != nil {
				got = err.Error()
			} else {
				body, rerr := io.ReadAll(resp.Body)
				resp.Body.Close()
				failed = rerr != nil
				got = fmt.Sprintf("%d %s %v", resp.StatusCode, body, rerr)
				if tt.fault == Status && !strings.Contains(got, "<Code>") {
					t.Errorf("no S3 error code in %q", got)
				}
			}
			if tt.want == "" && !failed {
				t.Errorf("client saw %q, want an error", got)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("client saw %q, want %q in it", got, tt.want)
			}
			if (reached.Load() == 1) != tt.reached {
				t.Errorf("%d requests reached the server, want reached=%v", reached.Load(), tt.reached)
			}
			if n := p.Injected()[tt.fault]; n != 1 {
				t.Errorf("Injected()[%s] = %d, want 1", tt.fault, n)
			}
		})
	}
}

// TestSeed: a seed fails the same requests every run, another seed
// others, and about the share asked for.
func TestSeed(t *testing.T) {
	srv, _ := backend(t)
	run := func(seed uint64) []string {
		p, err := Start(srv.URL, Options{Seed: seed, Share: 0.3, Faults: []Fault{Status}})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		for i := 0; i < 100; i++ {
			resp, err := http.Get(fmt.Sprintf("%s/bucket/key%d", p.URL, i%20))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		return p.Log()
	}
	a, b, c := run(1), run(1), run(2)
	if !slices.Equal(a, b) {
		t.Errorf("seed 1 failed different requests in two runs:\n%v\n%v", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("seeds 1 and 2 failed the same requests")
	}
	if len(a) < 10 || len(a) > 50 {
		t.Errorf("%d of 100 requests failed, want about 30", len(a))
	}
}
