package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/internal/s3test"
	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/pipeline"
)

// TestShardedPublish: four podpipe processes, each publishing its shard
// of a generated twelve-episode show into the same bucket at once, build
// every episode exactly once between them, and the manifest and the feed
// they leave have all twelve.
func TestShardedPublish(t *testing.T) {
	if testing.Short() {
		t.Skip("four publishes against versitygw")
	}
	goTool := testtool.Need(t, "go")
	bin := filepath.Join(t.TempDir(), "podpipe")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	endpoint, bucket := s3test.Start(t)

	root, _ := filepath.Abs("../..")
	show := t.TempDir()
	for _, name := range []string{"config.toml", "cover.jpg"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(show, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	md, err := os.ReadFile(filepath.Join(root, "episodes", "01-p99-observability.md"))
	if err != nil {
		t.Fatal(err)
	}
	mp3, err := os.ReadFile(filepath.Join(root, "episodes", "01-p99-observability.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := bytes.Cut(md, []byte("\n"))
	const n = 12
	var slugs []string
	for i := 1; i <= n; i++ {
		slug := fmt.Sprintf("%02d-episode", i)
		slugs = append(slugs, slug)
		dir := filepath.Join(show, "episodes")
		os.MkdirAll(dir, 0o755)
		title := fmt.Sprintf("# 第 %d 集\n", i)
		if err := os.WriteFile(filepath.Join(dir, slug+".md"), append([]byte(title), body...), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, slug+".mp3"), mp3, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{
		"PODPIPE_ALIGN":            "none",
		"PODPIPE_JOBS":             "1",
		"PODPIPE_STORAGE_URL":      "s3://" + bucket + "/show",
		"PODPIPE_STORAGE_ENDPOINT": endpoint,
		"PODPIPE_BASE_URL":         endpoint + "/" + bucket + "/show/",
	}
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	const shards = 4
	logs := make([]bytes.Buffer, shards)
	errs := make([]error, shards)
	var wg sync.WaitGroup
	for k := range shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "publish", "show", "--shard", fmt.Sprintf("%d/%d", k+1, shards))
			cmd.Dir = show
			cmd.Env = append(os.Environ(), environ...)
			cmd.Stdout, cmd.Stderr = &logs[k], &logs[k]
			errs[k] = cmd.Run()
		}()
	}
	wg.Wait()
	built := map[string]int{}
	for k := range shards {
		if errs[k] != nil {
			t.Errorf("shard %d/%d: %v\n%s", k+1, shards, errs[k], logs[k].String())
		}
		for _, l := range strings.Split(logs[k].String(), "\n") {
			if s, ok := strings.CutPrefix(l, "built: "); ok {
				built[strings.Fields(s)[0]]++
			}
		}
	}
	for _, s := range slugs {
		if built[s] != 1 {
			t.Errorf("%s built %d times, want once", s, built[s])
		}
	}

	for k, v := range env {
		t.Setenv(k, v)
	}
	cfg, err := config.Load(filepath.Join(show, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := pipeline.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	get := func(key string) []byte {
		rc, _, err := st.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	m, err := manifest.Read(bytes.NewReader(get(manifest.Key)))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Episodes) != n {
		t.Errorf("manifest has %d episodes, want %d", len(m.Episodes), n)
	}
	feed := get(config.FeedKey)
	if got := bytes.Count(feed, []byte("<item>")); got != n {
		t.Errorf("feed has %d items, want %d", got, n)
	}
	for _, s := range slugs {
		if !bytes.Contains(feed, []byte("/"+s+".html")) && !bytes.Contains(feed, []byte("/"+s+"/")) {
			t.Errorf("feed does not link %s", s)
		}
	}
}
