// Package editor is the chapter editor of `podpipe edit`: an HTTP handler
// serving one small embedded page (no framework) that plays an episode's
// audio over its waveform, lists its timed transcript and lets an editor
// add, move, rename and delete chapters, save them to the episode's
// chapters file and run `chapters regenerate`.
//
//	ed, err := p.Edit(ctx, "02-kubernetes-cost") // a *pipeline.Editing
//	h, err := editor.New(ed, editor.Options{Regenerate: regenerate})
//	http.Serve(l, h) // l on 127.0.0.1; open "http://" + l.Addr().String() + h.Path()
//
// The handler is for one person on one machine: it answers only requests
// addressed to a loopback host (so that a web page cannot reach it through
// a DNS name rebound to 127.0.0.1), refuses requests other origins make,
// and every API call carries the session's token, a random string the URL
// printed to the terminal holds and the page keeps. The only file it
// writes is the episode's chapters file, atomically.
package editor

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/pipeline"
	"github.com/podpipe/podpipe/transcript"
)

//go:embed page.html page.css page.js
var pageFiles embed.FS

// TokenHeader is the request header that carries the session's token.
const TokenHeader = "X-Podpipe-Token"

// Options configure a Handler.
type Options struct {
	// Regenerate runs `podpipe chapters regenerate` for the episode,
	// writing its log to log. Nil disables the page's button.
	Regenerate func(ctx context.Context, log io.Writer) error
	// Token is the session's token; empty for a random one.
	Token string
}

// Handler serves the editor of one episode.
type Handler struct {
	ed    *pipeline.Editing
	opt   Options
	token string
	mux   *http.ServeMux

	mu       sync.Mutex // serialises saves and regenerations, guards the fields below
	chapters []chapters.Chapter
	source   string
	warnings []string

	peaksOnce sync.Once
	peaks     *peaks
}

// New returns the editor of the episode ed, which Pipeline.Edit loaded.
func New(ed *pipeline.Editing, opt Options) (*Handler, error) {
	h := &Handler{ed: ed, opt: opt, token: opt.Token, chapters: ed.Chapters, source: ed.ChaptersSource}
	if h.token == "" {
		h.token = rand.Text()
	}
	h.warnings = append(h.warnings, ed.Warnings...)
	if src := ed.ChaptersSource; strings.HasSuffix(src, ".json") || strings.HasSuffix(src, ".JSON") {
		h.warnings = append(h.warnings, fmt.Sprintf("the chapters come from %s; Save writes %s, which takes precedence over it from then on", src, filepath.Base(ed.ChaptersFile)))
	}
	for _, c := range ed.Chapters {
		// The chapters text format holds a start, a title and a link.
		if c.Image != "" || c.Hidden {
			h.warnings = append(h.warnings, fmt.Sprintf("chapter %q has an image or is hidden (toc: false): %s cannot hold that, and saving drops it", c.Title, filepath.Base(ed.ChaptersFile)))
		}
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /{$}", h.page("page.html", "text/html; charset=utf-8"))
	h.mux.HandleFunc("GET /page.css", h.page("page.css", "text/css; charset=utf-8"))
	h.mux.HandleFunc("GET /page.js", h.page("page.js", "text/javascript; charset=utf-8"))
	h.mux.HandleFunc("GET /audio", h.audio)
	h.mux.HandleFunc("GET /api/episode", h.api(h.episode))
	h.mux.HandleFunc("GET /api/peaks", h.api(h.servePeaks))
	h.mux.HandleFunc("POST /api/chapters", h.api(h.save))
	h.mux.HandleFunc("POST /api/regenerate", h.api(h.regenerate))
	return h, nil
}

// Token is the session's token.
func (h *Handler) Token() string { return h.token }

// Path is the page's path and query, token included: the address to open
// is "http://" + the listener's address + Path().
func (h *Handler) Path() string { return "/?token=" + url.QueryEscape(h.token) }

// ServeHTTP refuses a request not addressed to a loopback host or made by
// another site, then serves it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	if !loopbackHost(r.Host) {
		httpError(w, http.StatusForbidden, fmt.Sprintf("host %q: the editor answers only at 127.0.0.1, [::1] or localhost", r.Host))
		return
	}
	// Navigating to the page from anywhere is fine (it shows nothing
	// without the token); anything else must come from the page itself.
	navigation := r.Method == http.MethodGet && r.URL.Path == "/" && r.Header.Get("Sec-Fetch-Mode") == "navigate"
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" && !navigation {
		httpError(w, http.StatusForbidden, "request made by another site ("+site+")")
		return
	}
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
		httpError(w, http.StatusForbidden, "request made by another origin ("+o+")")
		return
	}
	h.mux.ServeHTTP(w, r)
}

