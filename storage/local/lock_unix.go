//go:build unix

package local

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// flock takes an advisory lock on f. Locks belong to the open file, so two
// opens in one process exclude each other as two processes do.
func flock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func funlock(f *os.File, _ bool) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// fileID is the inode number: a rename keeps it, a new file gets another.
func fileID(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}

func isNotDir(err error) bool { return errors.Is(err, syscall.ENOTDIR) }
