//go:build unix

package serve

import (
	"os"
	"syscall"
)

// openFlags opens without blocking: opening a FIFO for reading would
// otherwise wait for a writer before the handler could see it is no
// regular file.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
