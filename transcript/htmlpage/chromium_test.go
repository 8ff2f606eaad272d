package htmlpage_test

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/internal/testtool/headless"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/htmlpage"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// pageWait bounds each wait for the page in the browser. A step takes
// well under a second on an idle machine, and many times that under the
// race detector on a loaded machine (a whole test took up to 94 s, when
// its steps had 90 s together). A wait ends as soon as the page is
// there: the bound only stops a test that hangs.
const pageWait = 2 * time.Minute

// writeWAV writes a quiet 440 Hz tone: real audio for the page's player,
// so seeking is tested against a loaded media element.
func writeWAV(t *testing.T, name string, d time.Duration) {
	t.Helper()
	const rate = 8000
	n := int(d.Seconds() * rate)
	buf := make([]byte, 44+2*n)
	copy(buf, "RIFF")
	binary.LittleEndian.PutUint32(buf[4:], uint32(36+2*n))
	copy(buf[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(buf[16:], 16)
	binary.LittleEndian.PutUint16(buf[20:], 1) // PCM
	binary.LittleEndian.PutUint16(buf[22:], 1) // mono
	binary.LittleEndian.PutUint32(buf[24:], rate)
	binary.LittleEndian.PutUint32(buf[28:], rate*2)
	binary.LittleEndian.PutUint16(buf[32:], 2)
	binary.LittleEndian.PutUint16(buf[34:], 16)
	copy(buf[36:], "data")
	binary.LittleEndian.PutUint32(buf[40:], uint32(2*n))
	for i := range n {
		v := int16(2000 * math.Sin(2*math.Pi*440*float64(i)/rate))
		binary.LittleEndian.PutUint16(buf[44+2*i:], uint16(v))
	}
	if err := os.WriteFile(name, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestChromium loads the sample talk's page in headless Chromium: no
// console errors, the quoted <script> shows and does not run, a click on a
// <time> seeks the <audio>, and screenshots are written to testdata/out.
func TestChromium(t *testing.T) {
	chromium := testtool.Need(t, "chromium")
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dir := t.TempDir()
	src, err := os.ReadFile("../testdata/talk.md")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := markdown.Parse("talk.md", src)
	if err != nil {
		t.Fatal(err)
	}
	// The page's times run over a long episode; the audio is short, and
	// the test clicks a time inside it.
	const audioLen = 40 * time.Second
	if err := (transcript.Proportional{}).Time(context.Background(), tr, transcript.Audio{Duration: 48 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	writeWAV(t, filepath.Join(dir, "talk.wav"), audioLen)
	f, err := os.Create(filepath.Join(dir, "talk.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := htmlpage.Write(f, tr, htmlpage.Options{AudioURL: "talk.wav", ShowTitle: "工程師的午餐時間"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	ctx := headless.Browser(t, chromium)
	tctx, tcancel := context.WithTimeout(ctx, 5*time.Minute)
	defer tcancel()

	// Collect console messages and dialogs while the page runs.
	var mu sync.Mutex
	var problems []string
	report := func(s string) {
		mu.Lock()
		problems = append(problems, s)
		mu.Unlock()
	}
	messages := chromedp.Console(tctx)
	dialogs := chromedp.Events(tctx, page.JavascriptDialogOpening)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				report("console: " + m.String())
			}
		}
	}()
	go func() {
		defer wg.Done()
		for e, err := range dialogs {
			if err != nil {
				return
			}
			report("a dialog opened: " + e.Message)
			go chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
				return err
			}))
		}
	}()

	if err := chromedp.Do(tctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate("file://"+filepath.Join(dir, "talk.html")),
		chromedp.WaitVisible(chromedp.CSS("#transcript")),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[chromedp.Void](`document.getElementById("player").readyState >= 1`, chromedp.WithPollingTimeout(pageWait))); err != nil {
		t.Fatalf("the audio never loaded: %v", err)
	}
	bodyText, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	// The first time link inside the short audio, past its start.
	target, err := chromedp.Run(tctx, chromedp.Evaluate[string](`(function () {
		var ts = document.querySelectorAll("a.t[data-t]");
		for (var i = 0; i < ts.length; i++) {
			var t = parseFloat(ts[i].dataset.t);
			if (t > 3 && t < 30) { return ts[i].getAttribute("href").slice(1); }
		}
		return "";
	})()`))
	if err != nil || target == "" {
		t.Fatalf("no time link between 3 s and 30 s (%v)", err)
	}
	shots := filepath.Join("testdata", "out")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
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
	shot("phone-top.png")
	want, err := chromedp.Run(tctx, chromedp.Evaluate[float64](`parseFloat(document.getElementById("`+target+`").dataset.start)`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tctx,
		chromedp.ScrollIntoView(chromedp.CSS("#"+target+" time")),
		chromedp.Click(chromedp.CSS("#"+target+" time")),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[chromedp.Void](`document.getElementById("player").currentTime > 0`, chromedp.WithPollingTimeout(pageWait))); err != nil {
		t.Fatalf("clicking a time did not seek: %v", err)
	}
	got, err := chromedp.Run(tctx, chromedp.Evaluate[float64](`(function () { var a = document.getElementById("player"); a.pause(); return a.currentTime; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tctx, chromedp.Sleep(300*time.Millisecond)); err != nil { // let the highlight follow
		t.Fatal(err)
	}
	shot("phone-seeked.png")
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 900), chromedp.ScrollIntoView(chromedp.CSS("header"))); err != nil {
		t.Fatal(err)
	}
	shot("desktop-top.png")

	if got < want || got > want+2 {
		t.Errorf("clicking the time of %s (%.3f s) left the audio at %.3f s", target, want, got)
	}
	if !strings.Contains(bodyText, `<script>alert("逐字稿被攻擊了")</script>`) {
		t.Errorf("the transcript's <script> is not shown as text")
	}
	tcancel()
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
}
