package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

// treeBlock is the size of the blocks an audio file's sum is made of: the
// S3 store's part size (storage/s3.DefaultPartSize), so that the blocks'
// sums sign the parts of the tagged audio's upload as they are.
const treeBlock = 16 << 20

// treeVersion changes whenever what treeSum hashes does.
const treeVersion = "1"

// blockSums are the SHA-256 of each treeBlock of a file of size bytes,
// from its start; the last block may be shorter.
type blockSums struct {
	size int64
	sums [][sha256.Size]byte
}

// treeSum is the audio's sum: the SHA-256 of the file's size and of its
// blocks' SHA-256, in order. It names the file's bytes as a SHA-256 of
// them would (any change to a block changes the block's sum), but the
// blocks are hashed at once, one per core, where a SHA-256 of the whole
// file runs on one core only. A first publish to S3 cannot start its
// upload before the sum is known (the audio's key is made from it), and
// on a 2-core machine that pass was a fifth of the whole publish.
func (b blockSums) treeSum() string {
	h := sha256.New()
	fmt.Fprintf(h, "podpipe audio tree %s\nblock %d\nsize %d\n", treeVersion, treeBlock, b.size)
	for _, s := range b.sums {
		h.Write(s[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// hex returns block i's SHA-256 as hex.
func (b blockSums) hex(i int) string { return hex.EncodeToString(b.sums[i][:]) }

// maxHashWorkers bounds the blocks hashed at once: each maps up to
// mapWindow of the file (resident while it is hashed), and eight cores
// hash some 12 GB/s with SHA-NI, more than a disk reads.
const maxHashWorkers = 8

// hashBlocks computes the blockSums of the first size bytes of f, as
// many blocks at once as workers says (one per CPU, up to
// maxHashWorkers, when 0), each read where the kernel keeps it
// (hashRange). report, when not nil, is told how many bytes are hashed
// as it goes. A file that turns out shorter than size is an error that
// says it changed.
func hashBlocks(f *os.File, size int64, workers int, report func(int64)) (blockSums, error) {
	n := int((size + treeBlock - 1) / treeBlock)
	b := blockSums{size: size, sums: make([][sha256.Size]byte, n)}
	var (
		next   atomic.Int64 // the next block to hash
		mu     sync.Mutex   // guards done and report
		done   int64        // bytes hashed
		failed atomic.Bool
		errs   = make([]error, n)
		wg     sync.WaitGroup
	)
	if workers <= 0 {
		workers = min(runtime.GOMAXPROCS(0), maxHashWorkers)
	}
	for range min(n, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				off := int64(i) * treeBlock
				want := min(treeBlock, size-off)
				h := sha256.New()
				if err := hashRange(f, off, want, h); err != nil {
					errs[i] = err
					failed.Store(true)
					return
				}
				h.Sum(b.sums[i][:0])
				if report != nil {
					mu.Lock()
					done += want
					report(done)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return blockSums{}, err
		}
	}
	return b, nil
}

// readRange is hashRange through a buffer.
func readRange(f *os.File, off, n int64, h io.Writer) error {
	got, err := io.Copy(h, io.NewSectionReader(f, off, n))
	if err == nil && got != n {
		err = fmt.Errorf("the file got shorter while it was read: %d bytes, %d expected", off+got, off+n)
	}
	return err
}
