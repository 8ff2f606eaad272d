package editor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/pipeline"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

const sample = "../episodes/02-kubernetes-cost"

// newEditing is the sample episode as Pipeline.Edit returns it, its files
// copied into a temporary folder, which it returns too.
func newEditing(t *testing.T) (*pipeline.Editing, string) {
	t.Helper()
	dir := t.TempDir()
	for _, ext := range []string{".md", ".mp3", ".chapters.txt"} {
		data, err := os.ReadFile(sample + ext)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "ep"+ext), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, _ := os.ReadFile(filepath.Join(dir, "ep.md"))
	tr, err := markdown.Parse("ep.md", src)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "ep.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := mp3.Probe(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := (transcript.Proportional{}).Time(context.Background(), tr, transcript.Audio{Duration: info.Duration}); err != nil {
		t.Fatal(err)
	}
	chf := filepath.Join(dir, "ep.chapters.txt")
	cf, _ := os.Open(chf)
	list, err := chapters.Parse(chf, cf)
	cf.Close()
	if err != nil {
		t.Fatal(err)
	}
	return &pipeline.Editing{
		Slug: "ep", Title: tr.Title, Audio: filepath.Join(dir, "ep.mp3"), AudioName: "ep.mp3",
		Duration: info.Duration, Transcript: tr, Timing: "estimated",
		Chapters: list, ChaptersSource: chf, ChaptersFile: chf,
	}, dir
}

func newHandler(t *testing.T, regenerate func(context.Context, io.Writer) error) (*Handler, *pipeline.Editing, string) {
	t.Helper()
	ed, dir := newEditing(t)
	h, err := New(ed, Options{Token: "secret-token", Regenerate: regenerate})
	if err != nil {
		t.Fatal(err)
	}
	return h, ed, dir
}

type request struct {
	method, path, body string
	header             map[string]string
}

func (h *Handler) do(r request) *httptest.ResponseRecorder {
	req := httptest.NewRequest(r.method, "http://127.0.0.1:1234"+r.path, strings.NewReader(r.body))
	for k, v := range r.header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// pageHeaders are what the page's own fetch sends.
func pageHeaders(extra ...string) map[string]string {
	m := map[string]string{TokenHeader: "secret-token", "Origin": "http://127.0.0.1:1234", "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			delete(m, extra[i])
		} else {
			m[extra[i]] = extra[i+1]
		}
	}
	return m
}

