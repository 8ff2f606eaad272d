// Package testtool finds the external programs tests read our output back
// with (ffprobe, chromium, node, versitygw, …). A missing tool skips the
// test on a developer's machine and fails it under CI=true, so that CI can
// never pass by skipping.
package testtool

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// CI reports whether the tests run under CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Need returns the path of the named program, looked up in PATH and then in
// $GOPATH/bin (where `go install` puts versitygw). When it is missing the
// test is skipped, or fails under CI.
func Need(t testing.TB, name string) string {
	t.Helper()
	if p, err := Find(name); err == nil {
		return p
	}
	Missing(t, name+" is not installed")
	return ""
}

// Find looks a program up in PATH, then in $(go env GOPATH)/bin.
func Find(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err == nil {
		return p, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if home, herr := os.UserHomeDir(); herr == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	cand := filepath.Join(gopath, "bin", name)
	if st, serr := os.Stat(cand); serr == nil && !st.IsDir() {
		return cand, nil
	}
	return "", err
}

// Missing skips the test with the reason, or fails it under CI=true.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if CI() {
		t.Fatalf("CI=true and %s", reason)
	}
	t.Skip(reason)
}

// NeedPython returns a python3 that can import every named module. Debian's
// python3-* packages install for /usr/bin/python3, which a python3 earlier in
// PATH (pyenv, a venv) cannot import from, so that one is tried first.
func NeedPython(t testing.TB, modules ...string) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	for _, py := range candidates {
		ok := true
		for _, m := range modules {
			if exec.Command(py, "-c", "import "+m).Run() != nil {
				ok = false
				break
			}
		}
		if ok {
			return py
		}
	}
	Missing(t, fmt.Sprintf("no python3 can import %v", modules))
	return ""
}
