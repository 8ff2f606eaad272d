// Package headless starts the machine's Chromium for a test, with the
// flags a closed network needs: without the background-networking ones
// Chromium's own connections are refused, many at a time.
//
//	ctx := headless.Browser(t, chromium) // chromium from testtool.Need
//	err := chromedp.Run(ctx, chromedp.Navigate(url), …)
package headless

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser starts Chromium at path, headless in a fresh profile, and
// returns its context, closed when the test ends. The browser is started
// here, without a deadline (a deadline on the first Run would stop the
// browser); bound each step with a context of the one returned.
func Browser(t testing.TB, path string) context.Context {
	t.Helper()
	actx, acancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		// A container's /dev/shm is often 64 MB, too small for
		// Chromium's shared memory: it crashes tabs there.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.UserDataDir(t.TempDir()),
		// Chromium prints its address within a second on an idle
		// machine; a loaded one (the whole suite under the race detector)
		// may take many times that, and chromedp gives it 20 s.
		chromedp.WSURLReadTimeout(2*time.Minute),
	)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); acancel() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}
