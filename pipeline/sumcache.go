package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// sumCache remembers the sum of an episode's audio by the identity of
// the file it was read from (device, inode, size, modification and change
// times, to the nanosecond: what git's index and restic go by), so that
// audio read once is not read again to learn what it holds. Change
// detection, the timing cache's key and tagging each needed a pass over
// the whole file; a show of hundreds of long episodes was read whole on
// every publish to find the one that changed.
//
// Writing a file sets its change time, which no tool can set back, so an
// audio file edited in place, even to the same size and with its
// modification time restored, is another entry. A file changed within
// sumRacy of being read could change again within one tick of a coarse
// clock, unseen: its sum is not remembered (git's "racy" entries).
// Entries are written whole under their name (atomically) or not at all;
// one that cannot be read or written is no error: the file is read as
// without a cache. Where a file's identity is not known (sumcache_other.go)
// nothing is remembered.
type sumCache struct {
	dir string // "" when there is none
}

// sumVersion changes whenever what an entry holds, or how it is named,
// changes.
const sumVersion = "1"

// The kinds of sum an entry holds: the audio's sum (blockSums.treeSum),
// and the SHA-256 of the whole file, which older podpipes named the audio
// by and which the entries of version 1 without a kind hold.
const (
	sumTree  = "tree"
	sumWhole = ""
)

// sumRacy is how long ago a file must have last changed for its sum to be
// remembered.
var sumRacy = 2 * time.Second

// defaultSumCache is the user's cache folder's podpipe/sums, or none.
func defaultSumCache() sumCache {
	dir, err := os.UserCacheDir()
	if err != nil {
		return sumCache{}
	}
	return sumCache{dir: filepath.Join(dir, "podpipe", "sums")}
}

// entry names the entry of kind of the file fi describes ("" when there
// is none) and says when the file last changed.
func (c sumCache) entry(fi os.FileInfo, kind string) (name string, changed time.Time) {
	if c.dir == "" || fi == nil {
		return "", changed
	}
	id, changed, ok := fileIdentity(fi)
	if !ok {
		return "", changed
	}
	head := "podpipe sum " + sumVersion
	if kind != sumWhole {
		head += " " + kind
	}
	h := sha256.Sum256([]byte(head + "\n" + id))
	return filepath.Join(c.dir, hex.EncodeToString(h[:16])), changed
}

// lookup returns the remembered sum of kind of the file fi describes, as
// hex, or "".
func (c sumCache) lookup(fi os.FileInfo, kind string) string {
	name, _ := c.entry(fi, kind)
	if name == "" {
		return ""
	}
	b, err := os.ReadFile(name)
	if err != nil || len(b) != sha256.Size*2 {
		return ""
	}
	if _, err := hex.DecodeString(string(b)); err != nil {
		return ""
	}
	return string(b)
}

// remember keeps sum, the sum of kind of the file fi described when a
// read of it began at began, unless the file had changed within sumRacy
// of then.
func (c sumCache) remember(fi os.FileInfo, began time.Time, kind, sum string) {
	name, changed := c.entry(fi, kind)
	if name == "" || !changed.Before(began.Add(-sumRacy)) {
		return
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(c.dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := f.WriteString(sum)
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), name) != nil {
		os.Remove(f.Name())
	}
}

// audioSum returns the remembered audioSum of the file at path, or an
// empty one.
func (c sumCache) audioSum(path string) audioSum {
	fi, err := os.Stat(path)
	if err != nil {
		return audioSum{}
	}
	if sum := c.lookup(fi, sumTree); sum != "" {
		return audioSum{sum: sum, ver: versionOf(fi)}
	}
	return audioSum{}
}

// identityString words a file's identity for entry.
func identityString(dev, ino uint64, size int64, mtime, ctime time.Time) string {
	return fmt.Sprintf("dev %d\ninode %d\nsize %d\nmtime %d\nctime %d\n", dev, ino, size, mtime.UnixNano(), ctime.UnixNano())
}
