//go:build unix

package pipeline

import (
	"io"
	"os"
	"runtime/debug"
	"syscall"
)

// mapWindow is how much of a file hashRange maps at once, and so the most
// it adds to the process's resident memory, whatever the file's size.
var mapWindow int64 = 8 << 20

// hashRange writes the n bytes of f from offset off to h (a hash.Hash,
// a partHasher: a writer that never fails), and says that the file got
// shorter when it ends before them. The bytes are read where the kernel
// keeps them (a read-only mapping of the file, mapWindow at a time), not
// copied into a buffer first: on a large source that copy cost as much
// CPU as a third of the SHA-256, on the core the hash needs.
//
// A file cut short while it is mapped faults where its end was (SIGBUS):
// the fault stops the hashing with an error that says the file got
// shorter, as a read would, rather than killing the process.
func hashRange(f *os.File, off, n int64, h io.Writer) error {
	page := int64(os.Getpagesize())
	var done int64
	for done < n {
		at := off + done
		start := at - at%page // a mapping starts on a page
		size := min(mapWindow, n-done+at-start)
		m, err := syscall.Mmap(int(f.Fd()), start, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
		if err != nil {
			if done == 0 {
				// Not a file that maps (a FIFO, some file
				// systems): read it as any reader.
				return readRange(f, off, n, h)
			}
			return err
		}
		adviseSequential(m)
		b := m[at-start:]
		err = writeMapped(h, b)
		syscall.Munmap(m)
		if err != nil {
			return err
		}
		done += int64(len(b))
	}
	return nil
}

// writeMapped writes b, mapped from a file, to h, and turns the fault of
// reading past the file's end (it got shorter after it was mapped) into
// an error.
func writeMapped(h io.Writer, b []byte) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			err = eofIsChange(io.EOF)
		}
	}()
	h.Write(b) // never fails
	return nil
}
