// Package fuzzlimit gives a fuzz target a time limit for each input. Go's
// fuzzing has none: an input that makes a reader loop for ever stalls the
// fuzzer instead of failing. Run the reader under Run and such an input
// fails like a crash, and is kept in testdata/fuzz to become a test:
//
//	f.Fuzz(func(t *testing.T, src []byte) {
//		fuzzlimit.Run(t, func() error {
//			_, err := chapters.Parse("fuzz", bytes.NewReader(src))
//			return nil // or the error of a broken promise
//		})
//	})
package fuzzlimit

import (
	"os"
	"testing"
	"time"
)

// PerInput is how long one input may take: 2 s, 20 s under the race
// detector (which makes code up to ten times slower), or what
// $FUZZ_INPUT_LIMIT says ("10s") on a machine slower still. It is far more
// than any reader needs for the inputs a fuzzer makes (a few kilobytes),
// and far less than a loop or a quadratic blow-up takes.
var PerInput = limit()

func limit() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("FUZZ_INPUT_LIMIT")); err == nil && d > 0 {
		return d
	}
	return perInput
}

// Run runs f and fails t if f takes longer than PerInput, or with the
// error f returns. f runs on its own goroutine, so it must not call t's
// Fatal methods; it returns an error instead. A panic in f crashes the
// test binary, which the fuzzer reports as it does any crash.
func Run(t testing.TB, f func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	timer := time.NewTimer(PerInput)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-timer.C:
		// The goroutine is left running: nothing can stop it from here.
		t.Fatalf("input not done after %v: a reader loops or grinds on it", PerInput)
	}
}
