package storage

import "testing"

func TestContentTypeFor(t *testing.T) {
	tests := []struct{ key, want string }{
		{"feed.xml", "application/rss+xml"},
		{"episodes/01-hello/audio.3f2a.mp3", "audio/mpeg"},
		{"a/b.M4A", "audio/x-m4a"},
		{"01-hello.vtt", "text/vtt"},
		{"01-hello.srt", "application/x-subrip"},
		{"manifest.json", "application/json"},
		{"01-hello.chapters.json", "application/json+chapters"},
		{"01-hello.chapters.9ab1.json", "application/json+chapters"},
		{"01-hello.html", "text/html; charset=utf-8"},
		{"01-hello.txt", "text/plain; charset=utf-8"},
		{"cover.jpg", "image/jpeg"},
		{"cover.png", "image/png"},
		{"chapters.txt", "text/plain; charset=utf-8"},
		{"noext", "application/octet-stream"},
		{"dir.mp3/file", "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := ContentTypeFor(tt.key); got != tt.want {
			t.Errorf("ContentTypeFor(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}
