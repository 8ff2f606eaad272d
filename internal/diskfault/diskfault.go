// Package diskfault makes the local store's writes under a directory fail
// the way a full or read-only file system makes them fail, for tests that
// a publish says so in one line and leaves the published files as they
// were. A real small file system needs a mount, and so root; a read-only
// directory does not stop root. The store asks this package before it
// creates a file and writes through it; with no fault set that costs one
// atomic load.
//
//	undo := diskfault.Set(diskfault.Fault{Dir: store, Err: syscall.ENOSPC, Room: 64 << 10})
//	defer undo()
//	_, err := p.PublishAll(ctx) // "…: write …/.podpipe-tmp-…: no space left on device"
package diskfault

import (
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// Fault is a directory whose writes fail.
type Fault struct {
	Dir string // absolute; what is under it fails
	// Err is what fails: syscall.ENOSPC lets Room bytes be written first
	// and files be created, as a full disk does; any other error (EROFS,
	// EACCES) fails the creation of every file, as a read-only one does.
	Err  error
	Room int64
}

var (
	set   atomic.Bool
	mu    sync.Mutex
	fault *Fault
	room  int64 // left
)

// Set sets f, replacing any fault set before, until undo is called.
func Set(f Fault) (undo func()) {
	mu.Lock()
	defer mu.Unlock()
	fault, room = &f, f.Room
	set.Store(true)
	return func() {
		mu.Lock()
		defer mu.Unlock()
		fault = nil
		set.Store(false)
	}
}

// under returns the fault set for name's directory, if any.
func under(name string) *Fault {
	if !set.Load() {
		return nil
	}
	mu.Lock()
	defer mu.Unlock()
	if fault == nil {
		return nil
	}
	rel, err := filepath.Rel(fault.Dir, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil
	}
	return fault
}

// Create returns the error creating the file name meets, as an
// *fs.PathError like os.OpenFile's, or nil.
func Create(name string) error {
	f := under(name)
	if f == nil || errors.Is(f.Err, syscall.ENOSPC) {
		return nil
	}
	return &fs.PathError{Op: "open", Path: name, Err: f.Err}
}

// Writer returns w, the file name, failing once the fault's room is used
// up as os.File.Write does: the part that fits, then an *fs.PathError.
func Writer(name string, w io.Writer) io.Writer {
	f := under(name)
	if f == nil {
		return w
	}
	return &writer{name: name, w: w, err: f.Err}
}

type writer struct {
	name string
	w    io.Writer
	err  error
}

func (x *writer) Write(p []byte) (int, error) {
	mu.Lock()
	n := int64(len(p))
	if fault == nil {
		n = int64(len(p))
	} else if n > room {
		n = max(room, 0)
	}
	if fault != nil {
		room -= n
	}
	mu.Unlock()
	written, err := x.w.Write(p[:n])
	if err == nil && written < len(p) {
		err = &fs.PathError{Op: "write", Path: x.name, Err: x.err}
	}
	return written, err
}
