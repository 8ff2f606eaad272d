package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/editor"
	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/internal/testtool/headless"
)

const editSlug = "02-kubernetes-cost"

// stepWait bounds each wait of the editor tests for the page or the
// server. A step takes well under a second on an idle machine; under the
// race detector on a loaded machine the page took over 20 s to be ready
// (its waveform is the MP3 decoded in Go). A wait ends as soon as the
// step is done: the bound only stops a test that hangs.
const stepWait = 2 * time.Minute

// editShow copies the sample show's config, cover and one episode into a
// temporary folder, which publishes to its own public/; it returns the
// config's path.
func editShow(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "episodes"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"config.toml", "cover.jpg", "episodes/" + editSlug + ".md", "episodes/" + editSlug + ".mp3", "episodes/" + editSlug + ".chapters.txt"} {
		if err := copyOne(filepath.Join("..", "..", name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "config.toml")
}

// startEdit runs `podpipe edit --align none` on the show until the test
// ends, and returns the page's address.
func startEdit(t *testing.T, cfgPath string) (pageURL string, out *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = new(lockedBuffer)
	done := make(chan error, 1)
	go func() {
		opts := editOptions{pipelineOptions: pipelineOptions{align: "none"}, addr: "127.0.0.1:0"}
		done <- runEdit(ctx, opts, globalOptions{config: cfgPath}, []string{editSlug}, out)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("runEdit: %v", err)
			}
		case <-time.After(stepWait):
			t.Error("runEdit did not stop after cancel")
		}
	})
	for deadline := time.Now().Add(stepWait); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, line := range strings.Split(out.String(), "\n") {
			if u, ok := strings.CutPrefix(line, "open "); ok {
				return u, out
			}
		}
		select {
		case err := <-done:
			t.Fatalf("runEdit stopped: %v\n%s", err, out.String())
		default:
		}
	}
	t.Fatalf("no address printed:\n%s", out.String())
	return "", nil
}

// TestEditRefusesNonLoopback: the editor writes the show's files, so it
// never listens where another machine could reach it.
func TestEditRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":8080", "192.168.1.20:8080", "example.org:80"} {
		err := runEdit(context.Background(), editOptions{addr: addr}, globalOptions{config: "no-such.toml"}, []string{editSlug}, new(bytes.Buffer))
		var ue usageError
		if err == nil || !strings.Contains(err.Error(), "loopback") || !errorsAs(err, &ue) {
			t.Errorf("--addr %s: %v, want a usage error about loopback", addr, err)
		}
	}
}

func errorsAs(err error, ue *usageError) bool {
	u, ok := err.(usageError)
	*ue = u
	return ok
}

