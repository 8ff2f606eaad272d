package main

import (
	"io"
	"strings"
	"testing"

	"github.com/urfave/cli/v3"
)

// TestEveryCommandDocumented: every command has a usage line and an
// example, and every flag can also be set from a PODPIPE_* variable.
func TestEveryCommandDocumented(t *testing.T) {
	var walk func(path string, c *cli.Command)
	walk = func(path string, c *cli.Command) {
		if c.Name == "help" {
			return
		}
		path = strings.TrimSpace(path + " " + c.Name)
		if c.Usage == "" {
			t.Errorf("%s: no Usage", path)
		}
		if !strings.Contains(c.UsageText, "podpipe ") {
			t.Errorf("%s: no example in UsageText", path)
		}
		for _, f := range c.Flags {
			if f.Names()[0] == "help" {
				continue // the library's own, added when a command runs
			}
			df, ok := f.(cli.DocGenerationFlag)
			if !ok {
				t.Errorf("%s --%s: not a documented flag", path, f.Names()[0])
				continue
			}
			// The README promises PODPIPE_<FLAG> for every flag.
			vars := df.GetEnvVars()
			want := "PODPIPE_" + strings.ToUpper(strings.ReplaceAll(f.Names()[0], "-", "_"))
			if len(vars) == 0 || vars[0] != want {
				t.Errorf("%s --%s: want the variable %s, got %v", path, f.Names()[0], want, vars)
			}
		}
		for _, sub := range c.Commands {
			walk(path, sub)
		}
	}
	walk("", newApp(io.Discard, io.Discard))
}
