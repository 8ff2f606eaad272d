// Package serve serves a local published directory (a storage/local store)
// over HTTP, the way a podcast app or a browser on the LAN needs it: each
// object with the Content-Type and Cache-Control it was published with,
// HEAD and byte ranges (players seek in audio with Range requests),
// conditional requests on the ETag, and CORS open to every origin so that
// web players and validators can fetch the feed. podpipe's own files (the
// hidden .podpipe folder, temporary files) are never served.
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
	"strings"

	"github.com/podpipe/podpipe/storage/local"
)

// Handler returns the handler serving dir.
func Handler(dir string) http.Handler {
	st, err := local.New(dir)
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		})
	}
	return &handler{st: st}
}

type handler struct{ st *local.Store }

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
	f, info, err := h.st.Open(r.Context(), key)
	if err != nil {
		if fi, serr := os.Stat(filepath.Join(h.st.Dir(), filepath.FromSlash(key))); serr == nil && fi.IsDir() {
			http.Redirect(w, r, path.Base(urlPath)+"/", http.StatusMovedPermanently)
			return
		}
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "cannot read "+key, http.StatusInternalServerError)
		return
	}
	defer f.Close()
	hdr := w.Header()
	hdr.Set("Content-Type", info.ContentType) // ServeContent does not sniff when set
	if info.CacheControl != "" {
		hdr.Set("Cache-Control", info.CacheControl)
	}
	if info.ETag != "" {
		hdr.Set("ETag", info.ETag) // ServeContent answers If-None-Match and If-Range with it
	}
	http.ServeContent(w, r, key, info.ModTime, f)
}

var listing = template.Must(template.New("").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>/{{.Dir}}</title></head>
<body><h1>/{{.Dir}}</h1><ul>
{{range .Entries}}<li><a href="./{{.}}">{{.}}</a></li>
{{end}}</ul></body></html>
`))

// serveDir serves the folder's index.html, or a list of what is in it.
func (h *handler) serveDir(w http.ResponseWriter, r *http.Request, dir string) {
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	if _, err := h.st.Stat(r.Context(), prefix+"index.html"); err == nil {
		h.serveFile(w, r, prefix+"index.html", r.URL.Path+"index.html")
		return
	}
	infos, err := h.st.List(r.Context(), prefix)
	if err != nil {
		http.Error(w, "cannot list /"+dir, http.StatusInternalServerError)
		return
	}
	var entries []string
	seen := map[string]bool{}
	for _, info := range infos {
		name := strings.TrimPrefix(info.Key, prefix)
		if i := strings.Index(name, "/"); i >= 0 {
			name = name[:i+1] // a sub-folder
		}
		if !seen[name] && !hidden(name) {
			seen[name] = true
			entries = append(entries, name)
		}
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
