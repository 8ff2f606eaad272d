// Package local is a storage.Store in a directory of the local file system,
// the default place podpipe publishes to and the directory `podpipe serve`
// serves.
//
// Every object is a plain file named by its key, so the directory can be
// copied to any web server as it is. What a file system does not keep (the
// Content-Type, Cache-Control, user metadata and ETag given to Put) lives in
// a JSON sidecar per object under the hidden folder .podpipe/meta, which is
// never served and never listed.
//
//	st, err := local.New("public")
//	if err != nil { … }
//	info, err := st.Put(ctx, "feed.xml", f, size, storage.PutOptions{
//		ContentType: "application/rss+xml", CacheControl: storage.CacheShort,
//	})
//
// Keys are slash-separated relative paths; since they are file names, one
// key cannot also be the folder of another ("a" and "a/b"), and keys may not
// climb out of the directory or start with .podpipe.
//
// Writes are atomic: the content goes to a temporary file in the target's
// directory, is synced and renamed over the target, and the directory is
// synced. PutFile (storage.FilePutter) takes a finished file the same way
// without writing it again: a file made by CreateStaged (storage.Stager),
// in the hidden folder and so on the store's file system, is renamed into
// place and synced once; one from another file system is copied. Conditional writes (PutOptions.IfMatch, IfNoneMatch) check and
// replace under an exclusive lock on .podpipe/lock, so they are atomic among
// every process on the machine.
package local

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/podpipe/podpipe/internal/diskfault"
	"github.com/podpipe/podpipe/storage"
)

// HiddenDir is the folder at the root of the store that holds podpipe's own
// files (metadata sidecars, the lock). Keys may not start with it and
// `podpipe serve` never serves it.
const HiddenDir = ".podpipe"

// tmpPrefix starts the names of the temporary files Put writes beside their
// targets; List skips them.
const tmpPrefix = ".podpipe-tmp-"

// Store is a storage.Store in a directory.
type Store struct {
	dir string // absolute
}

var (
	_ storage.Store      = (*Store)(nil)
	_ storage.Lister     = (*Store)(nil)
	_ storage.Sweeper    = (*Store)(nil)
	_ storage.FilePutter = (*Store)(nil)
	_ storage.Stager     = (*Store)(nil)
)

// New returns the store in dir. The directory is created by the first Put
// when it does not exist yet; it is an error if dir names something that is
// not a directory.
func New(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("local: %w", err)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("local: %s is not a directory", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("local: %w", err)
	}
	return &Store{dir: abs}, nil
}

// Dir returns the store's absolute directory.
func (s *Store) Dir() string { return s.dir }

// String returns the store's directory.
func (s *Store) String() string { return s.dir }

