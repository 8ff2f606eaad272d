// Command testsum runs go test with -json and prints what go test prints
// without -v (failures, the ok/FAIL/? line of each package), then one line
// counting the skipped tests and why they were skipped, so that a skip on a
// machine without ffprobe or chromium is seen rather than lost in a pass:
//
//	go run ./internal/cmd/testsum -race ./...
//
// The arguments are go test's; -json is added. Its exit status is go
// test's. With TESTSUM_FILE set, the skip line is also written to that
// file, for a Makefile that runs more after the tests to print it last.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
)

func main() {
	gobin := os.Getenv("GO")
	if gobin == "" {
		gobin = "go"
	}
	cmd := exec.Command(gobin, append([]string{"test", "-json"}, os.Args[1:]...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
	s := newSummary(os.Stdout)
	if err := s.read(out); err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
	}
	err = cmd.Wait()
	line := s.finish()
	if f := os.Getenv("TESTSUM_FILE"); f != "" {
		if werr := os.WriteFile(f, []byte(line), 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, "testsum:", werr)
		}
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		os.Exit(ee.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
}

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type key struct{ pkg, test string }

// summary prints go test's plain output from its events and counts the
// skips by reason.
type summary struct {
	w       io.Writer
	pending map[key][]string // a running test's output, printed if it fails
	reasons map[string]int   // skipped tests by reason
	skipped int
}

func newSummary(w io.Writer) *summary {
	return &summary{w: w, pending: map[key][]string{}, reasons: map[string]int{}}
}

func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Not an event (go vet's complaints, say): pass it on.
			fmt.Fprintf(s.w, "%s\n", line)
			continue
		}
		s.event(e)
	}
	return sc.Err()
}

func (s *summary) event(e event) {
	k := key{e.Package, e.Test}
	switch e.Action {
	case "output", "build-output":
		if e.Test == "" {
			// The package's own lines: ok, FAIL, ?, a panic. "PASS" is
			// what -v adds.
			if e.Output != "PASS\n" && !strings.HasPrefix(e.Output, "=== ") {
				fmt.Fprint(s.w, e.Output)
			}
			return
		}
		s.pending[k] = append(s.pending[k], e.Output)
	case "fail":
		if e.Test == "" {
			// A package that fails (a timeout, a panic) shows what its
			// unfinished tests said.
			for pk, out := range s.pending {
				if pk.pkg == e.Package {
					s.print(out)
					delete(s.pending, pk)
				}
			}
			return
		}
		s.print(s.pending[k])
		delete(s.pending, k)
	case "skip":
		if e.Test != "" {
			s.skipped++
			s.reasons[skipReason(s.pending[k])]++
		}
		delete(s.pending, k)
	case "pass":
		delete(s.pending, k)
	}
}

func (s *summary) print(out []string) {
	for _, o := range out {
		if strings.HasPrefix(o, "=== ") {
			continue // -v's RUN/PAUSE/CONT lines
		}
		fmt.Fprint(s.w, o)
	}
}

// logLine is a t.Log/t.Skip line: "    file_test.go:26: reason".
var logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: (.*)$`)

// skipReason is the last thing the test logged before it was skipped.
func skipReason(out []string) string {
	for i := len(out) - 1; i >= 0; i-- {
		if m := logLine.FindStringSubmatch(strings.TrimRight(out[i], "\n")); m != nil {
			return strings.TrimSpace(m[1])
		}
	}
	return "no reason given"
}

// finish prints the one-line summary of the skips and returns it.
func (s *summary) finish() string {
	line := s.line()
	fmt.Fprint(s.w, line)
	return line
}

func (s *summary) line() string {
	if s.skipped == 0 {
		return "0 skipped\n"
	}
	type reason struct {
		text string
		n    int
	}
	var rs []reason
	for t, n := range s.reasons {
		rs = append(rs, reason{t, n})
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].n != rs[j].n {
			return rs[i].n > rs[j].n
		}
		return rs[i].text < rs[j].text
	})
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.text
		if r.n > 1 {
			parts[i] = fmt.Sprintf("%s (%d)", r.text, r.n)
		}
	}
	return fmt.Sprintf("%d skipped: %s\n", s.skipped, strings.Join(parts, "; "))
}
