//go:build !linux

package pipeline

import "os"

// startWriteback is a hint that only Linux takes.
func startWriteback(f *os.File, off, n int64) {}

// adviseSequential is a hint that only Linux takes.
func adviseSequential(m []byte) {}
