package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestExitCodes checks the exit status for each kind of outcome: 0 on
// success, 1 on a user error, 2 on a usage error.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte("[show]\ncolour = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"podpipe", "--help"}, 0},
		{[]string{"podpipe", "publish", "episode", "--help"}, 0},
		{[]string{"podpipe", "--no-such-flag"}, 2},
		{[]string{"podpipe", "frobnicate"}, 2},
		{[]string{"podpipe", "publish", "frobnicate"}, 2},
		{[]string{"podpipe", "publish", "show", "--no-such-flag"}, 2},
		{[]string{"podpipe", "publish", "episode"}, 2},
		{[]string{"podpipe", "publish", "show", "--align", "magic"}, 2},
		{[]string{"podpipe", "--config", filepath.Join(dir, "missing.toml"), "publish", "show"}, 1},
		{[]string{"podpipe", "--config", filepath.Join(dir, "config.toml"), "publish", "show"}, 1},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		got := run(context.Background(), tt.args, &stdout, &stderr)
		if got != tt.want {
			t.Errorf("%v: exit status %d, want %d; stderr:\n%s", tt.args[1:], got, tt.want, stderr.String())
		}
	}
}
