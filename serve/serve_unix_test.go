//go:build unix

package serve

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOnlyRegularFilesInside: a link leading out of the directory, to a
// file or to a folder, is not followed, nor is anything that is not a
// regular file served; a link that stays inside is followed.
func TestOnlyRegularFilesInside(t *testing.T) {
	dir, _ := publish(t)
	outside := t.TempDir()
	const secret = "secret outside the published directory"
	if err := os.WriteFile(filepath.Join(outside, "passwd"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(dir, filepath.Join(outside, "passwd"))
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"passwd":       filepath.Join(outside, "passwd"), // absolute, out
		"relative-out": rel,                              // ../../…, out
		"etc":          outside,                          // a folder, out
		// It ends inside, but climbs out of the directory on its way:
		// refused like any other path through "..".
		"up-and-back.xml":  filepath.Join("..", filepath.Base(dir), "feed.xml"),
		"also-feed.xml":    "feed.xml",        // inside
		"episodes/latest":  "01-hello",        // a folder, inside
		"episodes/nothing": "../no-such-file", // dangling
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.mp3"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A socket's path can be too long for the system (macOS allows 104
	// bytes); the FIFO and the device test the same refusal.
	sock, err := net.Listen("unix", filepath.Join(dir, "sock.mp3"))
	if err == nil {
		defer sock.Close()
	}
	socket := err == nil
	device := syscall.Mknod(filepath.Join(dir, "null.mp3"), syscall.S_IFCHR|0o666, 1<<8|3) == nil

	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()
	// A FIFO that blocked the handler would hang the request.
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	tests := []struct {
		path   string
		status int
		body   string // checked when not ""
	}{
		{"/passwd", 404, ""},
		{"/relative-out", 404, ""},
		{"/etc", 404, ""},
		{"/etc/", 404, ""},
		{"/etc/passwd", 404, ""},
		{"/up-and-back.xml", 404, ""},
		{"/episodes/nothing", 404, ""},
		{"/fifo.mp3", 404, ""},
		{"/sock.mp3", 404, ""},
		{"/null.mp3", 404, ""},
		{"/also-feed.xml", 200, "<rss/>"},
		{"/episodes/latest", 301, ""},
		{"/episodes/latest/chapters.json", 200, `{"version":"1.2.0"}`},
		{"/episodes/latest/", 200, "<p>你好</p>"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/"), func(t *testing.T) {
			if tt.path == "/null.mp3" && !device {
				t.Skip("cannot make a device node here (not root)")
			}
			if tt.path == "/sock.mp3" && !socket {
				t.Skip("cannot make a socket here (path too long)")
			}
			for _, method := range []string{"GET", "HEAD"} {
				req, err := http.NewRequest(method, srv.URL+tt.path, nil)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.status {
					t.Errorf("%s: status %d, want %d; body %q", method, resp.StatusCode, tt.status, body)
				}
				if strings.Contains(string(body), secret) {
					t.Errorf("%s: served the file outside: %q", method, body)
				}
				if method == "GET" && tt.body != "" && string(body) != tt.body {
					t.Errorf("GET: body %q, want %q", body, tt.body)
				}
			}
		})
	}

	// The listing shows the link inside, and nothing that is refused.
	rec := httptest.NewRecorder()
	Handler(dir).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	listing := rec.Body.String()
	for _, want := range []string{`href="./also-feed.xml"`, `href="./feed.xml"`, `href="./episodes/"`} {
		if !strings.Contains(listing, want) {
			t.Errorf("listing lacks %s:\n%s", want, listing)
		}
	}
	for _, bad := range []string{"passwd", "relative-out", "etc", "up-and-back", "fifo", "sock", "null"} {
		if strings.Contains(listing, bad) {
			t.Errorf("listing shows %s:\n%s", bad, listing)
		}
	}
	rec = httptest.NewRecorder()
	Handler(dir).ServeHTTP(rec, httptest.NewRequest("GET", "/episodes/", nil))
	if !strings.Contains(rec.Body.String(), `href="./latest/"`) || strings.Contains(rec.Body.String(), "nothing") {
		t.Errorf("listing of /episodes/:\n%s", rec.Body.String())
	}
}
