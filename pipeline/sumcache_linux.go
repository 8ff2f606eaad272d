//go:build linux

package pipeline

import (
	"os"
	"syscall"
	"time"
)

// fileIdentity returns what tells the file fi describes from any other,
// or from itself once changed (see sumCache), and when it last changed
// (its modification or change time, the later).
func fileIdentity(fi os.FileInfo) (id string, changed time.Time, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", time.Time{}, false
	}
	mtime := time.Unix(st.Mtim.Unix())
	ctime := time.Unix(st.Ctim.Unix())
	changed = mtime
	if ctime.After(changed) {
		changed = ctime
	}
	return identityString(uint64(st.Dev), st.Ino, st.Size, mtime, ctime), changed, true
}