// TestRefused: a write (or an API read) without the token, with a wrong
// one, from another origin or site, or addressed to a host that is not
// this machine's loopback (DNS rebinding) is refused, and the chapters
// file is untouched.
func TestRefused(t *testing.T) {
	regenerated := 0
	h, ed, _ := newHandler(t, func(context.Context, io.Writer) error { regenerated++; return nil })
	before, _ := os.ReadFile(ed.ChaptersFile)
	body := `{"version":"` + versionOf(before) + `","chapters":[{"start":0,"title":"Hijacked"}]}`
	tests := []struct {
		name string
		r    request
	}{
		{"no token", request{"POST", "/api/chapters", body, pageHeaders(TokenHeader, "")}},
		{"wrong token", request{"POST", "/api/chapters", body, pageHeaders(TokenHeader, "secret-tokeN")}},
		{"token in the query only", request{"POST", "/api/chapters?token=secret-token", body, pageHeaders(TokenHeader, "")}},
		{"another origin", request{"POST", "/api/chapters", body, pageHeaders("Origin", "http://evil.example")}},
		{"another port", request{"POST", "/api/chapters", body, pageHeaders("Origin", "http://127.0.0.1:9999")}},
		{"cross-site", request{"POST", "/api/chapters", body, pageHeaders("Sec-Fetch-Site", "cross-site")}},
		{"same-site", request{"POST", "/api/chapters", body, pageHeaders("Sec-Fetch-Site", "same-site")}},
		{"rebound host", request{"POST", "/api/chapters", body, pageHeaders("Host", "evil.example:1234", "Origin", "http://evil.example:1234")}},
		{"regenerate without token", request{"POST", "/api/regenerate", "", pageHeaders(TokenHeader, "")}},
		{"regenerate from another origin", request{"POST", "/api/regenerate", "", pageHeaders("Origin", "null")}},
		{"read without token", request{"GET", "/api/episode", "", pageHeaders(TokenHeader, "")}},
		{"audio for another site", request{"GET", "/audio", "", map[string]string{"Sec-Fetch-Site": "cross-site"}}},
	}
	for _, tt := range tests {
		w := h.do(tt.r)
		if w.Code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403: %s", tt.name, w.Code, w.Body)
		}
	}
	after, _ := os.ReadFile(ed.ChaptersFile)
	if !bytes.Equal(before, after) || regenerated != 0 {
		t.Errorf("a refused request wrote: file changed %v, regenerated %d times", !bytes.Equal(before, after), regenerated)
	}
	// The same save with the token, from the page, goes through; so
	// does one without Origin or Sec-Fetch-* (curl), token given.
	if w := h.do(request{"POST", "/api/chapters", body, pageHeaders()}); w.Code != http.StatusOK {
		t.Errorf("the page's save: status %d: %s", w.Code, w.Body)
	}
	if w := h.do(request{"GET", "/api/episode", "", map[string]string{TokenHeader: "secret-token"}}); w.Code != http.StatusOK {
		t.Errorf("curl's read: status %d: %s", w.Code, w.Body)
	}
	// Navigating to the page from elsewhere is allowed: it holds no data.
	if w := h.do(request{"GET", "/", "", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}}); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "podpipe edit") {
		t.Errorf("the page: status %d", w.Code)
	}
}