// TestEditInChromium drives the editor in headless Chromium: a click on a
// turn adds a chapter, typing renames it, a marker is dragged, Save writes
// the chapters file, Regenerate publishes, and ffprobe reads the new
// chapter from the published MP3, with no console error on the way. A
// page of another origin then cannot write, even knowing the token.
func TestEditInChromium(t *testing.T) {
	chromium := testtool.Need(t, "chromium")
	ffprobe := testtool.Need(t, "ffprobe")
	if testing.Short() {
		t.Skip("starts a browser")
	}
	cfgPath := editShow(t)
	show := filepath.Dir(cfgPath)
	chaptersFile := filepath.Join(show, "episodes", editSlug+".chapters.txt")
	pageURL, out := startEdit(t, cfgPath)
	base, token, _ := strings.Cut(pageURL, "/?token=")

	// The turn to add a chapter at: one no chapter starts near.
	var ep struct {
		Units []struct {
			Start float64
			Text  string
		}
	}
	getJSON(t, base+"/api/episode", token, &ep)
	turn := -1
	for i, u := range ep.Units {
		if u.Start > 26 && u.Start < 40 {
			turn = i
			break
		}
	}
	if turn < 0 {
		t.Fatalf("no turn between 26 s and 40 s in %+v", ep.Units)
	}
	turnStart := time.Duration(math.Round(ep.Units[turn].Start*1000)) * time.Millisecond

	ctx := headless.Browser(t, chromium)
	tctx, tcancel := context.WithTimeout(ctx, 5*time.Minute)
	defer tcancel()

	var mu sync.Mutex
	var problems []string
	messages := chromedp.Console(tctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				mu.Lock()
				problems = append(problems, "console: "+m.String())
				mu.Unlock()
			}
		}
	}()
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tctx, actions...); err != nil {
			t.Fatalf("%s: %v\npodpipe edit printed:\n%s", what, err, out.String())
		}
	}
	poll := func(what, cond string, timeout time.Duration) {
		t.Helper()
		if _, err := chromedp.Run(tctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(timeout))); err != nil {
			status, _ := chromedp.Run(tctx, chromedp.Evaluate[string](`document.getElementById("status").textContent`))
			t.Fatalf("%s: %v (status line: %q)\npodpipe edit printed:\n%s", what, err, status, out.String())
		}
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(tctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return s
	}
	shots := os.Getenv("PODPIPE_SCREENSHOTS") // a folder to keep the screenshots in
	if shots == "" {
		shots = t.TempDir()
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if len(png) < 1000 || string(png[1:4]) != "PNG" {
			t.Errorf("%s: not a PNG screenshot (%d bytes)", name, len(png))
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Open: the transcript, the chapters and the waveform load, and the
	// token leaves the address bar.
	do("open", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(pageURL))
	poll("the page never got ready", `document.body.dataset.state === "ready" && document.body.dataset.waveform === "drawn"`, stepWait)
	if q := eval(`location.search`); q != "" {
		t.Errorf("the token stays in the address bar: %q", q)
	}
	rows := eval(`String(document.querySelectorAll("#chapters li").length) + "/" + document.querySelectorAll("#units li").length + "/" + document.querySelectorAll("#markers .marker").length`)
	if want := fmt.Sprintf("4/%d/4", len(ep.Units)); rows != want {
		t.Fatalf("chapters/turns/markers: %s, want %s", rows, want)
	}
	poll("the audio never loaded", `document.getElementById("audio").readyState >= 1`, stepWait)

	// Add a chapter at a turn, and rename it: the new chapter's title is
	// selected for typing.
	sel := fmt.Sprintf(`#units li[data-i="%d"] .add-turn`, turn)
	do("click the turn", chromedp.ScrollIntoView(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
	poll("no chapter added", `document.querySelectorAll("#chapters li").length === 5 && document.activeElement.classList.contains("title")`, stepWait)
	const title = "分帳標籤 team tags"
	do("type the title", chromedp.KeyEvent(title))
	if got := eval(`document.activeElement.value`); got != title {
		t.Fatalf("the renamed title reads %q, want %q", got, title)
	}

	// Drag the marker of 現場問答 (00:45) to the right.
	var box struct{ X, Y, W float64 }
	if err := json.Unmarshal([]byte(eval(`(function () {
		var li = Array.from(document.querySelectorAll("#chapters li")).find(function (l) { return l.querySelector("input.title").value === "現場問答"; });
		var r = document.querySelector('.marker[data-id="' + li.dataset.id + '"]').getBoundingClientRect();
		var w = document.getElementById("wave-wrap").getBoundingClientRect();
		return JSON.stringify({x: r.left + r.width / 2, y: w.top + w.height / 2, w: w.width});
	})()`)), &box); err != nil {
		t.Fatal(err)
	}
	dx := box.W / 20 // about 3.3 s of the 67 s
	do("drag the marker",
		chromedp.MouseEvent(chromedp.MousePressed, box.X, box.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, box.X+dx/2, box.Y, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseMoved, box.X+dx, box.Y, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseReleased, box.X+dx, box.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	)
	moved := eval(`Array.from(document.querySelectorAll("#chapters li")).find(function (l) { return l.querySelector("input.title").value === "現場問答"; }).querySelector("input.start").value`)
	if moved == "0:45.0" {
		t.Fatalf("dragging the marker left 現場問答 at %s", moved)
	}
	shot("edit-added.png")

	// A click on the waveform seeks; a chapter added at the playhead is
	// there, and deleted again.
	do("seek on the waveform", chromedp.MouseClickXY(box.X-box.W*0.3, box.Y))
	do("add at the playhead", chromedp.Click(chromedp.CSS("#add-playhead")))
	poll("no chapter added at the playhead", `document.querySelectorAll("#chapters li").length === 6`, stepWait)
	playhead := eval(`String(document.getElementById("audio").currentTime.toFixed(3)) + " " + document.activeElement.closest("li").querySelector("input.start").value + " " + document.activeElement.value`)
	if f := strings.Fields(playhead); len(f) != 4 || f[2] != "New" || f[1] == "0:00.0" {
		t.Errorf("the chapter added at the playhead: %q (playhead, start, title)", playhead)
	}
	do("delete it", chromedp.Evaluate[chromedp.Void](`document.activeElement.closest("li").querySelector(".delete").click()`))
	poll("not deleted", `document.querySelectorAll("#chapters li").length === 5 && document.querySelectorAll("#markers .marker").length === 5`, stepWait)

	// ▶ plays from 2 s before a chapter to 3 s after it. The page pauses
	// at the first frame past 0:14: a busy browser draws frames late, and
	// 1.5 s past it is allowed (0.05 s is usual), less than the 2 s a
	// wrong end would be off by.
	do("hear 0:11", chromedp.Click(chromedp.CSS(`#chapters li:nth-child(2) .hear`)))
	poll("hearing did not play around 0:11", `(function () { var a = document.getElementById("audio"); return !a.paused && a.currentTime >= 9 && a.currentTime < 14.5; })()`, stepWait)
	poll("hearing did not stop after 0:14", `(function () { var a = document.getElementById("audio"); return a.paused && a.currentTime >= 13.9 && a.currentTime < 15.5; })()`, stepWait)

	// Zooming in around the playhead shows fewer markers; Fit all again.
	// Twice 2× around 0:14 shows 0:10.5 to 0:27.2: the markers at 0:11
	// and 0:24.
	do("zoom in", chromedp.Click(chromedp.CSS("#zoom-in")), chromedp.Click(chromedp.CSS("#zoom-in")))
	if n := eval(`Array.from(document.querySelectorAll("#markers .marker span")).map(function (s) { return s.textContent; }).join("|")`); n != "閒置的 CPU 與 request|讓每個團隊看見帳單" {
		t.Errorf("zoomed in 4× around 0:14, the markers show %q", n)
	}
	shot("edit-zoomed.png")
	do("fit", chromedp.Click(chromedp.CSS("#zoom-fit")))
	poll("Fit does not show every marker", `document.querySelectorAll("#markers .marker").length === 5`, stepWait)

	// Save: the chapters file holds the new chapter and the move.
	do("save", chromedp.Click(chromedp.CSS("#save")))
	poll("not saved", `document.body.dataset.state === "saved"`, stepWait)
	data, err := os.ReadFile(chaptersFile)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := chapters.Parse(chaptersFile, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the saved file does not parse: %v\n%s", err, data)
	}
	found := false
	for _, c := range saved {
		if c.Title == title && c.Start == turnStart {
			found = true
		}
		if c.Title == "現場問答" {
			secs, _ := strconv.ParseFloat(strings.TrimPrefix(moved, "0:"), 64)
			if c.Start <= 45*time.Second || math.Abs(c.Start.Seconds()-secs) > 0.06 {
				t.Errorf("現場問答 saved at %v; the page shows %s after the drag", c.Start, moved)
			}
		}
	}
	if !found || len(saved) != 5 {
		t.Fatalf("the saved file lacks %q at %v:\n%s", title, turnStart, data)
	}

	// Regenerate publishes the episode with the new chapter.
	do("regenerate", chromedp.Click(chromedp.CSS("#regenerate")))
	poll("not regenerated", `document.body.dataset.state === "regenerated"`, stepWait)
	if log := eval(`document.getElementById("log").textContent`); !strings.Contains(log, "built: "+editSlug) {
		t.Errorf("the regenerate log lacks the build:\n%s", log)
	}
	do("open the log", chromedp.Evaluate[chromedp.Void](`document.getElementById("log-box").open = true`))
	shot("edit-regenerated.png")

	mp3s, _ := filepath.Glob(filepath.Join(show, "public", "episodes", editSlug, "*.mp3"))
	if len(mp3s) != 1 {
		t.Fatalf("published MP3s: %v, want one", mp3s)
	}
	probe, err := exec.Command(ffprobe, "-v", "error", "-show_chapters", "-of", "json", mp3s[0]).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var got struct {
		Chapters []struct {
			StartTime string `json:"start_time"`
			Tags      struct{ Title string }
		}
	}
	if err := json.Unmarshal(probe, &got); err != nil {
		t.Fatal(err)
	}
	found = false
	for _, c := range got.Chapters {
		start, _ := strconv.ParseFloat(c.StartTime, 64)
		if c.Tags.Title == title && math.Abs(start-turnStart.Seconds()) < 0.002 {
			found = true
		}
	}
	if !found || len(got.Chapters) != 5 {
		t.Errorf("ffprobe does not read %q at %v from %s:\n%s", title, turnStart, mp3s[0], probe)
	}

	do("narrow", chromedp.EmulateViewport(700, 900))
	shot("edit-narrow.png")

	tcancel()
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}

	// A page of another origin cannot write: its fetch with the token
	// (which it could not know) is stopped by the preflight, and a
	// simple no-cors POST by the origin check. The file stays as saved.
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><title>elsewhere</title><script>
var body = JSON.stringify({version: "", chapters: [{start: 0, title: "pwned"}]});
var results = [];
Promise.all([
  fetch(%[1]q + "/api/chapters", {method: "POST", headers: {%[2]q: %[3]q, "Content-Type": "application/json"}, body: body})
    .then(function (r) { results.push("cors " + r.status); }, function () { results.push("cors blocked"); }),
  fetch(%[1]q + "/api/chapters", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: body})
    .then(function (r) { results.push("no-cors " + r.type); }, function () { results.push("no-cors blocked"); }),
  fetch(%[1]q + "/api/regenerate", {method: "POST", mode: "no-cors"})
    .then(function (r) { results.push("regenerate " + r.type); }, function () { results.push("regenerate blocked"); }),
]).then(function () { document.title = "done: " + results.sort().join(", "); });
</script>`, base, editor.TokenHeader, token)
	}))
	defer attacker.Close()
	before := out.String()
	actx2, cancel2 := context.WithTimeout(ctx, 2*stepWait)
	defer cancel2()
	other, cancel3 := chromedp.NewContext(actx2)
	defer cancel3()
	if err := chromedp.Do(other, chromedp.Navigate(attacker.URL)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(other, chromedp.Poll[chromedp.Void](`document.title.startsWith("done")`, chromedp.WithPollingTimeout(stepWait))); err != nil {
		t.Fatalf("the other origin's page did not finish: %v", err)
	}
	res, _ := chromedp.Run(other, chromedp.Evaluate[string](`document.title`))
	after, _ := os.ReadFile(chaptersFile)
	if !bytes.Equal(after, data) {
		t.Errorf("a page of another origin changed the chapters file (%s):\n%s", res, after)
	}
	t.Logf("the other origin's requests: %s", res)
	if strings.Count(out.String(), "built: ") != strings.Count(before, "built: ") {
		t.Errorf("a page of another origin ran regenerate (%s)", res)
	}
}

func getJSON(t *testing.T, u, token string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set(editor.TokenHeader, token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
