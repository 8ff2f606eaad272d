//go:build linux

package pipeline

import (
	"os"
	"syscall"
)

// startWriteback asks the kernel to start writing [off, off+n) of f to
// disk without waiting (sync_file_range with SYNC_FILE_RANGE_WRITE): a
// hint, whose errors the store's fsync reports.
func startWriteback(f *os.File, off, n int64) {
	const write = 2 // SYNC_FILE_RANGE_WRITE
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, fd, uintptr(off), uintptr(n), write, 0, 0)
	})
}

// adviseSequential tells the kernel that m, a mapping of a file, is read
// from start to end (madvise MADV_SEQUENTIAL): read ahead of it, and
// free what is behind it sooner. A hint: its error changes nothing.
func adviseSequential(m []byte) {
	syscall.Madvise(m, syscall.MADV_SEQUENTIAL)
}