// loopbackHost reports whether the Host header names this machine by a
// loopback address or "localhost".
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func (h *Handler) page(name, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data, err := pageFiles.ReadFile(name)
		if err != nil {
			httpError(w, http.StatusInternalServerError, err.Error())
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(data)
	}
}

// audio serves the episode's source audio with byte ranges, so that the
// browser streams it and seeks in it.
func (h *Handler) audio(w http.ResponseWriter, r *http.Request) {
	f, err := os.Open(h.ed.Audio)
	if err != nil {
		httpError(w, http.StatusInternalServerError, h.ed.AudioName+": "+err.Error())
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		httpError(w, http.StatusInternalServerError, h.ed.AudioName+": "+err.Error())
		return
	}
	ct := "audio/mpeg"
	if strings.EqualFold(filepath.Ext(h.ed.Audio), ".m4a") {
		ct = "audio/mp4"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// api wraps an API endpoint: the token must be in its header.
func (h *Handler) api(f func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get(TokenHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(h.token)) != 1 {
			httpError(w, http.StatusForbidden, "missing or wrong "+TokenHeader+": open the address podpipe edit printed")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		f(w, r)
	}
}

// The JSON the page reads. Times are seconds on whole milliseconds.

type jsonChapter struct {
	Start float64 `json:"start"`
	Title string  `json:"title"`
	URL   string  `json:"url,omitempty"`
}

type jsonUnit struct {
	Start   float64 `json:"start"`
	End     float64 `json:"end"`
	Speaker string  `json:"speaker,omitempty"`
	Text    string  `json:"text"`
	Cue     bool    `json:"cue,omitempty"`
	Section string  `json:"section,omitempty"` // the heading this unit is the first of
}

type jsonEpisode struct {
	Slug         string        `json:"slug"`
	Title        string        `json:"title"`
	Audio        string        `json:"audio"`
	Duration     float64       `json:"duration"`
	Timing       string        `json:"timing"`
	Units        []jsonUnit    `json:"units"`
	Chapters     []jsonChapter `json:"chapters"`
	Source       string        `json:"source"`
	ChaptersFile string        `json:"chaptersFile"`
	Version      string        `json:"version"` // of the chapters file; "" when there is none
	Regenerate   bool          `json:"regenerate"`
	Warnings     []string      `json:"warnings"`
}

func toJSONChapters(list []chapters.Chapter) []jsonChapter {
	out := make([]jsonChapter, 0, len(list))
	for _, c := range list {
		out = append(out, jsonChapter{Start: transcript.ToSeconds(c.Start), Title: c.Title, URL: c.URL})
	}
	return out
}

func (h *Handler) episode(w http.ResponseWriter, r *http.Request) {
	t := h.ed.Transcript
	firstOf := map[int]string{}
	for _, s := range t.Sections {
		if !s.Notes {
			firstOf[s.Unit] = s.Title
		}
	}
	units := make([]jsonUnit, 0, len(t.Units))
	for i, u := range t.Units {
		units = append(units, jsonUnit{
			Start: transcript.ToSeconds(u.Start), End: transcript.ToSeconds(u.End),
			Speaker: u.Speaker, Text: u.Text, Cue: u.Kind == transcript.Cue, Section: firstOf[i],
		})
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	version, err := fileVersion(h.ed.ChaptersFile)
	if err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, jsonEpisode{
		Slug: h.ed.Slug, Title: h.ed.Title, Audio: h.ed.AudioName,
		Duration: transcript.ToSeconds(h.ed.Duration), Timing: h.ed.Timing,
		Units: units, Chapters: toJSONChapters(h.chapters), Source: h.source,
		ChaptersFile: displayPath(h.ed.ChaptersFile), Version: version,
		Regenerate: h.opt.Regenerate != nil, Warnings: append([]string{}, h.warnings...),
	})
}

func (h *Handler) servePeaks(w http.ResponseWriter, r *http.Request) {
	h.peaksOnce.Do(func() { h.peaks = computePeaks(h.ed.Audio, h.ed.AudioName) })
	writeJSON(w, http.StatusOK, h.peaks)
}

type saveRequest struct {
	Version  string        `json:"version"` // the version the page loaded
	Chapters []jsonChapter `json:"chapters"`
}

type saveResponse struct {
	Version  string        `json:"version"`
	Chapters []jsonChapter `json:"chapters"`
	Source   string        `json:"source"`
	Warnings []string      `json:"warnings"`
}

// save checks the page's chapters and writes them to the chapters file.
func (h *Handler) save(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		httpError(w, http.StatusUnsupportedMediaType, "want Content-Type application/json")
		return
	}
	var req saveRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		httpError(w, http.StatusBadRequest, "the request: "+err.Error())
		return
	}
	list := make([]chapters.Chapter, 0, len(req.Chapters))
	for i, c := range req.Chapters {
		start, err := transcript.FromSeconds(c.Start)
		if err != nil {
			httpError(w, http.StatusUnprocessableEntity, fmt.Sprintf("chapter %d (%q): %v", i+1, c.Title, err))
			return
		}
		list = append(list, chapters.Chapter{Start: start, Title: c.Title, URL: c.URL})
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	text, warnings, err := encodeText(list, h.ed.Duration, h.ed.ChaptersFile)
	if err != nil {
		httpError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	cur, err := fileVersion(h.ed.ChaptersFile)
	if err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if cur != req.Version {
		httpError(w, http.StatusConflict, displayPath(h.ed.ChaptersFile)+" changed on disk since the editor read it: reload the page (your edits would overwrite it)")
		return
	}
	if err := writeAtomic(h.ed.ChaptersFile, text); err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	saved, err := chapters.Parse(h.ed.ChaptersFile, bytes.NewReader(text))
	if err != nil { // encodeText read it back already
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	h.chapters, h.source = saved, displayPath(h.ed.ChaptersFile)
	writeJSON(w, http.StatusOK, saveResponse{Version: versionOf(text), Chapters: toJSONChapters(saved), Source: h.source, Warnings: warnings})
}

type regenerateResponse struct {
	OK    bool     `json:"ok"`
	Log   []string `json:"log"`
	Error string   `json:"error,omitempty"`
}

// regenerate runs `chapters regenerate` and returns its log.
func (h *Handler) regenerate(w http.ResponseWriter, r *http.Request) {
	if h.opt.Regenerate == nil {
		httpError(w, http.StatusNotFound, "regenerate is not available in this session")
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var log bytes.Buffer
	err := h.opt.Regenerate(r.Context(), &log)
	res := regenerateResponse{OK: err == nil, Log: strings.Split(strings.TrimRight(log.String(), "\n"), "\n")}
	status := http.StatusOK
	if err != nil {
		res.Error = err.Error()
		status = http.StatusInternalServerError
	}
	writeJSON(w, status, res)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func httpError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{msg})
}

// displayPath shortens a path for the page: relative to the working
// directory when it is below it.
func displayPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return p
}

// errNotRegular refuses to replace what is not a regular file.
var errNotRegular = errors.New("not a regular file")
