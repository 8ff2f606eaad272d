package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// showDir lays out a show with local storage whose published feed.xml
// links objects that are only in the storage directory (nothing serves
// base_url), as after `podpipe publish` and before `podpipe serve`.
func showDir(t *testing.T, feedXML string) (configPath, public string) {
	t.Helper()
	dir := t.TempDir()
	public = filepath.Join(dir, "public")
	if err := os.MkdirAll(filepath.Join(public, "ep"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"config.toml": `[show]
title = "T"
description = "D"
owner_email = "o@example.org"
image = "cover.jpg"
categories = ["Technology"]
[publish]
base_url = "http://127.0.0.1:1/"
[storage]
url = "public"
`,
		"cover.jpg":             realCover(t),
		"public/feed.xml":       feedXML,
		"public/ep/audio.mp3":   "0123456789",
		"public/ep/t.vtt":       "WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n",
		"public/ep/chapters.js": `{"version":"1.2.0","chapters":[{"startTime":0,"title":"Intro"}]}`,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "config.toml"), public
}

// realCover is the sample show's cover: config.Load reads the artwork's
// header and refuses what is not a JPEG or PNG.
func realCover(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "cover.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const validFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>T</title><link>http://127.0.0.1:1/</link><description>D</description><language>en</language>
<atom:link href="http://127.0.0.1:1/feed.xml" rel="self" type="application/rss+xml"/>
<itunes:image href="http://127.0.0.1:1/cover.jpg"/><itunes:category text="Technology"/>
<itunes:explicit>false</itunes:explicit><itunes:author>A</itunes:author>
<itunes:owner><itunes:name>A</itunes:name><itunes:email>o@example.org</itunes:email></itunes:owner>
<podcast:guid>9b024349-ccf0-5f69-a609-6b82873eab3c</podcast:guid>
<item><title>One</title><guid isPermaLink="false">one</guid><description>x</description>
<pubDate>Thu, 01 Jan 2026 08:30:00 +0100</pubDate><itunes:duration>1</itunes:duration>
<enclosure url="http://127.0.0.1:1/ep/audio.mp3" length="LENGTH" type="audio/mpeg"/>
<podcast:transcript url="http://127.0.0.1:1/ep/t.vtt" type="text/vtt" rel="captions"/>
<podcast:chapters url="http://127.0.0.1:1/ep/chapters.js" type="application/json+chapters"/>
</item>
</channel>
</rss>
`

func TestFeedValidateCommand(t *testing.T) {
	good := strings.Replace(validFeed, "LENGTH", "10", 1)
	bad := strings.Replace(validFeed, "LENGTH", "11", 1)
	ctx := context.Background()

	// Default: the show's published feed, objects read from storage.
	cfg, public := showDir(t, good)
	var out bytes.Buffer
	if err := runFeedValidate(ctx, feedValidateOptions{}, globalOptions{config: cfg}, nil, &out); err != nil {
		t.Fatalf("published feed: %v\n%s", err, out.String())
	}
	if want := filepath.Join(public, "feed.xml") + ": valid, 0 warnings\n"; out.String() != want {
		t.Errorf("published feed: got %q, want %q", out.String(), want)
	}

	cfg, public = showDir(t, bad)
	out.Reset()
	err := runFeedValidate(ctx, feedValidateOptions{}, globalOptions{config: cfg}, nil, &out)
	if err == nil || !strings.Contains(err.Error(), "1 error, 0 warnings") ||
		!strings.HasPrefix(out.String(), "error: "+filepath.Join(public, "feed.xml")+":12: item 1 \"One\" <enclosure>: length is 11 but") {
		t.Errorf("wrong length: err %v, output:\n%s", err, out.String())
	}

	// A file: nothing serves its objects, so they are warned about,
	// unless the show's config says where they are stored.
	out.Reset()
	if err := runFeedValidate(ctx, feedValidateOptions{}, globalOptions{config: "no-such-config.toml"}, []string{filepath.Join(public, "feed.xml")}, &out); err != nil {
		t.Errorf("file: %v", err)
	}
	if !strings.Contains(out.String(), "warning: ") || !strings.Contains(out.String(), "not checked: 3 linked objects on http://127.0.0.1:1") {
		t.Errorf("file: output:\n%s", out.String())
	}
	out.Reset()
	if err := runFeedValidate(ctx, feedValidateOptions{}, globalOptions{config: cfg}, []string{filepath.Join(public, "feed.xml")}, &out); err == nil || !strings.Contains(out.String(), "length is 11 but") {
		t.Errorf("file with the show's config: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := runFeedValidate(ctx, feedValidateOptions{offline: true}, globalOptions{}, []string{filepath.Join(public, "feed.xml")}, &out); err != nil || !strings.HasSuffix(out.String(), "valid, 0 warnings\n") {
		t.Errorf("file, offline: %v\n%s", err, out.String())
	}

	// A URL.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed.xml" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(strings.Replace(good, "<title>T</title>", "", 1)))
	}))
	defer srv.Close()
	out.Reset()
	err = runFeedValidate(ctx, feedValidateOptions{offline: true}, globalOptions{}, []string{srv.URL + "/feed.xml"}, &out)
	if err == nil || !strings.Contains(out.String(), "error: "+srv.URL+"/feed.xml:3: channel: <title> is missing") {
		t.Errorf("URL: err %v, output:\n%s", err, out.String())
	}
	if err := runFeedValidate(ctx, feedValidateOptions{offline: true}, globalOptions{}, []string{srv.URL + "/missing.xml"}, &out); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing URL: err %v", err)
	}
}
