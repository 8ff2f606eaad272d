package config

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const validShow = `
[show]
title = "Show"
description = "About"
owner_email = "o@example.org"
image = "cover.jpg"
categories = ["Technology"]
`

// cover is a real JPEG: Load reads the artwork's header (its size is
// Apple's advice, which the pipeline gives, not a config error).
func cover(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cover.jpg"), cover(t), 0o644); err != nil {
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
		{"bad type", validShow + "type = \"weekly\"\n", ": show.type: \"weekly\" is not episodic or serial"},
		{"bad base url", validShow + "[publish]\nbase_url = \"example.org\"\n", ": publish.base_url: \"example.org\" is not an absolute http or https URL"},
		{"bad storage", validShow + "[storage]\nurl = \"ftp://x\"\n", ": storage.url: unsupported scheme"},
		{"bad keep", validShow + "[publish]\nkeep_superseded = \"a week\"\n", ":9: publish.keep_superseded: want a number of days"},
		{"negative keep", validShow + "[publish]\nkeep_superseded = \"-1h\"\n", ":9: publish.keep_superseded: want a number of days"},
		{"wrong type", validShow + "explicit = \"no\"\n", ":8: show.explicit: want true or false, got a string"},
		// Credentials in a URL: refused at their line, never repeated
		// (TestLoadErrors checks that "s3cret" is in no message).
		{"base url with password", validShow + "[publish]\nbase_url = \"https://user:s3cret@cdn.example.org/\"\n", ":9: publish.base_url: the URL has a user name or password in it"},
		{"endpoint with password", validShow + "[storage]\nurl = \"s3://b/p\"\nendpoint = \"http://KEY:s3cret@127.0.0.1:7070\"\n", ":10: storage.endpoint: has a user name or password in it"},
		{"endpoint with unparsable password", validShow + "[storage]\nurl = \"s3://b/p\"\nendpoint = \"http://KEY:s3cret/%@127.0.0.1:7070\"\n", ":10: storage.endpoint: not an http(s) URL"},
		{"storage url with password", validShow + "[storage]\nurl = \"s3://KEY:s3cret@bucket/show\"\n", ":9: storage.url: has a user name or password in it"},
		{"show link with password", validShow + "link = \"https://me:s3cret@example.org/\"\n", ":8: show.link: the URL has a user name or password"},
		{"bad endpoint", validShow + "[storage]\nurl = \"s3://b/p\"\nendpoint = \"127.0.0.1:7070\"\n", ":10: storage.endpoint: not an http(s) URL"},
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
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q repeats a password", err)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *config.Error", err)
			}
		})
	}
}

// TestKeepSuperseded: the grace period of superseded objects, in days or
// as a Go duration, a week when unset.
func TestKeepSuperseded(t *testing.T) {
	for _, tt := range []struct {
		set  string
		want time.Duration
	}{
		{"", 7 * 24 * time.Hour},
		{"3d", 3 * 24 * time.Hour},
		{"36h", 36 * time.Hour},
		{"0s", 0},
	} {
		body := validShow
		if tt.set != "" {
			body += "[publish]\nkeep_superseded = \"" + tt.set + "\"\n"
		}
		cfg, err := Load(writeConfig(t, body))
		if err != nil {
			t.Fatalf("%q: %v", tt.set, err)
		}
		if got := cfg.Keep(); got != tt.want {
			t.Errorf("keep_superseded %q: Keep() = %v, want %v", tt.set, got, tt.want)
		}
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
	t.Setenv("PODPIPE_STORAGE_ENDPOINT", "http://KEY:s3cret@127.0.0.1:7070")
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "PODPIPE_STORAGE_ENDPOINT (storage.endpoint): has a user name or password") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("endpoint with a password from the environment: err = %v", err)
	}
	t.Setenv("PODPIPE_STORAGE_ENDPOINT", "")
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

// The artwork is published as it is, so Load reads its header: bytes that
// are not the image the name claims never become the show's cover.
func TestLoadArtworkNotAnImage(t *testing.T) {
	var png bytes.Buffer
	if err := pngEncode(&png); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"text", []byte("<html>hello</html>"), `:6: show.image: cover.jpg: not a JPEG or PNG image (unknown format)`},
		{"empty", nil, `:6: show.image: cover.jpg: not a JPEG or PNG image`},
		{"PNG named .jpg", png.Bytes(), `:6: show.image: cover.jpg: is a PNG image named as a JPEG one`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeConfig(t, validShow)
			if err := os.WriteFile(filepath.Join(filepath.Dir(p), "cover.jpg"), tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(p)
			if err == nil || !strings.HasPrefix(err.Error(), p+tt.want) {
				t.Errorf("error = %v, want %s%s…", err, p, tt.want)
			}
		})
	}
}

func pngEncode(w *bytes.Buffer) error {
	return png.Encode(w, image.NewRGBA(image.Rect(0, 0, 16, 16)))
}

func TestFindWalksUp(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "episodes", "drafts")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if p, ok := Find(deep); ok {
		t.Fatalf("Find with no config.toml anywhere below %s = %q", root, p)
	}
	if err := os.WriteFile(filepath.Join(root, FileName), []byte("[show]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, ok := Find(deep)
	if !ok || p != filepath.Join(root, FileName) {
		t.Fatalf("Find(%s) = %q, %v; want %s", deep, p, ok, filepath.Join(root, FileName))
	}
	t.Chdir(deep)
	p, ok = Find(".")
	if !ok || p != filepath.Join("..", "..", FileName) {
		t.Fatalf("Find(.) from %s = %q, %v; want ../../config.toml", deep, p, ok)
	}
}

func TestLoadNamesEveryMissingKey(t *testing.T) {
	p := writeConfig(t, "[show]\nlanguage = \"en\"\n")
	_, err := Load(p)
	if err == nil {
		t.Fatal("Load succeeded with no required key")
	}
	for _, key := range []string{"show.title", "show.description", "show.owner_email", "show.image", "show.categories"} {
		if want := p + ": " + key + ": required key is missing"; !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", key, err)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 5 {
		t.Errorf("error has %d lines, want 5 (one a key):\n%v", n, err)
	}
}

// A config file past its limit is refused before it is read whole.
func TestLoadTooLarge(t *testing.T) {
	p := writeConfig(t, "title = \"x\"\n")
	if err := os.Truncate(p, 1<<30); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	want := p + ": too large: 1073741824 bytes, over the 1 MiB a config file may have"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}
