package htmlpage_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/internal/testtool/headless"
	"github.com/podpipe/podpipe/site"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/htmlpage"
	"github.com/podpipe/podpipe/transcript/markdown"
	"github.com/podpipe/podpipe/transcript/webvtt"
)

const publishedMD = `+++
title = "把推論搬到邊緣"
date = 2025-09-26
+++

## 對談內容

**主持人:** 歡迎收聽，今天聊 *WebAssembly 模組* 與 *邊緣裝置* 的關係。

**來賓:** 謝謝邀請。我們把模型量化成 int8 之後放進開發板。

**主持人:** 準確率會掉很多嗎？

**來賓:** 掉不到一個百分點，延遲卻少了一半以上。

**主持人:** 感謝你的分享。
`

// TestChromiumPublishedPage serves an episode page as the pipeline
// publishes it, beside its audio, captions and cover, and the show's home
// page, over HTTP (a <track> does not load from file://) in headless
// Chromium: a deep link (#u4) seeks, the captions load, the player is as
// wide as the text, Chinese emphasis has no dots under Latin words, the
// JSON-LD parses, and the home page's copy button and app links are there.
// Screenshots go to testdata/out.
func TestChromiumPublishedPage(t *testing.T) {
	chromium := testtool.Need(t, "chromium")
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dir := t.TempDir()
	tr, err := markdown.Parse("ep.md", []byte(publishedMD))
	if err != nil {
		t.Fatal(err)
	}
	if err := (transcript.Proportional{}).Time(context.Background(), tr, transcript.Audio{Duration: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
	writeWAV(t, filepath.Join(dir, "ep.wav"), 30*time.Second)
	var vtt bytes.Buffer
	if err := webvtt.Write(&vtt, tr); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 300, 300))
	for i := range img.Pix {
		img.Pix[i] = uint8(80 + i%97)
	}
	img.Set(0, 0, color.Black)
	var cover bytes.Buffer
	if err := jpeg.Encode(&cover, img, nil); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"ep.vtt": vtt.Bytes(), "cover.jpg": cover.Bytes()}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	base := srv.URL + "/"
	var page bytes.Buffer
	err = htmlpage.Write(&page, tr, htmlpage.Options{
		AudioURL: "ep.wav", ShowTitle: "工程師的午餐時間", ShowURL: "index.html",
		CoverURL: "cover.jpg", AbsCoverURL: base + "cover.jpg", FeedURL: base + "feed.xml", PageSelfURL: base + "ep.html", CaptionsURL: "ep.vtt",
	})
	if err != nil {
		t.Fatal(err)
	}
	files["ep.html"] = page.Bytes()
	var home bytes.Buffer
	err = site.WriteIndex(&home, site.Show{
		Title: "工程師的午餐時間", Description: "每週一集，聊軟體工程。", Language: "zh-TW", Hosts: []string{"林雅婷"},
		CoverURL: "cover.jpg", FeedURL: base + "feed.xml", SelfURL: base,
		Episodes: []site.Episode{{Title: tr.Title, URL: "ep.html", Date: tr.Date, Number: 3, Duration: 30 * time.Second}},
	})
	if err != nil {
		t.Fatal(err)
	}
	files["index.html"] = home.Bytes()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	ctx := headless.Browser(t, chromium)
	tctx, tcancel := context.WithTimeout(ctx, 5*time.Minute)
	defer tcancel()
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
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(js string) float64 {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}

	// A deep link to a turn seeks the player to it.
	if err := chromedp.Do(tctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"ep.html#u4"),
		chromedp.WaitVisible(chromedp.CSS("#transcript")),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[chromedp.Void](`document.getElementById("player").readyState >= 1`, chromedp.WithPollingTimeout(pageWait))); err != nil {
		t.Fatalf("the audio never loaded: %v", err)
	}
	want := eval(`parseFloat(document.getElementById("u4").dataset.start)`)
	if want <= 0 {
		t.Fatalf("#u4 starts at %v", want)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[chromedp.Void](`document.getElementById("player").currentTime > 0`, chromedp.WithPollingTimeout(pageWait))); err != nil {
		t.Fatalf("#u4 did not seek the player: %v", err)
	}
	if got := eval(`document.getElementById("player").currentTime`); math.Abs(got-want) > 0.5 {
		t.Errorf("#u4 (%.2f s) put the player at %.2f s", want, got)
	}

	// The captions: the <track> loads and has the transcript's cues.
	if _, err := chromedp.Run(tctx, chromedp.Poll[chromedp.Void](`(function () {
		var tr = document.querySelector("track"); return tr && tr.readyState === 2 && tr.track.cues && tr.track.cues.length > 0;
	})()`, chromedp.WithPollingTimeout(pageWait))); err != nil {
		t.Errorf("the captions track did not load: %v", err)
	}

	// The player's edges are the text column's.
	for _, edge := range []string{"left", "right"} {
		d := eval(`(function () {
			var a = document.getElementById("player").getBoundingClientRect();
			var p = document.querySelector("#transcript p").getBoundingClientRect();
			return a.` + edge + ` - p.` + edge + `; })()`)
		if math.Abs(d) > 1 {
			t.Errorf("the player's %s edge is %.1f px off the text column's", edge, d)
		}
	}

	// Emphasis dots under the Chinese, none under the Latin word.
	if n := eval(`document.querySelectorAll("em .latn").length`); n != 1 {
		t.Errorf("%v Latin runs marked inside <em>, want 1 (WebAssembly)", n)
	}
	style, err := chromedp.Run(tctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("em .latn")).textEmphasisStyle + "|" +
		getComputedStyle(document.querySelectorAll("em")[1]).textEmphasisStyle`))
	if err != nil {
		t.Fatal(err)
	}
	if latin, cjk, _ := strings.Cut(style, "|"); latin != "none" || !strings.Contains(cjk, "dot") {
		t.Errorf("text-emphasis: Latin %q (want none), Chinese %q (want dots)", latin, cjk)
	}

	// The page's metadata: feed, Open Graph, JSON-LD.
	ld, err := chromedp.Run(tctx, chromedp.Evaluate[string](`(function () {
		var d = JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent);
		return d["@type"] + " " + d.partOfSeries["@type"] + " " + d.partOfSeries.webFeed;
	})()`))
	if err != nil || ld != "PodcastEpisode PodcastSeries "+base+"feed.xml" {
		t.Errorf("JSON-LD: %q, %v", ld, err)
	}
	if n := eval(`document.querySelectorAll('link[rel="alternate"][type="application/rss+xml"], meta[property="og:image"], header img.cover').length`); n != 3 {
		t.Errorf("%v of the feed link, og:image and cover are on the page, want 3", n)
	}
	shot("published-desktop.png")
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(base+"ep.html"), chromedp.WaitVisible(chromedp.CSS("#transcript"))); err != nil {
		t.Fatal(err)
	}
	shot("published-phone.png")

	// The home page: cover, the episode, the feed URL with a copy button
	// that the script shows, and the apps' links.
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1000, 900), chromedp.Navigate(base), chromedp.WaitVisible(chromedp.CSS("#copy"))); err != nil {
		t.Fatalf("home page: the copy button is not shown: %v", err)
	}
	feedField, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.getElementById("feed-url").value`))
	if err != nil || feedField != base+"feed.xml" {
		t.Errorf("home page feed field: %q, %v", feedField, err)
	}
	if n := eval(`document.querySelectorAll('ul.apps a[href^="podcast://"], ul.apps a[href^="overcast://"], ol.episodes a[href="ep.html"], header img').length`); n != 4 {
		t.Errorf("home page: %v of the Apple and Overcast links, the episode and the cover, want 4", n)
	}
	shot("home-desktop.png")
}
