package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
)

// cacheNone is the manifest's Cache-Control: publishers read it to update
// it, so no cache may answer for it.
const cacheNone = "no-cache"

// artifact is one file built for publishing, waiting in the work folder.
type artifact struct {
	role         string // audio, page, vtt, srt, json, txt, chapters, image, feed
	path         string // the built file
	key          string // where it goes in storage
	size         int64
	sha256       string
	contentType  string
	cacheControl string
}

func (a *artifact) object() manifest.Object {
	return manifest.Object{Key: a.key, Size: a.size, SHA256: a.sha256, ContentType: a.contentType}
}

// hashFile streams a file through SHA-256.
func hashFile(p string) (sum string, size int64, err error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// finish hashes the built file and names it: under a content-hashed key
// when hashed is true (so an edit gets a new URL and caches never serve a
// stale copy), else under stable.
func (a *artifact) finish(dir, stem, ext string, hashed bool) error {
	sum, size, err := hashFile(a.path)
	if err != nil {
		return err
	}
	a.sha256, a.size = sum, size
	if hashed {
		a.key = path.Join(dir, stem+"-"+sum[:12]+ext)
		a.cacheControl = storage.CacheImmutable
	} else {
		a.key = path.Join(dir, stem+ext)
		a.cacheControl = storage.CacheShort
	}
	return nil
}