// TestSave: a save writes the chapters text file, which chapters.Parse
// reads back as the editor sent it, and nothing else in the folder.
func TestSave(t *testing.T) {
	h, ed, dir := newHandler(t, nil)
	listDir := func() []string {
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	namesBefore := listDir()
	mp3Before, _ := os.ReadFile(ed.Audio)
	mdBefore, _ := os.ReadFile(filepath.Join(dir, "ep.md"))

	var ep jsonEpisode
	if err := json.Unmarshal(h.do(request{"GET", "/api/episode", "", pageHeaders()}).Body.Bytes(), &ep); err != nil {
		t.Fatal(err)
	}
	if len(ep.Units) != len(ed.Transcript.Units) || ep.Units[2].Start != transcript.ToSeconds(ed.Transcript.Units[2].Start) || ep.Version == "" {
		t.Fatalf("episode: %d units, version %q", len(ep.Units), ep.Version)
	}
	chs := append(ep.Chapters, jsonChapter{Start: 33.3333, Title: "  新的一章  "}, jsonChapter{Start: 50.5, Title: "- starts with a dash", URL: "https://example.org/x"})
	req, _ := json.Marshal(saveRequest{Version: ep.Version, Chapters: chs})
	w := h.do(request{"POST", "/api/chapters", string(req), pageHeaders()})
	if w.Code != http.StatusOK {
		t.Fatalf("save: %d %s", w.Code, w.Body)
	}
	var res saveResponse
	json.Unmarshal(w.Body.Bytes(), &res)

	data, err := os.ReadFile(ed.ChaptersFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chapters.Parse(ed.ChaptersFile, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the saved file does not parse: %v\n%s", err, data)
	}
	want := []chapters.Chapter{
		{Start: 0, Title: "開場"},
		{Start: 11 * time.Second, Title: "閒置的 CPU 與 request"},
		{Start: 24 * time.Second, Title: "讓每個團隊看見帳單"},
		{Start: 33333 * time.Millisecond, Title: "新的一章"},
		{Start: 45 * time.Second, Title: "現場問答"},
		{Start: 50500 * time.Millisecond, Title: "- starts with a dash", URL: "https://example.org/x"},
	}
	if len(got) != len(want) {
		t.Fatalf("saved %d chapters, want %d:\n%s", len(got), len(want), data)
	}
	for i := range want {
		if got[i].Start != want[i].Start || got[i].Title != want[i].Title || got[i].URL != want[i].URL {
			t.Errorf("chapter %d: %v %q <%s>, want %v %q <%s>", i, got[i].Start, got[i].Title, got[i].URL, want[i].Start, want[i].Title, want[i].URL)
		}
	}
	if res.Version != versionOf(data) || len(res.Chapters) != len(want) {
		t.Errorf("response: version %q (file %q), %d chapters", res.Version, versionOf(data), len(res.Chapters))
	}
	if names := listDir(); !slices.Equal(names, namesBefore) {
		t.Errorf("the folder holds %v after the save, %v before", names, namesBefore)
	}
	mp3After, _ := os.ReadFile(ed.Audio)
	mdAfter, _ := os.ReadFile(filepath.Join(dir, "ep.md"))
	if !bytes.Equal(mp3Before, mp3After) || !bytes.Equal(mdBefore, mdAfter) {
		t.Error("a save modified the episode's audio or transcript")
	}

	// The page's old version is now stale: its save would overwrite the
	// file, and is refused.
	if w := h.do(request{"POST", "/api/chapters", string(req), pageHeaders()}); w.Code != http.StatusConflict {
		t.Errorf("a save from a stale version: %d %s", w.Code, w.Body)
	}
	// So is one after the file changed on disk.
	os.WriteFile(ed.ChaptersFile, []byte("00:00 Edited by hand\n"), 0o644)
	req, _ = json.Marshal(saveRequest{Version: res.Version, Chapters: chs})
	if w := h.do(request{"POST", "/api/chapters", string(req), pageHeaders()}); w.Code != http.StatusConflict {
		t.Errorf("a save over a file changed on disk: %d %s", w.Code, w.Body)
	}
}

// TestSaveRefusesBadChapters: chapters a publish would refuse, or the
// text format could not give back, are refused with a message naming
// the chapter; the file is untouched.
func TestSaveRefusesBadChapters(t *testing.T) {
	h, ed, _ := newHandler(t, nil)
	before, _ := os.ReadFile(ed.ChaptersFile)
	tests := []struct {
		chapters string
		want     string
	}{
		{`[{"start":0,"title":"A"},{"start":10,"title":"  "}]`, "has no title"},
		{`[{"start":0,"title":"A"},{"start":0,"title":"B"}]`, `starts at 00:00:00.000, as "A" does`},
		{`[{"start":0,"title":"A"},{"start":999,"title":"Late"}]`, "after the end of the audio"},
		{`[{"start":0,"title":"A\nB"}]`, "a title is one line"},
		{`[{"start":-1,"title":"A"}]`, `chapter 1 ("A")`},
		{`[{"start":0,"title":"A"},{"start":5,"title":"B","url":"javascript:alert(1)"}]`, "javascript"},
		{`[{"start":0,"title":"See <https://example.org/>"}]`, "would read it back"},
		{`[]`, "no chapters"},
	}
	for _, tt := range tests {
		body := `{"version":"` + versionOf(before) + `","chapters":` + tt.chapters + `}`
		w := h.do(request{"POST", "/api/chapters", body, pageHeaders()})
		var res struct{ Error string }
		json.Unmarshal(w.Body.Bytes(), &res)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Error, tt.want) {
			t.Errorf("%s: %d %q, want 422 with %q", tt.chapters, w.Code, res.Error, tt.want)
		}
	}
	if w := h.do(request{"POST", "/api/chapters", `{"chapters":[],"extra":1}`, pageHeaders()}); w.Code != http.StatusBadRequest {
		t.Errorf("unknown field: %d", w.Code)
	}
	if w := h.do(request{"POST", "/api/chapters", `{}`, pageHeaders("Content-Type", "text/plain")}); w.Code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain (a form could send it): %d", w.Code)
	}
	after, _ := os.ReadFile(ed.ChaptersFile)
	if !bytes.Equal(before, after) {
		t.Errorf("a refused save changed the file:\n%s", after)
	}
}

