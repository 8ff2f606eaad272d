package main

import (
	"context"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/podpipe/podpipe/internal/hostile"
	"github.com/podpipe/podpipe/internal/testtool"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"podpipe":     func() { os.Exit(run(context.Background(), os.Args, os.Stdout, os.Stderr)) },
		"podpipe-tsv": runWithTSV,
	})
}

// TestScripts runs the CLI end to end on a copy of the sample show:
// testdata/script/*.txtar.
func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Each script starts in a copy of the sample show, so that no
			// script can touch the repository's own sources.
			for _, name := range []string{"config.toml", "cover.jpg", "episodes"} {
				if err := os.CopyFS(filepath.Join(env.WorkDir, name), os.DirFS(filepath.Join(root, name))); err != nil {
					if err := copyOne(filepath.Join(root, name), filepath.Join(env.WorkDir, name)); err != nil {
						return err
					}
				}
			}
			// Alignment is slow under the race detector and has its own
			// tests; align.txtar runs the default on one episode.
			env.Setenv("PODPIPE_ALIGN", "none")
			// A timing cache of the script's own: the user's would make a
			// script that checks an alignment ran find it cached.
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			return nil
		},
		// [ci] holds under CI=true, where a missing tool must fail a
		// script rather than skip it.
		Condition: func(cond string) (bool, error) {
			if cond == "ci" {
				return testtool.CI(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sha256sum": cmdSHA256Sum,
			"guids":     cmdGUIDs,
			"hostile":   cmdHostile,
			"garble":    cmdGarble,
		},
	})
}

// cmdSHA256Sum writes the SHA-256 of every file below a folder to a file:
// sha256sum DIR OUT.
func cmdSHA256Sum(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: sha256sum DIR OUT")
	}
	var b strings.Builder
	root := ts.MkAbs(args[0])
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(&b, "%x  %s\n", sha256.Sum256(data), rel)
		return nil
	})
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(b.String()), 0o644))
}

// cmdGUIDs writes the item guids of a feed, one a line: guids FEED OUT.
func cmdGUIDs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: guids FEED OUT")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	var rss struct {
		Items []struct {
			Link string `xml:"link"`
			GUID string `xml:"guid"`
		} `xml:"channel>item"`
	}
	ts.Check(xml.Unmarshal(data, &rss))
	var b strings.Builder
	for _, it := range rss.Items {
		fmt.Fprintf(&b, "%s %s\n", it.Link, it.GUID)
	}
	if len(rss.Items) == 0 {
		ts.Fatalf("%s: no items", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(b.String()), 0o644))
}

// cmdGarble overwrites a file from a byte offset to its end with bytes no
// decoder takes for audio (none is 0xFF, so no MPEG frame starts there),
// keeping its length: garble FILE OFFSET. An MP3 whose Xing/Info header
// declares its length still probes as it did, and fails to decode.
func cmdGarble(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: garble FILE OFFSET")
	}
	off, err := strconv.Atoi(args[1])
	ts.Check(err)
	p := ts.MkAbs(args[0])
	data, err := os.ReadFile(p)
	ts.Check(err)
	if off < 0 || off >= len(data) {
		ts.Fatalf("garble: offset %d outside %s (%d bytes)", off, args[0], len(data))
	}
	for i := off; i < len(data); i++ {
		data[i] = byte(i*131%251 + 1) // 1…251
	}
	ts.Check(os.WriteFile(p, data, 0o644))
}

// cmdHostile starts a misbehaving server on loopback for the rest of the
// script and puts its URL in an environment variable: hostile MODE VAR,
// MODE one of endless, silent, trickle, stall (see internal/hostile).
func cmdHostile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: hostile MODE VAR")
	}
	mode, err := hostile.ParseMode(args[0])
	ts.Check(err)
	srv, err := hostile.Start(mode)
	ts.Check(err)
	ts.Defer(srv.Close)
	ts.Setenv(args[1], srv.URL)
}

func copyOne(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}
