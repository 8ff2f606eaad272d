package main

import (
	"runtime/debug"
	"testing"
)

func TestVersion(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0f20348c1a2b3c4d5e6f"},
		{Key: "vcs.time", Value: "2026-11-30T08:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	if got, want := version(bi, true), "(devel) rev 0f20348c1a2b (modified) 2026-11-30T08:00:00Z go1.26.0"; got != want {
		t.Errorf("version = %q, want %q", got, want)
	}
	bi = &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}}
	if got, want := version(bi, true), "v1.2.0 go1.26.0"; got != want {
		t.Errorf("version of a go install = %q, want %q", got, want)
	}
}
