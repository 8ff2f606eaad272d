package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// writeFileAtomic writes data to name through a temporary file in the same
// folder and a rename, so that name is never left half written. Its errors
// name name, never the temporary file, which the user never asked for.
func writeFileAtomic(name string, data []byte) (err error) {
	dir := filepath.Dir(name)
	if fi, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: folder %s does not exist (create it first)", name, dir)
	} else if err == nil && !fi.IsDir() {
		return fmt.Errorf("%s: %s is not a folder", name, dir)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("%s: cannot write in %s: %w", name, dir, unwrapPath(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("%s: %w", name, unwrapPath(err))
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("%s: %w", name, unwrapPath(err))
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("%s: %w", name, unwrapPath(err))
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", name, unwrapPath(err))
	}
	if err = os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("%s: %w", name, unwrapPath(err))
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// unwrapPath drops the path of an *fs.PathError or *os.LinkError, which
// would be the temporary file's.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
