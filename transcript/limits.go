package transcript

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// A Limit is the largest source of one kind podpipe reads: past it a file
// is refused with one line before it is read whole, instead of filling
// memory with a file no editor wrote by hand (a log, a disk image, a
// /dev/zero).
type Limit struct {
	Size int64  // bytes
	What string // what the source is, for the message: "a transcript"
}

// The limits of every kind of source, in one place. Each is far past any
// real file: a transcript of a three-hour episode is well under a
// megabyte, even as Whisper JSON; a chapters file is a few KiB, a config
// file a few hundred bytes.
var (
	TranscriptLimit = Limit{32 << 20, "a transcript"}
	ChaptersLimit   = Limit{1 << 20, "a chapters file"}
	ConfigLimit     = Limit{1 << 20, "a config file"}
)

// MaxLine is the longest line the line-based readers (WebVTT, SRT, text
// chapters) accept: a caption line is some 40 characters.
const MaxLine = 64 << 10

// ErrTooLarge is the error of a source past its Limit or past MaxLine.
var ErrTooLarge = errors.New("too large")

// ReadAll reads the source name from r whole unless it is larger than l,
// reading no more than l.Size+1 bytes of it; when r can say its size (an
// *os.File can), a larger file is refused without reading any of it. The
// error of a file past the limit is a *ParseError:
// "name: too large: N bytes, over the 32 MiB a transcript may have".
func ReadAll(name string, r io.Reader, l Limit) ([]byte, error) {
	size := int64(-1) // what r holds, when it says
	if s, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if st, err := s.Stat(); err == nil && st.Mode().IsRegular() {
			if st.Size() > l.Size {
				return nil, l.tooLarge(name, fmt.Sprintf("%d bytes", st.Size()))
			}
			size = st.Size()
		}
	}
	if n, ok := r.(interface{ Len() int }); ok {
		size = int64(n.Len())
	}
	var src []byte
	var err error
	if size >= 0 && size <= l.Size {
		// Read into one buffer of the size, not one grown by doubling.
		var b bytes.Buffer
		b.Grow(int(size) + bytes.MinRead)
		_, err = b.ReadFrom(io.LimitReader(r, l.Size+1))
		src = b.Bytes()
	} else {
		src, err = io.ReadAll(io.LimitReader(r, l.Size+1))
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // it names the file again
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(src)) > l.Size {
		return nil, l.tooLarge(name, fmt.Sprintf("more than %d bytes", l.Size))
	}
	return src, nil
}

func (l Limit) tooLarge(name, size string) error {
	return Errorf(name, 0, "%w: %s, over the %s %s may have", ErrTooLarge, size, l, l.What)
}

// String is the limit in the largest unit it is a whole number of.
func (l Limit) String() string {
	switch {
	case l.Size >= 1<<20 && l.Size%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", l.Size>>20)
	case l.Size >= 1<<10 && l.Size%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", l.Size>>10)
	}
	return fmt.Sprintf("%d bytes", l.Size)
}

// CheckLines refuses src when a line of it is longer than MaxLine bytes,
// naming the first such line. A line ends at "\n", "\r\n" or a lone "\r",
// as the readers split them.
func CheckLines(name string, src []byte) error {
	for line := 1; len(src) > 0; line++ {
		i := bytes.IndexAny(src, "\r\n")
		if i < 0 {
			i = len(src)
		}
		if i > MaxLine {
			return Errorf(name, line, "%w: a line of %d bytes, over the %d KiB a line may have", ErrTooLarge, i, MaxLine>>10)
		}
		if i == len(src) {
			break
		}
		if src[i] == '\r' && i+1 < len(src) && src[i+1] == '\n' {
			i++
		}
		src = src[i+1:]
	}
	return nil
}
