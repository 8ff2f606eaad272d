//go:build unix

package pipeline

import (
	"io"
	"os"
	"runtime/debug"
	"sync"
	"syscall"
)

// mapWindow is how much of a file hashRange maps at once, and so the most
// it adds to the process's resident memory, whatever the file's size.
var mapWindow int64 = 8 << 20

// hashRange writes n bytes of f, from offset off, to each of hashes (a
// hash.Hash, a partHasher: writers that never fail), each in a goroutine
// of its own, and returns how many it hashed. The bytes are read where
// the kernel keeps them (a read-only mapping of the file, mapWindow at a
// time), not copied into a buffer first: on a large source that copy
// cost as much CPU as a third of the SHA-256, on the core the hash needs.
// report, when not nil, is told how many bytes are hashed as it goes.
//
// A file cut short while it is mapped faults where its end was (SIGBUS):
// the fault stops the hashing with an error that says the file got
// shorter, as a read would, rather than killing the process.
func hashRange(f *os.File, off, n int64, report func(int64), hashes ...io.Writer) (int64, error) {
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
				return readHashed(reporting(io.NewSectionReader(f, off, n), report), hashes...)
			}
			return done, err
		}
		adviseSequential(m)
		b := m[at-start:]
		err = writeMappedAll(b, hashes)
		syscall.Munmap(m)
		if err != nil {
			return done, err
		}
		done += int64(len(b))
		if report != nil {
			report(done)
		}
	}
	return done, nil
}

// writeMappedAll writes b, mapped from a file, to each of hashes, in
// goroutines of their own when there are several.
func writeMappedAll(b []byte, hashes []io.Writer) error {
	if len(hashes) == 1 {
		return writeMapped(hashes[0], b)
	}
	errs := make([]error, len(hashes))
	var wg sync.WaitGroup
	for i, h := range hashes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = writeMapped(h, b)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
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
