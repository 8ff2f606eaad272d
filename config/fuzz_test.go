package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/internal/fuzzlimit"
)

// FuzzParse reads any input as a config file under fuzzlimit's time limit,
// and checks what it accepts. Seeds: the repository's config.toml and
// small pieces of TOML that reach each table.
func FuzzParse(f *testing.F) {
	src, err := os.ReadFile(filepath.Join("..", "config.toml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	f.Add([]byte("[show]\ntitle = \"T\"\nlanguage = \"zh-TW\"\ncategories = [\"Technology\", \"Technology > Tech News\"]\n"))
	f.Add([]byte("[storage]\nurl = \"s3://bucket/prefix\"\nregion = \"x\"\n[publish]\nbase_url = \"https://example.com/\"\n"))
	f.Add([]byte("a = [[[[[[[[[[1]]]]]]]]]]\nb = {c = {d = {e = 1}}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fuzzlimit.Run(t, func() error {
			cfg, err := config.Parse(filepath.Join(t.TempDir(), "podpipe.toml"), src)
			if err != nil {
				return nil
			}
			cfg.Check() // may refuse what is missing, must not hang or panic
			return nil
		})
	})
}
