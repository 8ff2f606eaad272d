package main

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/faultproxy"
	"github.com/podpipe/podpipe/internal/s3test"
	"github.com/podpipe/podpipe/internal/testtool"
)

// TestSignalRemovesWorkFolder: SIGINT or SIGTERM during a publish (held
// in an upload to a slow store) ends podpipe with status 1, its work
// folder, with the tagged audio, removed from the temporary folder.
func TestSignalRemovesWorkFolder(t *testing.T) {
	goTool := testtool.Need(t, "go")
	bin := filepath.Join(t.TempDir(), "podpipe")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	endpoint, bucket := s3test.Start(t)
	held := make(chan struct{}, 16)
	// Every upload hangs until its client gives up: a store far away.
	isPut := func(r *http.Request) bool { return r.Method == http.MethodPut }
	proxy, err := faultproxy.Start(endpoint, faultproxy.Options{
		Share: 1, Faults: []faultproxy.Fault{faultproxy.Stall}, Match: isPut,
		Hook: func(r *http.Request) {
			if isPut(r) {
				held <- struct{}{}
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			// Uploads run several at a time: the run before may have
			// had more than one held.
			for len(held) > 0 {
				<-held
			}
			show := t.TempDir()
			root, _ := filepath.Abs("../..")
			for _, name := range []string{"config.toml", "cover.jpg"} {
				data, err := os.ReadFile(filepath.Join(root, name))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(show, name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.CopyFS(filepath.Join(show, "episodes"), os.DirFS(filepath.Join(root, "episodes"))); err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			cmd := exec.Command(bin, "publish", "episode", "01-p99-observability")
			cmd.Dir = show
			cmd.Env = append(os.Environ(),
				"TMPDIR="+tmp,
				"PODPIPE_ALIGN=none",
				"PODPIPE_STORAGE_URL=s3://"+bucket+"/show",
				"PODPIPE_STORAGE_ENDPOINT="+proxy.URL,
				"PODPIPE_BASE_URL="+endpoint+"/"+bucket+"/show/",
			)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-held:
			case err := <-exited:
				t.Fatalf("podpipe ended before uploading: %v\n%s", err, stderr.String())
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatal("podpipe never uploaded")
			}
			// The work folder exists while the upload hangs.
			if n := workFolders(t, tmp); n != 1 {
				t.Errorf("%d work folders while publishing, want 1", n)
			}
			cmd.Process.Signal(sig)
			select {
			case err := <-exited:
				if code := cmd.ProcessState.ExitCode(); code != 1 {
					t.Errorf("exit status %d (%v), want 1\n%s", code, err, stderr.String())
				}
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("podpipe did not end after %v", sig)
			}
			if !strings.Contains(stderr.String(), "context canceled") {
				t.Errorf("stderr does not say the run was cancelled: %q", stderr.String())
			}
			if n := workFolders(t, tmp); n != 0 {
				t.Errorf("%d work folders left after %v", n, sig)
			}
		})
	}
}

func workFolders(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "podpipe-work-") {
			n++
		}
	}
	return n
}
