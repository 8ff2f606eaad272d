package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const validShow = `
[show]
title = "Show"
description = "About"
owner_email = "o@example.org"
image = "cover.jpg"
categories = ["Technology"]
`

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cover.jpg"), []byte("jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // substring of the error, after the file name
	}{
		{"unknown key", validShow + "colour = \"red\"\n", ":8: show.colour: unknown key"},
		{"unknown table", validShow + "[stroage]\nurl = \"x\"\n", ":8: stroage: unknown key"},
		{"syntax", validShow + "title = \n", ":8:"},
		{"missing title", strings.Replace(validShow, `title = "Show"`, "", 1), ": show.title: required key is missing"},
		{"missing description", strings.Replace(validShow, `description = "About"`, "", 1), ": show.description: required key is missing"},
		{"missing owner", strings.Replace(validShow, `owner_email = "o@example.org"`, "", 1), ": show.owner_email: required key is missing"},
		{"bad owner", strings.Replace(validShow, `o@example.org`, "nobody", 1), ": show.owner_email: not an e-mail address"},
		{"missing image", strings.Replace(validShow, `image = "cover.jpg"`, "", 1), ": show.image: required key is missing"},
		{"image not there", strings.Replace(validShow, `cover.jpg`, "nope.jpg", 1), ": show.image: cannot read"},
		{"missing categories", strings.Replace(validShow, `categories = ["Technology"]`, "", 1), ": show.categories: required key is missing"},
		{"unknown category", strings.Replace(validShow, `"Technology"`, `"Tecnology"`, 1), `: show.categories: `},
		{"bad type", validShow + "type = \"weekly\"\n", ": show.type: want \"episodic\" or \"serial\""},
		{"bad base url", validShow + "[publish]\nbase_url = \"example.org\"\n", ": publish.base_url: want an http(s) URL"},
		{"bad storage", validShow + "[storage]\nurl = \"ftp://x\"\n", ": storage.url: unsupported scheme"},
		{"wrong type", validShow + "explicit = \"no\"\n", ":8: show.explicit:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, tt.body)
			_, err := Load(p)
			if err == nil {
				t.Fatalf("Load succeeded, want error containing %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), p) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want %s…%s", err, p, tt.want)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *config.Error", err)
			}
		})
	}
}

func TestLoadDefaultsAndEnv(t *testing.T) {
	p := writeConfig(t, validShow)
	cfg, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Storage.URL != "public" || cfg.Publish.Episodes != "episodes" || cfg.Show.Type != "episodic" {
		t.Errorf("defaults not applied: %+v %+v", cfg.Storage, cfg.Publish)
	}
	if got, want := cfg.LocalStorageDir(), filepath.Join(filepath.Dir(p), "public"); got != want {
		t.Errorf("LocalStorageDir = %q, want %q", got, want)
	}
	t.Setenv("PODPIPE_STORAGE_URL", "s3://bucket/show")
	t.Setenv("PODPIPE_BASE_URL", "https://cdn.example.org/show")
	t.Setenv("PODPIPE_STORAGE_PATH_STYLE", "false")
	cfg, err = Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Storage.URL != "s3://bucket/show" || cfg.LocalStorageDir() != "" || cfg.Storage.PathStyle {
		t.Errorf("env overrides not applied: %+v", cfg.Storage)
	}
	if got := cfg.FeedURL(); got != "https://cdn.example.org/show/feed.xml" {
		t.Errorf("FeedURL = %q", got)
	}
	t.Setenv("PODPIPE_STORAGE_PATH_STYLE", "maybe")
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "PODPIPE_STORAGE_PATH_STYLE") {
		t.Errorf("bad bool override: err = %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "config.toml"))
	if err == nil || !strings.Contains(err.Error(), "no such config file") {
		t.Errorf("err = %v", err)
	}
}

func TestSampleConfig(t *testing.T) {
	cfg, err := Load("../config.toml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Show.Language != "zh-TW" || len(cfg.Show.Hosts) == 0 {
		t.Errorf("sample config read wrong: %+v", cfg.Show)
	}
}
