package fuzzlimit

import (
	"errors"
	"testing"
	"time"
)

// fakeT records what Run reports instead of failing the test that runs it.
type fakeT struct {
	testing.TB
	failed string
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Fatal(args ...any)     { f.failed = "fatal"; panicStop() }
func (f *fakeT) Fatalf(string, ...any) { f.failed = "fatalf"; panicStop() }

type stop struct{}

func panicStop() { panic(stop{}) }

func run(f func() error) (failed string) {
	t := &fakeT{}
	defer func() {
		if r := recover(); r != nil && r != (stop{}) {
			panic(r)
		}
		failed = t.failed
	}()
	Run(t, f)
	return t.failed
}

func TestRun(t *testing.T) {
	old := PerInput
	defer func() { PerInput = old }()
	// A quick input gets a limit no loaded machine takes to start a
	// goroutine (100 ms did not: 3 failures in 300 runs at a load of 25).
	PerInput = time.Minute
	if got := run(func() error { return nil }); got != "" {
		t.Errorf("a quick input failed: %s", got)
	}
	if got := run(func() error { return errors.New("broken") }); got != "fatal" {
		t.Errorf("an error: %q, want fatal", got)
	}
	// A hang takes the whole limit, whatever it is.
	PerInput = 100 * time.Millisecond
	release := make(chan struct{})
	defer close(release)
	if got := run(func() error { <-release; return nil }); got != "fatalf" {
		t.Errorf("a hang: %q, want fatalf", got)
	}
}
