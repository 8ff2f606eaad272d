// Package storage is where podpipe publishes: a small Store interface with
// one contract, implemented by a local directory (storage/local) and by any
// S3-compatible object store (storage/s3). Both pass the shared suite in
// storage/storagetest.
//
//	st, err := local.New("public")
//	info, err := st.Put(ctx, "feed.xml", f, size, storage.PutOptions{ContentType: "application/rss+xml"})
package storage

import (
	"context"
	"errors"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/transcript/formats"
)

// ErrPreconditionFailed is returned by Put when PutOptions.IfMatch or
// IfNoneMatch does not hold: someone else wrote the object in between.
var ErrPreconditionFailed = errors.New("storage: precondition failed")

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key          string
	Size         int64
	ETag         string // opaque; changes whenever the content changes
	ContentType  string
	CacheControl string
	ModTime      time.Time
	Metadata     map[string]string // user metadata set by Put (keys lower-case)
}

// PutOptions are the optional parts of a Put.
type PutOptions struct {
	ContentType  string            // always set by podpipe
	CacheControl string            // empty: the store's default
	Metadata     map[string]string // user metadata, e.g. "sha256"; keys lower-case ASCII
	IfMatch      string            // write only if the current ETag equals this
	IfNoneMatch  bool              // write only if the object does not exist
	// PartSHA256 is the hex SHA-256 of each part of the content, in
	// order, cut at the size a PartSummer store says (PartSize), or, with
	// FirstPart set, cut as FirstPart says: the store signs each part
	// with its sum instead of reading the part once more to hash it. The
	// server checks each part against its sum, so content that is not
	// what was hashed is refused. nil, sums of another number of parts,
	// or a FirstPart the store does not cut at: the store hashes the
	// parts, and never sends sums of a cut other than its own.
	PartSHA256 []string
	// FirstPart, when > 0 and the store uploads the content in parts,
	// is the size of the first part; the others are cut at PartSize
	// after it (the last may be shorter), and PartSHA256 then has the
	// sums of the parts cut that way. It lets parts 2..N be blocks the
	// caller already hashed at other offsets (the audio after a new
	// tag). A store that cannot cut there (a first part outside its
	// limits, content it cannot read at offsets: see the store) cuts as
	// without FirstPart and ignores PartSHA256. A store that does not
	// cut content into parts ignores it.
	FirstPart int64
}

// Store is a flat namespace of objects named by slash-separated keys.
//
// Every method turns "no such object" into an error that matches
// fs.ErrNotExist with errors.Is.
type Store interface {
	// Put stores size bytes read from r under key, replacing any object
	// there atomically: readers see the old object or the new one, never a
	// part. r is streamed: memory does not grow with size. A size of -1
	// means unknown. When a precondition in opts fails, Put returns an error
	// matching ErrPreconditionFailed and changes nothing.
	Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error)

	// Get opens the object for reading; the caller closes it.
	Get(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error)

	// Stat returns the object's info without its content.
	Stat(ctx context.Context, key string) (ObjectInfo, error)

	// Delete removes the object. Deleting a missing object is not an error.
	Delete(ctx context.Context, key string) error

	// String describes the store for messages, e.g. "s3://bucket/prefix"
	// or a directory path. It never contains credentials.
	String() string
}

// Lister is implemented by stores that can list their keys.
type Lister interface {
	// List returns every object whose key starts with prefix, sorted by key.
	List(ctx context.Context, prefix string) ([]ObjectInfo, error)
}

// FilePutter is implemented by stores that can store a file already on the
// local disk more cheaply than Put can stream it: a local store takes the
// file by rename, so its content is written once.
type FilePutter interface {
	// PutFile stores the content of the file at path under key, as Put
	// would, with the same atomicity and preconditions. size is the
	// file's size (a file of another size is refused); sum names its
	// content, a hex SHA-256 the caller computed without reading the file
	// again: the content's own, or one that changes whenever the content
	// does (a hash of what the file was made from). The store may keep
	// sum as the object's ETag instead of reading the file. The file need
	// not be synced; the store makes the object durable.
	//
	// The store may take the file itself: after PutFile succeeds it may
	// be gone from path. Hand it only a file made to be stored (a work
	// copy), never one to keep, such as a user's source. When PutFile
	// fails before the object is replaced (a failed precondition, say),
	// the file is still at path, unchanged.
	PutFile(ctx context.Context, key, path string, size int64, sum string, opts PutOptions) (ObjectInfo, error)
}

// PartSummer is implemented by stores that upload the content in parts,
// each signed with its SHA-256 (S3), and take the sums from
// PutOptions.PartSHA256 when the caller has them: one that reads the
// content anyway (to name it) then hashes its parts in the same read.
type PartSummer interface {
	// PartSize is the size of the parts a Put of size bytes is cut
	// into (the last one may be shorter), or of those after the first
	// with PutOptions.FirstPart.
	PartSize(size int64) int64
}

// Stager is implemented by stores that have a place of their own where a
// file for PutFile is best written: on the local store's file system, so
// that PutFile takes it by rename rather than copying it.
type Stager interface {
	// CreateStaged creates a new, empty file in that place for the caller
	// to write, close, and hand to PutFile or remove. One a killed run
	// left behind is a Leftover of the store's Sweeper.
	CreateStaged() (*os.File, error)
}

// Leftover is what an interrupted write (a killed podpipe) left in a store:
// a temporary file, an incomplete multipart upload. Neither is an object,
// but both take room, and an incomplete upload's parts are billed.
type Leftover struct {
	Name    string    // for messages: the key the write was for, or the file
	Started time.Time // when the write began
	Size    int64     // bytes it holds, when known; else -1
	ID      string    // the backend's handle for it
}

// Sweeper is implemented by stores where an interrupted Put can leave
// something behind.
type Sweeper interface {
	// Leftovers lists what writes started before the time given left
	// behind; never an object, never a write started after it.
	Leftovers(ctx context.Context, before time.Time) ([]Leftover, error)
	// RemoveLeftover removes one; removing one already gone is not an
	// error.
	RemoveLeftover(ctx context.Context, l Leftover) error
}

// Cache-Control values for Put. What an editor may change and is reached
// through a stable name (the feed, the manifest, an episode's HTML page) is
// cached briefly; an object whose name or URL changes with its content is
// cached for a year.
const (
	CacheShort     = "public, max-age=60"
	CacheImmutable = "public, max-age=31536000, immutable"
)

// ContentTypeFor returns the Content-Type podpipe publishes an object under,
// chosen by the key's extension: a published transcript format's from the
// formats table; a JSON file whose base name contains ".chapters." is a
// Podcasting 2.0 chapters file. Unknown extensions are
// application/octet-stream.
func ContentTypeFor(key string) string {
	base := path.Base(key)
	ext := strings.ToLower(path.Ext(base))
	if ext == ".json" && strings.Contains(strings.ToLower(base), ".chapters.") {
		return chapters.JSONType
	}
	if f := formats.ByExt(ext); f != nil && f.Published() {
		return f.ContentType()
	}
	if ct, ok := contentTypes[ext]; ok {
		return ct
	}
	return "application/octet-stream"
}

// contentTypes are the types of what is not a transcript.
var contentTypes = map[string]string{
	".mp3":  "audio/mpeg",
	".m4a":  "audio/x-m4a",
	".xml":  "application/rss+xml",
	".rss":  "application/rss+xml",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".webp": "image/webp",
	".svg":  "image/svg+xml",
}
