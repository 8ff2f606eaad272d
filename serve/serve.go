// Package serve serves a local published directory (a storage/local store)
// over HTTP, the way a podcast app or a browser on the LAN needs it: each
// object with the Content-Type and Cache-Control it was published with,
// HEAD and byte ranges (players seek in audio with Range requests),
// conditional requests on the ETag, and CORS open to every origin so that
// web players and validators can fetch the feed. Only regular files inside
// the directory are served: podpipe's own files (the hidden .podpipe
// folder, temporary files), links that lead out of the directory and
// FIFOs, sockets or devices never are.
//
//	http.ListenAndServe("127.0.0.1:8080", serve.Handler("public"))
package serve

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/podpipe/podpipe/storage/local"
)

// Handler returns the handler serving dir, which must exist.
//
// Only regular files inside dir are served. A symbolic link that stays
// inside dir is followed; one that leads out of it (to /etc/passwd, say)
// and anything that is not a regular file (a FIFO, a socket, a device)
// answer 404, as if they were not there.
func Handler(dir string) http.Handler {
	st, err := local.New(dir)
	var root *os.Root
	if err == nil {
		root, err = os.OpenRoot(dir)
	}
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		})
	}
	return &handler{root: root, st: st}
}

type handler struct {
	// root opens the files: it refuses paths and links that lead out of
	// the directory.
	root *os.Root
	// st gives the Content-Type, Cache-Control and ETag each object was
	// published with.
	st *local.Store
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Access-Control-Allow-Origin", "*")
	// Web players read these to seek and to show progress.
	hdr.Set("Access-Control-Expose-Headers", "Accept-Ranges, Content-Length, Content-Range, ETag")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		hdr.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		hdr.Set("Access-Control-Allow-Headers", "Range, If-None-Match, If-Modified-Since")
		hdr.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		hdr.Set("Allow", "GET, HEAD, OPTIONS")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	p := r.URL.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	key := strings.TrimPrefix(path.Clean(p), "/")
	if hidden(key) {
		http.NotFound(w, r)
		return
	}
	if key == "" || strings.HasSuffix(p, "/") {
		h.serveDir(w, r, key)
		return
	}
	h.serveFile(w, r, key, p)
}

// hidden reports whether a key names a dot file or lies in a dot folder:
// podpipe's .podpipe folder and temporary files, and anything else a
// publisher would not mean to publish.
func hidden(key string) bool {
	for _, seg := range strings.Split(key, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, key, urlPath string) {
	f, err := h.root.OpenFile(filepath.FromSlash(key), openFlags, 0)
	if err != nil {
		// Not there, or a link out of the directory: either way there
		// is nothing here to serve.
		if errors.Is(err, fs.ErrPermission) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		http.Error(w, "cannot read "+key, http.StatusInternalServerError)
		return
	}
	if fi.IsDir() {
		http.Redirect(w, r, path.Base(urlPath)+"/", http.StatusMovedPermanently)
		return
	}
	if !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	// The store knows how the object was published. It opens the file by
	// its own path, so make sure that is the file checked above.
	sf, info, err := h.st.Open(r.Context(), key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "cannot read "+key, http.StatusInternalServerError)
		return
	}
	sfi, err := sf.Stat()
	sf.Close()
	if err != nil || !os.SameFile(fi, sfi) {
		http.NotFound(w, r) // replaced while we looked
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", info.ContentType) // ServeContent does not sniff when set
	if info.CacheControl != "" {
		hdr.Set("Cache-Control", info.CacheControl)
	}
	if info.ETag != "" {
		hdr.Set("ETag", info.ETag) // ServeContent answers If-None-Match and If-Range with it
	}
	http.ServeContent(w, r, key, fi.ModTime(), f)
}

var listing = template.Must(template.New("").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>/{{.Dir}}</title></head>
<body><h1>/{{.Dir}}</h1><ul>
{{range .Entries}}<li><a href="./{{.}}">{{.}}</a></li>
{{end}}</ul></body></html>
`))

// serveDir serves the folder's index.html, or a list of what is in it:
// its files and the sub-folders that hold any, podpipe's own and other
// hidden ones left out.
func (h *handler) serveDir(w http.ResponseWriter, r *http.Request, dir string) {
	prefix, name := "", "."
	if dir != "" {
		prefix, name = dir+"/", filepath.FromSlash(dir)
	}
	if fi, err := h.root.Stat(name); err != nil || !fi.IsDir() {
		http.NotFound(w, r)
		return
	}
	if fi, err := h.root.Stat(filepath.Join(name, "index.html")); err == nil && fi.Mode().IsRegular() {
		h.serveFile(w, r, prefix+"index.html", r.URL.Path+"index.html")
		return
	}
	entries, err := h.list(dir)
	if err != nil {
		http.Error(w, "cannot list /"+dir, http.StatusInternalServerError)
		return
	}
	if len(entries) == 0 && dir != "" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method == http.MethodHead {
		return
	}
	if err := listing.Execute(w, struct {
		Dir     string
		Entries []string
	}{prefix, entries}); err != nil {
		fmt.Fprintln(w, err)
	}
}

// list names what dir holds that Handler would serve: its regular files,
// and as "name/" each sub-folder with such a file somewhere below it. A
// link counts as what it leads to when that is inside the directory.
func (h *handler) list(dir string) ([]string, error) {
	fsys := h.root.FS()
	start := "."
	if dir != "" {
		start = dir
	}
	var entries []string
	seen := map[string]bool{}
	err := fs.WalkDir(fsys, start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == start {
			return nil
		}
		if hidden(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, start), "/")
		top, _, deeper := strings.Cut(rel, "/")
		if seen[top+"/"] {
			return fs.SkipDir // this folder is listed already
		}
		mode := d.Type()
		if mode&fs.ModeSymlink != 0 {
			fi, err := fs.Stat(fsys, p) // fails for a link out of the directory
			if err != nil {
				return nil
			}
			mode = fi.Mode().Type()
		}
		switch {
		case mode.IsRegular() && !deeper:
			entries = append(entries, top)
		case mode.IsRegular(), mode.IsDir() && d.Type()&fs.ModeSymlink != 0:
			// A file in a sub-folder, or a linked folder, which is not
			// walked: links cannot loop.
			if !seen[top+"/"] {
				seen[top+"/"] = true
				entries = append(entries, top+"/")
			}
		}
		return nil
	})
	sort.Strings(entries)
	return entries, err
}
