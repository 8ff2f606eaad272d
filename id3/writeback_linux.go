//go:build linux

package id3

import (
	"os"
	"syscall"
)

// writeBehind starts writing [off, off+n) of f to disk without waiting, and
// waits for the chunk of copyChunk bytes at prev (when prev >= 0) to be
// written: sync_file_range, as a hint; errors are left to the final fsync,
// which reports them.
func writeBehind(f *os.File, off, n, prev int64) {
	const (
		waitBefore = 1
		write      = 2
		waitAfter  = 4
	)
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, fd, uintptr(off), uintptr(n), write, 0, 0)
		if prev >= 0 {
			syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, fd, uintptr(prev), copyChunk, waitBefore|write|waitAfter, 0, 0)
		}
	})
}
