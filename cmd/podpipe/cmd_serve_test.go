package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is written by runServe while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func writeServeConfig(t *testing.T, storageURL string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := `[show]
title = "Test"
description = "A test show."
owner_email = "test@example.org"
image = "cover.jpg"
categories = ["Technology"]

[storage]
url = "` + storageURL + `"
`
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cover.jpg"), []byte(realCover(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "config.toml")
}

// TestServe serves the config's storage directory, resolved against the
// config file and not the working directory, and stops on cancel.
func TestServe(t *testing.T) {
	cfgPath := writeServeConfig(t, "out/public")
	pub := filepath.Join(filepath.Dir(cfgPath), "out", "public")
	if err := os.MkdirAll(pub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pub, "feed.xml"), []byte("<rss/>"), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	out := new(lockedBuffer)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, serveOptions{addr: "127.0.0.1:0"}, globalOptions{config: cfgPath}, nil, out)
	}()

	var feedURL string
	for deadline := time.Now().Add(stepWait); feedURL == "" && time.Now().Before(deadline); {
		for _, line := range strings.Split(out.String(), "\n") {
			if u, ok := strings.CutPrefix(line, "feed: "); ok {
				feedURL = u
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if feedURL == "" {
		cancel()
		t.Fatalf("no feed URL printed; output:\n%s", out.String())
	}
	// The config's base_url is the default, 8080: this server is not there.
	port, _, _ := strings.Cut(strings.TrimPrefix(feedURL, "http://127.0.0.1:"), "/")
	if want := "PODPIPE_BASE_URL=http://127.0.0.1:" + port + "/ podpipe --config " + cfgPath + " publish show"; !strings.Contains(out.String(), want) {
		t.Errorf("no warning with %q; output:\n%s", want, out.String())
	}
	resp, err := http.Get(feedURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "<rss/>" || resp.Header.Get("Content-Type") != "application/rss+xml" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("GET %s: %d %q %v", feedURL, resp.StatusCode, body, resp.Header)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("runServe after cancel: %v", err)
		}
	case <-time.After(stepWait):
		t.Fatal("runServe did not stop after cancel")
	}
}

func TestServeErrors(t *testing.T) {
	tests := []struct {
		name      string
		config    string // storage.url, or "" for no config file
		dir, addr string
		want      string
	}{
		{"s3 storage", "s3://bucket/show", "", "127.0.0.1:0", "not a local directory"},
		{"not published", "public", "", "127.0.0.1:0", "does not exist: publish an episode first"},
		{"no config", "", "", "127.0.0.1:0", "no such config file"},
		{"bad address", "", t.TempDir(), "127.0.0.1:99999", "serve: listen tcp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfgPath := filepath.Join(t.TempDir(), "config.toml")
			if tt.config != "" {
				cfgPath = writeServeConfig(t, tt.config)
			}
			err := runServe(context.Background(), serveOptions{dir: tt.dir, addr: tt.addr}, globalOptions{config: cfgPath}, nil, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("runServe: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestBaseURLMismatch(t *testing.T) {
	tests := []struct {
		base, addr string
		fix        string // "" when they agree
	}{
		{"http://127.0.0.1:8080/", "127.0.0.1:8080", ""},
		{"http://localhost:8080/", "127.0.0.1:8080", ""},
		{"http://192.168.1.20:8080/", "0.0.0.0:8080", ""},
		{"http://127.0.0.1:8080/", "127.0.0.1:18080", "PODPIPE_BASE_URL=http://127.0.0.1:18080/ podpipe publish show"},
		{"http://192.168.1.20:8080/", "127.0.0.1:8080", "PODPIPE_BASE_URL=http://127.0.0.1:8080/ podpipe publish show"},
		{"http://127.0.0.1:8080/", "0.0.0.0:9000", "PODPIPE_BASE_URL=http://YOUR-LAN-IP:9000/ podpipe publish show"},
		{"https://cdn.example.org/show/", "127.0.0.1:8080", "PODPIPE_BASE_URL=http://127.0.0.1:8080/ podpipe publish show"},
	}
	for _, tt := range tests {
		got := baseURLMismatch(tt.base, tt.addr, "config.toml")
		if tt.fix == "" && got != "" || tt.fix != "" && !strings.Contains(got, tt.fix) {
			t.Errorf("baseURLMismatch(%s, %s) = %q, want %q", tt.base, tt.addr, got, tt.fix)
		}
	}
	if got := baseURLMismatch("http://127.0.0.1:8080/", "127.0.0.1:18080", "../shows/a.toml"); !strings.Contains(got, "podpipe --config ../shows/a.toml publish show") {
		t.Errorf("a config given with --config is not in the fix: %q", got)
	}
}
