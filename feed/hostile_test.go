package feed

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/hostile"
	"github.com/podpipe/podpipe/internal/netbound"
)

// shortLimits makes the fetches give up in a fraction of a second, for
// the length of a test.
// A whole read is given within, long enough to read the bounds on a busy
// machine when the test is about size.
// The size bounds are lowered too: parsing 64 MiB of XML takes a minute
// under the race detector.
func shortLimits(t *testing.T, within time.Duration) {
	limits, read, count, enclosure, feed := httpLimits, readWithin, countWithin, maxEnclosure, maxFeed
	httpLimits = netbound.Limits{Connect: time.Second, FirstByte: 500 * time.Millisecond, Idle: 500 * time.Millisecond}
	readWithin, countWithin = within, within
	maxEnclosure, maxFeed = 32<<20, 8<<20
	t.Cleanup(func() {
		httpLimits, readWithin, countWithin, maxEnclosure, maxFeed = limits, read, count, enclosure, feed
	})
}

// TestOpenURLHostile checks that feed validate URL gives up on a server
// that sends a feed without end, never answers, trickles or stalls: in
// bounded time, after a bounded read, with one line naming the URL once.
func TestOpenURLHostile(t *testing.T) {
	tests := []struct {
		mode   hostile.Mode
		within time.Duration
		want   string
	}{
		// 8 MiB read under the race detector on a loaded machine took
		// up to 20 s: the bound is on hanging, not on speed.
		{hostile.Endless, 5 * time.Minute, "reading the feed: larger than 8 MiB"},
		{hostile.Silent, time.Minute, "unreachable: no answer for 500ms"},
		{hostile.Trickle, 2 * time.Second, "reading the feed: took longer than 2s to arrive"},
		// A stall right after the answer's first bytes may still count as
		// waiting for the answer on a loaded machine: either wording says
		// the read gave up at the idle limit.
		{hostile.Stall, time.Minute, "reading the feed: no "},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			shortLimits(t, tt.within)
			srv, err := hostile.Start(tt.mode)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			u := srv.URL + "/feed.xml"
			start := time.Now()
			err = func() error {
				rc, err := OpenURL(context.Background(), u)
				if err != nil {
					return err
				}
				defer rc.Close()
				_, err = Validate(context.Background(), rc, ValidateOptions{Offline: true})
				return err
			}()
			took := time.Since(start)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			t.Logf("%s; in %v after %d bytes", msg, took.Round(time.Millisecond), srv.Sent())
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want %q", msg, tt.want)
			}
			if tt.mode == hostile.Stall && !strings.Contains(msg, " for 500ms") {
				t.Errorf("error %q does not name the idle limit", msg)
			}
			if strings.Count(msg, u) > 1 || strings.Contains(msg, `"`) {
				t.Errorf("error %q names the URL more than once, or quotes it Go's way", msg)
			}
			// A bound on hanging, not on speed: a minute past the limit.
			if took > tt.within+time.Minute {
				t.Errorf("gave up after %v", took)
			}
			if sent := srv.Sent(); sent > maxFeed+16<<20 {
				t.Errorf("read %d MiB of an endless feed", sent>>20)
			}
		})
	}
}

// TestValidateHostileObjects checks that a feed whose linked objects are
// on a misbehaving server is checked in bounded time and memory: each
// object is given up on, with a finding, and the run ends.
func TestValidateHostileObjects(t *testing.T) {
	for _, mode := range hostile.Modes {
		t.Run(string(mode), func(t *testing.T) {
			within := time.Minute
			if mode == hostile.Trickle {
				within = 2 * time.Second
			}
			shortLimits(t, within)
			srv, err := hostile.Start(mode)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			cfg, m := sampleShow(srv.URL + "/")
			var b bytes.Buffer
			if err := Write(&b, cfg, m, buildTime); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			start := time.Now()
			fs, err := Validate(ctx, &b, ValidateOptions{})
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("in %v after %d MiB:\n%s", took.Round(time.Millisecond), srv.Sent()>>20, Format("feed.xml", fs))
			if len(fs) == 0 {
				t.Error("no finding about the objects")
			}
			if errors.Is(ctx.Err(), context.DeadlineExceeded) || took > 2*time.Minute {
				t.Errorf("took %v", took)
			}
			for _, f := range fs {
				if strings.Count(f.Msg, srv.URL) > 1 {
					t.Errorf("finding names a URL twice: %s", f)
				}
			}
		})
	}
}