// TestPeaks: the waveform covers the audio, 100 pairs a second, each
// pair a min at most its max, and is not silence.
func TestPeaks(t *testing.T) {
	h, ed, _ := newHandler(t, nil)
	w := h.do(request{"GET", "/api/peaks", "", pageHeaders()})
	var p peaks
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Error != "" {
		t.Fatalf("peaks: %v %q", err, p.Error)
	}
	pairs := len(p.Peaks) / 2
	want := ed.Duration.Seconds() * PeaksPerSecond
	if p.Rate != PeaksPerSecond || math.Abs(float64(pairs)-want) > 0.1*PeaksPerSecond {
		t.Errorf("%d pairs at %d a second for %v of audio, want about %.0f", pairs, p.Rate, ed.Duration, want)
	}
	loud := 0
	for i := 0; i+1 < len(p.Peaks); i += 2 {
		lo, hi := int8(p.Peaks[i]), int8(p.Peaks[i+1])
		if lo > hi {
			t.Fatalf("pair %d: min %d > max %d", i/2, lo, hi)
		}
		if hi-lo > 20 {
			loud++
		}
	}
	if loud < pairs/4 {
		t.Errorf("only %d of %d pairs are above silence: the speech is not in the waveform", loud, pairs)
	}
}

// TestPeaksNotMP3: audio the decoder cannot read gives an empty waveform
// that says why, not an error page.
func TestPeaksNotMP3(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.m4a")
	os.WriteFile(p, []byte("\x00\x00\x00\x18ftypM4A not really"), 0o644)
	got := computePeaks(p, "x.m4a")
	if len(got.Peaks) != 0 || !strings.Contains(got.Error, "x.m4a: no waveform") {
		t.Errorf("peaks of an m4a: %d bytes, error %q", len(got.Peaks), got.Error)
	}
}

// TestRegenerate returns the command's log, and its error.
func TestRegenerate(t *testing.T) {
	fail := false
	h, _, _ := newHandler(t, func(ctx context.Context, log io.Writer) error {
		io.WriteString(log, "built: ep\n1 uploaded\n")
		if fail {
			return errors.New("store unreachable")
		}
		return nil
	})
	var res regenerateResponse
	w := h.do(request{"POST", "/api/regenerate", "", pageHeaders()})
	json.Unmarshal(w.Body.Bytes(), &res)
	if w.Code != 200 || !res.OK || !slices.Equal(res.Log, []string{"built: ep", "1 uploaded"}) {
		t.Errorf("regenerate: %d %+v", w.Code, res)
	}
	fail = true
	res = regenerateResponse{}
	w = h.do(request{"POST", "/api/regenerate", "", pageHeaders()})
	json.Unmarshal(w.Body.Bytes(), &res)
	if w.Code != 500 || res.OK || res.Error != "store unreachable" || len(res.Log) != 2 {
		t.Errorf("failed regenerate: %d %+v", w.Code, res)
	}
}

// TestAudioRanges: the audio is served in byte ranges, as a browser seeks.
func TestAudioRanges(t *testing.T) {
	h, ed, _ := newHandler(t, nil)
	w := h.do(request{"GET", "/audio", "", map[string]string{"Range": "bytes=100-199", "Sec-Fetch-Site": "same-origin"}})
	data, _ := os.ReadFile(ed.Audio)
	if w.Code != http.StatusPartialContent || !bytes.Equal(w.Body.Bytes(), data[100:200]) || w.Header().Get("Content-Type") != "audio/mpeg" {
		t.Errorf("range: %d, %d bytes, %s", w.Code, w.Body.Len(), w.Header().Get("Content-Type"))
	}
}
