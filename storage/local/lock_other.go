//go:build !unix

package local

import (
	"io/fs"
	"os"
	"sync"
)

// Without flock, writers are only excluded within this process.
var mu sync.RWMutex

func flock(f *os.File, exclusive bool) error {
	if exclusive {
		mu.Lock()
	} else {
		mu.RLock()
	}
	return nil
}

func funlock(f *os.File, exclusive bool) {
	if exclusive {
		mu.Unlock()
	} else {
		mu.RUnlock()
	}
}

func fileID(fs.FileInfo) uint64 { return 0 }

func isNotDir(error) bool { return false }
