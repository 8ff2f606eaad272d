// Package s3test starts a real S3-compatible server for tests: versitygw
// serving a temporary directory on a free loopback port, stopped when the
// test ends. There is no fake S3: what passes here talks to a real server.
//
//	func TestUpload(t *testing.T) {
//		endpoint, bucket := s3test.Start(t)
//		st, err := s3.New(ctx, s3.Options{Endpoint: endpoint, Bucket: bucket, PathStyle: true})
//		…
//	}
//
// Without versitygw the test is skipped, and fails under CI=true
// (scripts/install-versitygw.sh installs it).
package s3test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/testtool"
)

// The root user's keys of every server Start starts. They are test keys for
// a throw-away server on loopback, nothing else.
const (
	AccessKey = "podpipe-test-access"
	SecretKey = "podpipe-test-secret-key"
	Region    = "us-east-1"
)

// Bucket is the bucket Start creates.
const Bucket = "podpipe-test"

// readyWait bounds the wait for a started versitygw to serve.
const readyWait = time.Minute

// Start starts versitygw for the test and returns its endpoint URL and an
// empty bucket. It points the AWS standard credential chain at the test keys
// for the duration of the test (so the test cannot run in parallel), and
// stops the server at cleanup.
func Start(t testing.TB) (endpoint, bucket string) {
	t.Helper()
	bin := testtool.Need(t, "versitygw")
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, Bucket), 0o755); err != nil {
		t.Fatal(err)
	}

	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		endpoint, err := start(t, bin, root)
		if err == nil {
			setEnv(t)
			return endpoint, Bucket
		}
		lastErr = err // most likely the free port was taken in between
	}
	t.Fatalf("s3test: %v", lastErr)
	return "", ""
}

// setEnv makes the AWS standard chain find the test keys and nothing of the
// developer's own AWS set-up.
func setEnv(t testing.TB) {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           AccessKey,
		"AWS_SECRET_ACCESS_KEY":       SecretKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  Region,
		"AWS_PROFILE":                 "",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_S3":         "",
		"AWS_CONFIG_FILE":             filepath.Join(os.DevNull, "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(os.DevNull, "none"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
}

func start(t testing.TB, bin, root string) (string, error) {
	addr, err := freeAddr()
	if err != nil {
		return "", err
	}
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+AccessKey, "ROOT_SECRET_KEY="+SecretKey, "VGW_REGION="+Region)
	out := new(syncBuffer)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = procAttr() // the server dies with the test binary
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start versitygw: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}

	endpoint := "http://" + addr
	client := &http.Client{Timeout: time.Second}
	// versitygw serves within a second, also on a loaded machine (0.2 to
	// 0.9 s at a load of 7 on 2 cores); the wait ends as soon as it does,
	// and the bound is for a server that never comes up.
	deadline := time.Now().Add(readyWait)
	for {
		// Any answer from versitygw, even a 403 to an unsigned request,
		// means it serves; an answer from another server means the port
		// was taken in between, and versitygw is about to exit.
		resp, err := client.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			if resp.Header.Get("Server") == "VERSITYGW" {
				break
			}
		}
		select {
		case <-exited:
			return "", fmt.Errorf("versitygw on %s exited: %s", addr, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return "", fmt.Errorf("versitygw on %s not ready after %v: %s", addr, readyWait, out.String())
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() && out.Len() > 0 {
			t.Logf("versitygw output:\n%s", out.String())
		}
	})
	return endpoint, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// syncBuffer keeps the server's output, at most 64 KiB of it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := 64<<10 - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}
