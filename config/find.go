package config

import (
	"errors"
	"os"
	"path/filepath"
)

// FileName is the name of a show's config file.
const FileName = "config.toml"

// Find looks for config.toml in dir and then in each folder above it, as
// git looks for .git, so that podpipe works from inside a show's episodes
// folder. It returns the path found, relative to dir when dir is relative,
// and false when no folder up to the root has one.
func Find(dir string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	rel := dir
	for {
		p := filepath.Join(abs, FileName)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			if filepath.IsAbs(dir) {
				return p, true
			}
			return filepath.Join(rel, FileName), true
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", false
		}
		up := filepath.Dir(abs)
		if up == abs {
			return "", false
		}
		abs, rel = up, filepath.Join(rel, "..")
	}
}
