package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestRunWriters: run writes a command's output and help to the stdout it
// is given and errors to the stderr, never to the process's own.
func TestRunWriters(t *testing.T) {
	tests := []struct {
		args         []string
		code         int
		stdout       string // what stdout must hold; "" for nothing at all
		stderrPrefix string
	}{
		{[]string{"transcript", "convert", "--to", "txt", "../../episodes/01-p99-observability.md"}, 0, "p99 延遲背後的故事：從 OpenTelemetry 開始的可觀測性", ""},
		{[]string{"--help"}, 0, "podpipe publish show                  # every episode, to ./public", ""},
		{[]string{"feed", "--help"}, 0, "podpipe feed validate https://example.org/feed.xml", ""},
		{[]string{"transcript", "convert", "--to", "txt", "no-such.md"}, 1, "", "podpipe: transcript convert: open no-such.md: "},
		{[]string{"serve", "extra"}, 2, "", "podpipe: serve: no arguments expected, got \"extra\""},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"podpipe"}, tt.args...), &stdout, &stderr)
		if code != tt.code {
			t.Errorf("%v: exit status %d, want %d; stderr %q", tt.args, code, tt.code, stderr.String())
		}
		if tt.stdout == "" && stdout.Len() > 0 {
			t.Errorf("%v: stdout %q, want none", tt.args, stdout.String())
		}
		if !strings.Contains(stdout.String(), tt.stdout) {
			t.Errorf("%v: stdout lacks %q:\n%s", tt.args, tt.stdout, stdout.String())
		}
		if !strings.HasPrefix(stderr.String(), tt.stderrPrefix) || (tt.stderrPrefix == "") != (stderr.Len() == 0) {
			t.Errorf("%v: stderr %q, want it to start with %q", tt.args, stderr.String(), tt.stderrPrefix)
		}
	}
}
