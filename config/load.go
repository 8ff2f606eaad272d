package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Error is a problem in a config file, with the line it was found on when
// known.
type Error struct {
	File string
	Line int    // 0 when the problem has no single line (a missing key)
	Key  string // the dotted key, e.g. "show.title"
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads and checks the config file at path, applies the PODPIPE_*
// environment overrides, and resolves relative paths against the file's
// directory.
func Load(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such config file (give one with --config)", path)
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := Parse(path, src)
	if err != nil {
		return nil, err
	}
	if err := cfg.applyEnv(os.LookupEnv); err != nil {
		return nil, err
	}
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Parse decodes a config from src without checking required keys; name is
// used in errors and to resolve relative paths.
func Parse(name string, src []byte) (*Config, error) {
	cfg := &Config{
		Publish: Publish{Episodes: "episodes", BaseURL: "http://127.0.0.1:8080/"},
		Storage: Storage{URL: "public", Region: "us-east-1", PathStyle: true},
		Show:    Show{Language: "en", Type: "episodic", Medium: "podcast"},
	}
	dec := toml.NewDecoder(bytes.NewReader(src)).DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return nil, tomlError(name, err)
	}
	cfg.File = name
	abs, err := filepath.Abs(filepath.Dir(name))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg.Dir = abs
	return cfg, nil
}

func tomlError(name string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		de := strict.Errors[0]
		line, _ := de.Position()
		return &Error{File: name, Line: line, Key: strings.Join(de.Key(), "."), Msg: "unknown key"}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		return &Error{File: name, Line: line, Key: strings.Join(de.Key(), "."), Msg: de.Error()}
	}
	return &Error{File: name, Msg: err.Error()}
}

// env lists the environment variables that override the file, each with
// the field it sets.
var env = []struct {
	name, key string
	field     func(*Config) any
}{
	{"PODPIPE_BASE_URL", "publish.base_url", func(c *Config) any { return &c.Publish.BaseURL }},
	{"PODPIPE_EPISODES", "publish.episodes", func(c *Config) any { return &c.Publish.Episodes }},
	{"PODPIPE_STORAGE_URL", "storage.url", func(c *Config) any { return &c.Storage.URL }},
	{"PODPIPE_STORAGE_ENDPOINT", "storage.endpoint", func(c *Config) any { return &c.Storage.Endpoint }},
	{"PODPIPE_STORAGE_REGION", "storage.region", func(c *Config) any { return &c.Storage.Region }},
	{"PODPIPE_STORAGE_PATH_STYLE", "storage.path_style", func(c *Config) any { return &c.Storage.PathStyle }},
	{"PODPIPE_STORAGE_ACL", "storage.acl", func(c *Config) any { return &c.Storage.ACL }},
}

func (c *Config) applyEnv(lookup func(string) (string, bool)) error {
	for _, e := range env {
		v, ok := lookup(e.name)
		if !ok {
			continue
		}
		switch p := e.field(c).(type) {
		case *string:
			*p = v
		case *bool:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%s: want true or false, got %q", e.name, v)
			}
			*p = b
		}
	}
	return nil
}

// Check reports the first missing or invalid key.
func (c *Config) Check() error {
	bad := func(key, format string, args ...any) error {
		return &Error{File: c.File, Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	s := c.Show
	required := []struct{ key, val string }{
		{"show.title", s.Title},
		{"show.description", s.Description},
		{"show.owner_email", s.OwnerEmail},
		{"show.image", s.Image},
	}
	for _, r := range required {
		if strings.TrimSpace(r.val) == "" {
			return bad(r.key, "required key is missing")
		}
	}
	if _, err := mail.ParseAddress(s.OwnerEmail); err != nil {
		return bad("show.owner_email", "not an e-mail address: %q", s.OwnerEmail)
	}
	if len(s.Categories) == 0 {
		return bad("show.categories", "required key is missing (Apple's categories, e.g. [\"Technology\"])")
	}
	for _, cat := range s.Categories {
		if err := ValidCategory(cat); err != nil {
			return bad("show.categories", "%v", err)
		}
	}
	if s.Type != "episodic" && s.Type != "serial" {
		return bad("show.type", "want \"episodic\" or \"serial\", got %q", s.Type)
	}
	if _, err := os.Stat(c.Path(s.Image)); err != nil {
		return bad("show.image", "cannot read %s", c.Path(s.Image))
	}
	if s.Link != "" {
		if err := checkURL(s.Link); err != nil {
			return bad("show.link", "%v", err)
		}
	}
	if err := checkURL(c.Publish.BaseURL); err != nil {
		return bad("publish.base_url", "%v", err)
	}
	if c.Storage.URL == "" {
		return bad("storage.url", "empty: give a directory or s3://bucket/prefix")
	}
	if strings.HasPrefix(c.Storage.URL, "s3://") {
		u, err := url.Parse(c.Storage.URL)
		if err != nil || u.Host == "" {
			return bad("storage.url", "want s3://bucket/prefix, got %q", c.Storage.URL)
		}
	} else if strings.Contains(c.Storage.URL, "://") {
		return bad("storage.url", "unsupported scheme in %q: give a directory or s3://bucket/prefix", c.Storage.URL)
	}
	return nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an http(s) URL, got %q", s)
	}
	return nil
}

// Path resolves a path from the config against the config's directory.
func (c *Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// EpisodesDir is the folder of episode sources.
func (c *Config) EpisodesDir() string { return c.Path(c.Publish.Episodes) }

// LocalStorageDir is the directory of a local store, or "" for S3.
func (c *Config) LocalStorageDir() string {
	if strings.HasPrefix(c.Storage.URL, "s3://") {
		return ""
	}
	return c.Path(c.Storage.URL)
}
