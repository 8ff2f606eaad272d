package pipeline

import (
	"os"
	"testing"
)

// TestMain gives the tests a timing cache of their own, empty at the
// start, so that no alignment cached by an earlier run (or by the user's
// podpipe) stands in for one a test means to run.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "podpipe-test-cache-*")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
