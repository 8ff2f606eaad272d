//go:build linux || darwin

package pipeline

import (
	"path/filepath"
	"syscall"
	"testing"
)

// A FIFO as an episode's artwork would hang the publish on its first read
// (or publish whatever a writer feeds it): it is refused, unopened.
func TestSourceFIFO(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	const slug = "01-p99-observability"
	if err := syscall.Mkfifo(filepath.Join(cfg.EpisodesDir(), slug+".jpg"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	log, err := publishLogged(t, cfg, slug)
	checkRefused(t, cfg, err, log, slug+".jpg", "not a regular file")
}
