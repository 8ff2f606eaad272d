package serve

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/storage/local"
)

// publish writes a small show into a new store directory the way the
// pipeline does, plus a file copied in by hand (no sidecar).
func publish(t *testing.T) (dir string, audio []byte) {
	t.Helper()
	dir = t.TempDir()
	st, err := local.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	audio = make([]byte, 10000)
	for i := range audio {
		audio[i] = byte(i * 7)
	}
	objects := []struct {
		key, content, ct, cc string
	}{
		{"feed.xml", "<rss/>", "application/rss+xml", storage.CacheShort},
		{"episodes/01-hello/audio.mp3", string(audio), "audio/mpeg", storage.CacheImmutable},
		{"episodes/01-hello/chapters.json", `{"version":"1.2.0"}`, "application/json+chapters", storage.CacheImmutable},
		{"episodes/01-hello/index.html", "<p>你好</p>", "text/html; charset=utf-8", storage.CacheShort},
		{"episodes/01-hello/transcript.vtt", "WEBVTT\n", "text/vtt", ""},
		{"episodes/01-hello/transcript.srt", "1\n", "application/x-subrip", ""},
	}
	for _, o := range objects {
		_, err := st.Put(context.Background(), o.key, strings.NewReader(o.content), int64(len(o.content)), storage.PutOptions{ContentType: o.ct, CacheControl: o.cc})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "cover.jpg"), []byte("\xff\xd8\xff"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A leftover temporary file, as a crash would leave one.
	if err := os.WriteFile(filepath.Join(dir, ".podpipe-tmp-123"), []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, audio
}

func TestHandler(t *testing.T) {
	dir, audio := publish(t)
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()
	n := strconv.Itoa(len(audio))

	tests := []struct {
		name, method, path string
		reqHeader          map[string]string
		status             int
		header             map[string]string // "" means absent
		body               string            // checked when not "-"
	}{
		{"feed", "GET", "/feed.xml", nil, 200, map[string]string{"Content-Type": "application/rss+xml", "Cache-Control": storage.CacheShort, "Access-Control-Allow-Origin": "*"}, "<rss/>"},
		{"audio HEAD", "HEAD", "/episodes/01-hello/audio.mp3", nil, 200, map[string]string{"Content-Type": "audio/mpeg", "Content-Length": n, "Accept-Ranges": "bytes", "Cache-Control": storage.CacheImmutable, "Access-Control-Allow-Origin": "*"}, ""},
		{"audio range", "GET", "/episodes/01-hello/audio.mp3", map[string]string{"Range": "bytes=10-19"}, 206, map[string]string{"Content-Type": "audio/mpeg", "Content-Range": "bytes 10-19/" + n, "Content-Length": "10"}, string(audio[10:20])},
		{"audio suffix range", "GET", "/episodes/01-hello/audio.mp3", map[string]string{"Range": "bytes=-5"}, 206, map[string]string{"Content-Range": "bytes 9995-9999/" + n}, string(audio[9995:])},
		{"range past the end", "GET", "/episodes/01-hello/audio.mp3", map[string]string{"Range": "bytes=20000-"}, 416, nil, "-"},
		{"chapters", "GET", "/episodes/01-hello/chapters.json", nil, 200, map[string]string{"Content-Type": "application/json+chapters"}, `{"version":"1.2.0"}`},
		{"vtt", "GET", "/episodes/01-hello/transcript.vtt", nil, 200, map[string]string{"Content-Type": "text/vtt", "Cache-Control": ""}, "WEBVTT\n"},
		{"srt", "HEAD", "/episodes/01-hello/transcript.srt", nil, 200, map[string]string{"Content-Type": "application/x-subrip"}, ""},
		{"folder index", "GET", "/episodes/01-hello/", nil, 200, map[string]string{"Content-Type": "text/html; charset=utf-8"}, "<p>你好</p>"},
		{"hand-copied file", "GET", "/cover.jpg", nil, 200, map[string]string{"Content-Type": "image/jpeg"}, "\xff\xd8\xff"},
		{"listing", "GET", "/", nil, 200, map[string]string{"Content-Type": "text/html; charset=utf-8", "Access-Control-Allow-Origin": "*"}, "-"},
		{"folder without slash", "GET", "/episodes", nil, 301, map[string]string{"Location": "/episodes/"}, "-"},
		{"missing", "GET", "/nope.mp3", nil, 404, map[string]string{"Access-Control-Allow-Origin": "*"}, "-"},
		{"meta sidecar", "GET", "/.podpipe/meta/feed.xml.json", nil, 404, nil, "-"},
		{"lock", "GET", "/.podpipe/lock", nil, 404, nil, "-"},
		{"meta folder", "GET", "/.podpipe/", nil, 404, nil, "-"},
		{"escaped dot", "GET", "/%2epodpipe/lock", nil, 404, nil, "-"},
		{"climbing out", "GET", "/episodes/../.podpipe/lock", nil, 404, nil, "-"},
		{"temporary file", "GET", "/.podpipe-tmp-123", nil, 404, nil, "-"},
		{"preflight", "OPTIONS", "/feed.xml", map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "range"}, 204, map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS"}, ""},
		{"POST", "POST", "/feed.xml", nil, 405, map[string]string{"Allow": "GET, HEAD, OPTIONS"}, "-"},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(tt.path, "%2e") || strings.Contains(tt.path, "..") {
				req.URL.Opaque = tt.path // send it as written, not cleaned by the client
			}
			for k, v := range tt.reqHeader {
				req.Header.Set(k, v)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %q", resp.StatusCode, tt.status, body)
			}
			for k, want := range tt.header {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
			if tt.body != "-" && string(body) != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
			if strings.Contains(string(body), "half") || strings.Contains(string(body), "etag") {
				t.Errorf("served podpipe's own files: %q", body)
			}
		})
	}
}

func TestListing(t *testing.T) {
	dir, _ := publish(t)
	rec := httptest.NewRecorder()
	Handler(dir).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	body := rec.Body.String()
	for _, want := range []string{`href="./feed.xml"`, `href="./episodes/"`, `href="./cover.jpg"`} {
		if !strings.Contains(body, want) {
			t.Errorf("listing lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, ".podpipe") {
		t.Errorf("listing shows podpipe's own files:\n%s", body)
	}
}

// TestConditional checks that a client revalidating with the ETag it was
// given gets 304, and a stale one the content.
func TestConditional(t *testing.T) {
	dir, _ := publish(t)
	h := Handler(dir)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/feed.xml", nil))
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	for _, tt := range []struct {
		inm    string
		status int
	}{{etag, 304}, {`"stale"`, 200}} {
		req := httptest.NewRequest("GET", "/feed.xml", nil)
		req.Header.Set("If-None-Match", tt.inm)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Errorf("If-None-Match %s: status %d, want %d", tt.inm, rec.Code, tt.status)
		}
	}
}