// meta is the sidecar kept for each object. Size, MtimeNS and FileID tie it
// to one version of the data file: a sidecar that does not match its file
// (a crash between the data's rename and the sidecar's, or a file copied in
// by hand) is ignored, and the ETag is then computed from the content.
type meta struct {
	Size         int64             `json:"size"`
	MtimeNS      int64             `json:"mtime_ns"`
	FileID       uint64            `json:"file_id,omitempty"`
	ETag         string            `json:"etag"`
	ContentType  string            `json:"content_type,omitempty"`
	CacheControl string            `json:"cache_control,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
}

func (m *meta) matches(fi fs.FileInfo) bool {
	return m.Size == fi.Size() && m.MtimeNS == fi.ModTime().UnixNano() && m.FileID == fileID(fi)
}

// checkKey rejects keys that are not a clean relative slash path inside the
// store, or that name podpipe's own files.
func checkKey(key string) error {
	bad := key == "" || strings.HasPrefix(key, "/") || strings.ContainsAny(key, "\\\x00") ||
		path.Clean(key) != key || key == "." || key == ".." || strings.HasPrefix(key, "../")
	if !bad {
		first, _, _ := strings.Cut(key, "/")
		bad = first == HiddenDir || strings.HasPrefix(path.Base(key), tmpPrefix)
	}
	if bad {
		return fmt.Errorf("local: invalid key %q: %w", key, fs.ErrInvalid)
	}
	return nil
}

func (s *Store) file(key string) string { return filepath.Join(s.dir, filepath.FromSlash(key)) }

func (s *Store) metaFile(key string) string {
	return filepath.Join(s.dir, HiddenDir, "meta", filepath.FromSlash(key)+".json")
}

func (s *Store) lockFile() string { return filepath.Join(s.dir, HiddenDir, "lock") }

// Put implements storage.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	target := s.file(key)
	_, err := os.Stat(filepath.Dir(target))
	newDir := errors.Is(err, fs.ErrNotExist)
	placed := false
	defer func() { s.dropNewDir(key, newDir && !placed) }()
	tmp, sum, err := s.writeTemp(ctx, target, r, size)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	defer os.Remove(tmp) // a no-op once renamed
	fi, err := os.Stat(tmp)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	m := &meta{
		Size:         fi.Size(),
		MtimeNS:      fi.ModTime().UnixNano(),
		FileID:       fileID(fi), // rename keeps the inode and the mtime
		ETag:         `"` + hex.EncodeToString(sum.Sum(nil)) + `"`,
		ContentType:  opts.ContentType,
		CacheControl: opts.CacheControl,
		Metadata:     lowerKeys(opts.Metadata),
	}
	if m.ContentType == "" {
		m.ContentType = storage.ContentTypeFor(key)
	}
	if placed, err = s.commit(key, target, tmp, newDir, m, opts); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	return m.info(key, fi), nil
}

// commit replaces key's object with tmp, a finished temporary file beside
// target described by m, under the lock, so that a conditional write checks
// and replaces in one step, and syncs the directory. The sidecar is written
// before the object is replaced, so that a disk too full for it fails with
// the old object in place. renamed says whether tmp took the target's place.
func (s *Store) commit(key, target, tmp string, newDir bool, m *meta, opts storage.PutOptions) (renamed bool, err error) {
	metaTmp, err := s.writeMetaTemp(key, m)
	if err != nil {
		return false, err
	}
	defer os.Remove(metaTmp) // a no-op once renamed
	unlock, err := s.lock(true)
	if err != nil {
		return false, err
	}
	defer unlock()
	if opts.IfNoneMatch || opts.IfMatch != "" {
		cur, err := s.stat(key, true)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if opts.IfMatch != "" {
				return false, fmt.Errorf("object does not exist: %w", storage.ErrPreconditionFailed)
			}
		case err != nil:
			return false, err
		case opts.IfNoneMatch:
			return false, fmt.Errorf("object exists: %w", storage.ErrPreconditionFailed)
		case cur.ETag != opts.IfMatch:
			return false, fmt.Errorf("etag is %s, not %s: %w", cur.ETag, opts.IfMatch, storage.ErrPreconditionFailed)
		}
	}
	if fi, err := os.Lstat(target); err == nil && fi.IsDir() {
		return false, errors.New("a directory is in the way")
	}
	if err := os.Rename(tmp, target); err != nil {
		return false, err
	}
	if err := s.syncDirs(filepath.Dir(target), newDir); err != nil {
		return true, err
	}
	if err := os.Rename(metaTmp, s.metaFile(key)); err != nil {
		return true, err
	}
	return true, syncDir(filepath.Dir(s.metaFile(key)))
}

// dropNewDir removes the folders a failed Put made for key, once their
// temporary files are gone: a folder is no object (a full disk).
func (s *Store) dropNewDir(key string, failed bool) {
	if failed {
		s.removeEmpty(filepath.Dir(s.file(key)), s.dir)
		s.removeEmpty(filepath.Dir(s.metaFile(key)), filepath.Join(s.dir, HiddenDir))
	}
}

// PutFile implements storage.FilePutter. The file is moved into place
// when it is on the store's file system (CreateStaged makes one that is),
// and copied otherwise; either way it is synced once.
func (s *Store) PutFile(ctx context.Context, key, path string, size int64, sum string, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := checkSum(sum); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	target := s.file(key)
	_, err := os.Stat(filepath.Dir(target))
	newDir := errors.Is(err, fs.ErrNotExist)
	renamed := false
	defer func() { s.dropNewDir(key, newDir && !renamed) }()
	tmp, moved, err := s.take(ctx, target, path, size)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	defer func() {
		if renamed {
			return
		}
		// The file goes back where it was, as it was.
		if moved {
			os.Rename(tmp, path)
		} else {
			os.Remove(tmp)
		}
	}()
	fi, err := os.Stat(tmp)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	m := &meta{
		Size:         fi.Size(),
		MtimeNS:      fi.ModTime().UnixNano(),
		FileID:       fileID(fi),
		ETag:         `"` + sum + `"`,
		ContentType:  opts.ContentType,
		CacheControl: opts.CacheControl,
		Metadata:     lowerKeys(opts.Metadata),
	}
	if m.ContentType == "" {
		m.ContentType = storage.ContentTypeFor(key)
	}
	renamed, err = s.commit(key, target, tmp, newDir, m, opts)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: put %s: %w", key, err)
	}
	return m.info(key, fi), nil
}

// take puts the file at path under a new temporary name beside target,
// by rename when it can (moved), else by a copy, and syncs it.
func (s *Store) take(ctx context.Context, target, path string, size int64) (tmp string, moved bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", false, err
	}
	if !fi.Mode().IsRegular() {
		return "", false, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() != size {
		return "", false, fmt.Errorf("%s is %d bytes, not %d", path, fi.Size(), size)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", false, err
	}
	t, err := os.CreateTemp(filepath.Dir(target), tmpPrefix+"*")
	if err != nil {
		return "", false, err
	}
	t.Close()
	tmp = t.Name()
	// Only the file itself is moved, never a link to it.
	if lfi, err := os.Lstat(path); err == nil && os.SameFile(lfi, fi) && os.Rename(path, tmp) == nil {
		// f is the file itself, under its new name.
		err := f.Chmod(0o644) // published files are for everyone
		if err == nil {
			err = f.Sync()
		}
		if err != nil {
			os.Rename(tmp, path)
			return "", false, err
		}
		return tmp, true, nil
	}
	// Another file system (or a name rename cannot take): copy.
	os.Remove(tmp)
	tmp, _, err = s.writeTemp(ctx, target, f, size)
	return tmp, false, err
}

// checkSum refuses what is not a hex SHA-256: PutFile's sum becomes the
// object's ETag as it is.
func checkSum(sum string) error {
	if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
		return fmt.Errorf("%q is not a hex SHA-256", sum)
	}
	return nil
}

// CreateStaged implements storage.Stager: a temporary file in the store's
// hidden folder, on its file system, which PutFile takes by rename.
func (s *Store) CreateStaged() (*os.File, error) {
	dir := filepath.Join(s.dir, HiddenDir, "tmp")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("local: %w", err)
	}
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("local: %w", err)
	}
	return f, nil
}

// writeTemp copies r into a new temporary file beside target, hashing it on
// the way, and syncs it. It returns the temporary file's name.
func (s *Store) writeTemp(ctx context.Context, target string, r io.Reader, size int64) (string, hash.Hash, error) {
	if err := diskfault.Create(filepath.Join(filepath.Dir(target), tmpPrefix+"*")); err != nil {
		return "", nil, err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(target), tmpPrefix+"*")
	if err != nil {
		return "", nil, err
	}
	sum := sha256.New()
	w := io.MultiWriter(diskfault.Writer(f.Name(), f), sum)
	cr := ctxReader{ctx, r}
	if size >= 0 {
		var n int64
		n, err = io.CopyN(w, cr, size)
		if err == io.EOF {
			err = fmt.Errorf("content ended after %d of %d bytes: %w", n, size, io.ErrUnexpectedEOF)
		}
	} else {
		_, err = io.Copy(w, cr)
	}
	if err == nil {
		err = f.Chmod(0o644) // CreateTemp makes 0600; published files are for everyone
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", nil, err
	}
	return f.Name(), sum, nil
}

// writeMetaTemp writes key's sidecar to a temporary file beside it, which
// the caller renames over it, and returns the file's name.
func (s *Store) writeMetaTemp(key string, m *meta) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(s.metaFile(key))
	if err := diskfault.Create(filepath.Join(dir, tmpPrefix+"*")); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return "", err
	}
	_, err = diskfault.Writer(f.Name(), f).Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// readMeta returns key's sidecar when it describes fi, or nil.
func (s *Store) readMeta(key string, fi fs.FileInfo) *meta {
	b, err := os.ReadFile(s.metaFile(key))
	if err != nil {
		return nil
	}
	m := new(meta)
	if json.Unmarshal(b, m) != nil || !m.matches(fi) {
		return nil
	}
	return m
}

func (m *meta) info(key string, fi fs.FileInfo) storage.ObjectInfo {
	md := make(map[string]string, len(m.Metadata))
	for k, v := range m.Metadata {
		md[k] = v
	}
	return storage.ObjectInfo{
		Key:          key,
		Size:         fi.Size(),
		ETag:         m.ETag,
		ContentType:  m.ContentType,
		CacheControl: m.CacheControl,
		ModTime:      fi.ModTime(),
		Metadata:     md,
	}
}

// Get implements storage.Store. The returned reader is an *os.File.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.ObjectInfo, error) {
	f, info, err := s.open(ctx, key, true)
	if err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	return f, info, nil
}

// Open opens the object for serving: like Get, but it never reads the
// content to compute an ETag for a file without a valid sidecar (such a
// file gets an empty ETag), and the file can seek.
func (s *Store) Open(ctx context.Context, key string) (*os.File, storage.ObjectInfo, error) {
	return s.open(ctx, key, false)
}

func (s *Store) open(ctx context.Context, key string, needETag bool) (*os.File, storage.ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, storage.ObjectInfo{}, fmt.Errorf("local: get %s: %w", key, err)
	}
	unlock, err := s.lock(false)
	if err != nil {
		return nil, storage.ObjectInfo{}, fmt.Errorf("local: get %s: %w", key, err)
	}
	f, err := os.Open(s.file(key))
	if err != nil {
		unlock()
		return nil, storage.ObjectInfo{}, fmt.Errorf("local: get %s: %w", key, notExist(err))
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		err = fs.ErrNotExist
	}
	if err != nil {
		unlock()
		f.Close()
		return nil, storage.ObjectInfo{}, fmt.Errorf("local: get %s: %w", key, err)
	}
	m := s.readMeta(key, fi)
	unlock()
	if m == nil {
		m = &meta{ContentType: storage.ContentTypeFor(key)}
		if needETag {
			if m.ETag, err = hashFile(io.NewSectionReader(f, 0, fi.Size())); err != nil {
				f.Close()
				return nil, storage.ObjectInfo{}, fmt.Errorf("local: get %s: %w", key, err)
			}
		}
	}
	return f, m.info(key, fi), nil
}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: stat %s: %w", key, err)
	}
	unlock, err := s.lock(false)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: stat %s: %w", key, err)
	}
	defer unlock()
	info, err := s.stat(key, true)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("local: stat %s: %w", key, err)
	}
	return info, nil
}

// stat is Stat for a caller holding the lock.
func (s *Store) stat(key string, needETag bool) (storage.ObjectInfo, error) {
	name := s.file(key)
	fi, err := os.Stat(name)
	if err != nil {
		return storage.ObjectInfo{}, notExist(err)
	}
	if !fi.Mode().IsRegular() {
		return storage.ObjectInfo{}, fs.ErrNotExist
	}
	m := s.readMeta(key, fi)
	if m == nil {
		m = &meta{ContentType: storage.ContentTypeFor(key)}
		if needETag {
			f, err := os.Open(name)
			if err != nil {
				return storage.ObjectInfo{}, notExist(err)
			}
			m.ETag, err = hashFile(f)
			f.Close()
			if err != nil {
				return storage.ObjectInfo{}, err
			}
		}
	}
	return m.info(key, fi), nil
}

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("local: delete %s: %w", key, err)
	}
	if _, err := os.Stat(s.dir); errors.Is(err, fs.ErrNotExist) {
		return nil // nothing was ever written
	}
	unlock, err := s.lock(true)
	if err != nil {
		return fmt.Errorf("local: delete %s: %w", key, err)
	}
	defer unlock()
	name := s.file(key)
	if fi, err := os.Lstat(name); err != nil || fi.IsDir() {
		return nil
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("local: delete %s: %w", key, err)
	}
	if err := os.Remove(s.metaFile(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("local: delete %s: %w", key, err)
	}
	// A folder is no object: like S3's, it goes with its last object.
	s.removeEmpty(filepath.Dir(s.metaFile(key)), filepath.Join(s.dir, HiddenDir))
	return syncDir(s.removeEmpty(filepath.Dir(name), s.dir))
}

// removeEmpty removes dir and its parents below root while they are empty,
// and returns the first folder it left.
func (s *Store) removeEmpty(dir, root string) string {
	for dir != root && strings.HasPrefix(dir, root+string(filepath.Separator)) {
		if os.Remove(dir) != nil { // not empty, or gone
			break
		}
		dir = filepath.Dir(dir)
	}
	return dir
}

// List implements storage.Lister.
func (s *Store) List(ctx context.Context, prefix string) ([]storage.ObjectInfo, error) {
	// Walk only the deepest directory the prefix names.
	start := s.dir
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		if checkKey(prefix[:i]) != nil {
			return nil, nil // no key can start with it
		}
		start = s.file(prefix[:i])
	}
	var keys []string
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(s.dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if key == HiddenDir {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasPrefix(key, prefix) && checkKey(key) == nil {
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("local: list %q: %w", prefix, err)
	}
	sort.Strings(keys)
	infos := make([]storage.ObjectInfo, 0, len(keys))
	for _, key := range keys {
		info, err := s.Stat(ctx, key)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted since the walk
		}
		if err != nil {
			return nil, fmt.Errorf("local: list %q: %w", prefix, err)
		}
		infos = append(infos, info)
	}
	return infos, nil
}

// Leftovers implements storage.Sweeper: the temporary files of writes that
// never finished, beside their targets or the metadata sidecars, last
// written before the time given.
func (s *Store) Leftovers(ctx context.Context, before time.Time) ([]storage.Leftover, error) {
	var out []storage.Leftover
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), tmpPrefix) {
			return nil
		}
		fi, err := d.Info()
		if err != nil || !fi.ModTime().Before(before) {
			return nil // gone since, or still being written
		}
		rel, err := filepath.Rel(s.dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		out = append(out, storage.Leftover{Name: rel, Started: fi.ModTime(), Size: fi.Size(), ID: rel})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("local: leftovers: %w", err)
	}
	return out, nil
}

// RemoveLeftover implements storage.Sweeper.
func (s *Store) RemoveLeftover(ctx context.Context, l storage.Leftover) error {
	if !strings.HasPrefix(path.Base(l.ID), tmpPrefix) || !filepath.IsLocal(filepath.FromSlash(l.ID)) {
		return fmt.Errorf("local: %q is not a temporary file of the store: %w", l.ID, fs.ErrInvalid)
	}
	if err := os.Remove(filepath.Join(s.dir, filepath.FromSlash(l.ID))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("local: remove %s: %w", l.ID, err)
	}
	return nil
}

// lock takes the store's lock, exclusive for writers, shared for readers.
// Readers of a store nobody has written to yet need no lock.
func (s *Store) lock(exclusive bool) (unlock func(), err error) {
	name := s.lockFile()
	if exclusive {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if !exclusive && err != nil {
		// A read-only directory, or one never written to: there is no
		// writer to exclude.
		if f, err = os.Open(name); err != nil {
			return func() {}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if err := flock(f, exclusive); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() {
		funlock(f, exclusive)
		f.Close()
	}, nil
}

// syncDirs syncs dir and, when Put had to create it, every directory above
// it up to the store's parent, so that the new directories' entries are on
// disk too.
func (s *Store) syncDirs(dir string, created bool) error {
	if err := syncDir(dir); err != nil || !created {
		return err
	}
	stop := filepath.Dir(s.dir)
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		if err := syncDir(d); err != nil {
			return err
		}
		if d == stop || d == filepath.Dir(d) {
			return nil
		}
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

func hashFile(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return `"` + hex.EncodeToString(h.Sum(nil)) + `"`, nil
}

// notExist makes "a parent is a file" (ENOTDIR) mean not-exist too.
func notExist(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && isNotDir(pe.Err) {
		return fs.ErrNotExist
	}
	return err
}

func lowerKeys(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// ctxReader stops a copy when the context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
