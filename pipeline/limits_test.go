package pipeline

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A source of absurd size (here a sparse 1 GiB file) is refused with one
// line naming it, from its size, without being read into memory.
func TestSourceTooLarge(t *testing.T) {
	const slug = "01-p99-observability"
	for _, tc := range []struct{ file, why string }{
		{slug + ".chapters.txt", "too large: 1073741824 bytes, over the 1 MiB a chapters file may have"},
		{slug + ".md", "too large: 1073741824 bytes, over the 8 MiB a transcript may have"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
			p := filepath.Join(cfg.EpisodesDir(), tc.file)
			if err := os.WriteFile(p, []byte("00:00 Intro\n"), 0o644); err != nil && !os.IsExist(err) {
				t.Fatal(err)
			}
			if err := os.Truncate(p, 1<<30); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			log, err := publishLogged(t, cfg, slug)
			runtime.ReadMemStats(&after)
			checkRefused(t, cfg, err, log, tc.file+": ", tc.why)
			// Reading the file whole would allocate its gigabyte.
			if n := after.TotalAlloc - before.TotalAlloc; n > 256<<20 {
				t.Errorf("the publish allocated %d MiB: the file was read", n>>20)
			}
		})
	}
}

// A file that cannot be read is named once, not "read X: read X: …".
func TestHashFileNamesFileOnce(t *testing.T) {
	dir := t.TempDir()
	_, _, err := hashFile(dir)
	if err == nil {
		t.Fatal("hashing a folder succeeded")
	}
	if n := strings.Count(err.Error(), dir); n != 1 {
		t.Errorf("err = %q names %s %d times, want once", err, dir, n)
	}
}
