package main

import (
	"strings"
	"testing"
)

// The events are what go test -json wrote for a package with a passing, a
// failing and two skipped tests.
const events = `{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestOK"}
{"Action":"output","Package":"p","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"output","Package":"p","Test":"TestOK","Output":"--- PASS: TestOK (0.00s)\n"}
{"Action":"pass","Package":"p","Test":"TestOK"}
{"Action":"output","Package":"p","Test":"TestFF","Output":"=== RUN   TestFF\n"}
{"Action":"output","Package":"p","Test":"TestFF","Output":"    x_test.go:9: ffprobe is not installed\n"}
{"Action":"output","Package":"p","Test":"TestFF","Output":"--- SKIP: TestFF (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestFF"}
{"Action":"output","Package":"p","Test":"TestFF2","Output":"    y_test.go:19: ffprobe is not installed\n"}
{"Action":"output","Package":"p","Test":"TestFF2","Output":"--- SKIP: TestFF2 (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestFF2"}
{"Action":"output","Package":"p","Test":"TestBad","Output":"=== RUN   TestBad\n"}
{"Action":"output","Package":"p","Test":"TestBad","Output":"    x_test.go:12: got 1, want 2\n"}
{"Action":"output","Package":"p","Test":"TestBad","Output":"--- FAIL: TestBad (0.00s)\n"}
{"Action":"fail","Package":"p","Test":"TestBad"}
{"Action":"output","Package":"p","Output":"FAIL\n"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.01s\n"}
{"Action":"fail","Package":"p"}
{"Action":"output","Package":"q","Output":"PASS\n"}
{"Action":"output","Package":"q","Output":"ok  \tq\t0.01s\n"}
{"Action":"pass","Package":"q"}
`

func TestSummary(t *testing.T) {
	var b strings.Builder
	s := newSummary(&b)
	if err := s.read(strings.NewReader(events)); err != nil {
		t.Fatal(err)
	}
	s.finish()
	want := "    x_test.go:12: got 1, want 2\n" +
		"--- FAIL: TestBad (0.00s)\n" +
		"FAIL\n" +
		"FAIL\tp\t0.01s\n" +
		"ok  \tq\t0.01s\n" +
		"2 skipped: ffprobe is not installed (2)\n"
	if got := b.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestNoSkips(t *testing.T) {
	var b strings.Builder
	s := newSummary(&b)
	s.read(strings.NewReader(`{"Action":"output","Package":"q","Output":"ok  \tq\t0.01s\n"}` + "\n"))
	s.finish()
	if got, want := b.String(), "ok  \tq\t0.01s\n0 skipped\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
