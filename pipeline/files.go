package pipeline

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// A sourceFile is a file of the show that an episode is built from.
type sourceFile struct {
	name string // as the show names it, for messages: relative to the working directory when below it
	path string // the file itself, links resolved: what is read
}

func (f sourceFile) ok() bool { return f.path != "" }

// ext is the file's extension as the show names it, in lower case.
func (f sourceFile) ext() string { return strings.ToLower(filepath.Ext(f.name)) }

// markdownLimit is the largest editors' Markdown transcript: the reader's
// own limit, checked here before the file is read whole.
var markdownLimit = transcript.Limit{Size: markdown.MaxSize, What: "a transcript"}

// read reads the file whole unless it is larger than l, naming it as the
// show does in errors.
func (f sourceFile) read(l transcript.Limit) ([]byte, error) {
	r, err := os.Open(f.path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, unwrapPath(err))
	}
	defer r.Close()
	return transcript.ReadAll(f.name, r, l)
}

// showFolder is the folder of a show, the one holding its config.toml.
// Every source is a regular file inside it once links are resolved, so that
// a link planted among an episode's files (to /proc/self/environ, to
// /etc/shadow) is refused instead of published, and a FIFO or a device is
// never opened.
type showFolder struct {
	dirs []string // the show's folder, then the episodes folder when the config puts it elsewhere; links resolved
}

// newShowFolder is the show whose config is in dir, with its episodes in
// episodes: a folder the config itself places outside the show is the
// show's too.
func newShowFolder(dir, episodes string) (*showFolder, error) {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("the show's folder: %w", err)
	}
	s := &showFolder{dirs: []string{root}}
	if eps, err := filepath.Abs(episodes); err == nil && !within(filepath.Clean(dir), eps) {
		if real, err := filepath.EvalSymlinks(eps); err == nil {
			s.dirs = append(s.dirs, real)
		}
	}
	return s, nil
}

// within says whether path is dir or below it; both are clean and absolute.
func within(dir, path string) bool {
	r, err := filepath.Rel(dir, path)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && !filepath.IsAbs(r)
}

// file returns path as a source of the show, or an error of one line
// naming it: no such file, outside the show's folder (a link's target
// included), or not a regular file.
func (s *showFolder) file(path string) (sourceFile, error) {
	f := sourceFile{name: rel(path)}
	abs, err := filepath.Abs(path)
	if err != nil {
		return f, &sourceError{f.name, err}
	}
	real, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(abs); lerr == nil {
			return f, &sourceError{f.name, errors.New("a link to nothing (no such file)")}
		}
		return f, &sourceError{f.name, errors.New("no such file")}
	}
	if err != nil {
		return f, &sourceError{f.name, unwrapPath(err)}
	}
	inside := false
	for _, d := range s.dirs {
		inside = inside || within(d, real)
	}
	if !inside {
		if real != filepath.Clean(abs) {
			return f, &sourceError{f.name, fmt.Errorf("a link to %s, outside the show's folder %s: an episode's sources must be files of the show", real, s.dirs[0])}
		}
		return f, &sourceError{f.name, fmt.Errorf("outside the show's folder %s: an episode's sources must be files of the show", s.dirs[0])}
	}
	st, err := os.Stat(real)
	if err != nil {
		return f, &sourceError{f.name, unwrapPath(err)}
	}
	if !st.Mode().IsRegular() {
		return f, &sourceError{f.name, fmt.Errorf("not a regular file but %s", kindOf(st.Mode()))}
	}
	f.path = real
	return f, nil
}

// A sourceError is a problem with a source file, which it names once; a
// caller that names the file otherwise (front matter's audio "…") takes
// the problem alone.
type sourceError struct {
	name string
	err  error
}

func (e *sourceError) Error() string { return e.name + ": " + e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// unwrapPath drops the path a *fs.PathError repeats: the message names
// the file as the show does.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// rel shortens a path for messages: relative to the working directory when
// it is below it.
func rel(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return path
}

// writeFile writes a built file through a buffer.
func writeFile(p string, write func(io.Writer) error) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := write(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// copyFile copies a source into the work folder.
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// hashFile streams a file through SHA-256.
func hashFile(p string) (sum string, size int64, err error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err // a *fs.PathError: "read p: …", the file named once
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
