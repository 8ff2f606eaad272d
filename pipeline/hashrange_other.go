//go:build !unix

package pipeline

import (
	"io"
	"os"
)

// hashRange writes n bytes of f, from offset off, to each of hashes, and
// returns how many it hashed: read through a buffer where files are not
// mapped (hashrange_unix.go).
func hashRange(f *os.File, off, n int64, report func(int64), hashes ...io.Writer) (int64, error) {
	return readHashed(reporting(io.NewSectionReader(f, off, n), report), hashes...)
}
