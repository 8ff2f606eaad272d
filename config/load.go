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

	"github.com/google/uuid"
	"github.com/pelletier/go-toml/v2"

	"github.com/podpipe/podpipe/internal/plainerr"
	"github.com/podpipe/podpipe/rules"
	"github.com/podpipe/podpipe/transcript"
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
	src, err := readFile(path)
	if err != nil {
		return nil, err
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

// readFile reads the config file at path, refusing one past
// transcript.ConfigLimit before reading it whole.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such config file (give one with --config)", path)
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	return transcript.ReadAll(path, f, transcript.ConfigLimit)
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
	cfg.src = src
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
		return &Error{File: name, Line: line, Key: strings.Join(de.Key(), "."), Msg: plainerr.TOML(de)}
	}
	return &Error{File: name, Msg: plainerr.TOML(err)}
}

// env lists the environment variables that override the file, each with
// the field it sets.
var env = []struct {
	name, key string
	field     func(*Config) any
}{
	{"PODPIPE_BASE_URL", "publish.base_url", func(c *Config) any { return &c.Publish.BaseURL }},
	{"PODPIPE_EPISODES", "publish.episodes", func(c *Config) any { return &c.Publish.Episodes }},
	{"PODPIPE_KEEP_SUPERSEDED", "publish.keep_superseded", func(c *Config) any { return &c.Publish.KeepSuperseded }},
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
		if c.fromEnv == nil {
			c.fromEnv = map[string]string{}
		}
		c.fromEnv[e.key] = e.name
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

// Check reports every missing required key, or else the first invalid key, with its line in the
// file when it is there (or the PODPIPE_* variable that set it).
func (c *Config) Check() error {
	bad := func(key, format string, args ...any) error {
		return c.errorAt(key, -1, format, args...)
	}
	s := c.Show
	required := []struct{ key, val string }{
		{"show.title", s.Title},
		{"show.description", s.Description},
		{"show.owner_email", s.OwnerEmail},
		{"show.image", s.Image},
	}
	// Every missing key at once, one a line: a new show fills them in one
	// pass rather than one run per key.
	var missing []error
	for _, r := range required {
		if strings.TrimSpace(r.val) == "" {
			missing = append(missing, bad(r.key, "required key is missing"))
		}
	}
	if len(s.Categories) == 0 {
		missing = append(missing, bad("show.categories", "required key is missing (Apple's categories, e.g. [\"Technology\"])"))
	}
	if len(missing) > 0 {
		return errors.Join(missing...)
	}
	// The address goes into itunes:email and podcast:locked's owner as it
	// is: "Name <addr>" there is not an address Apple can mail.
	if a, err := mail.ParseAddress(s.OwnerEmail); err != nil || a.Address != strings.TrimSpace(s.OwnerEmail) {
		return bad("show.owner_email", "not an e-mail address: %q (give the bare address; the name goes in owner_name)", s.OwnerEmail)
	}
	if err := rules.CheckDescription(s.Description); err != nil {
		return bad("show.description", "%v", err)
	}
	if err := rules.CheckLanguage(s.Language); err != nil {
		return bad("show.language", "%v", err)
	}
	for _, cat := range s.Categories {
		if err := rules.CheckCategory(cat); err != nil {
			return bad("show.categories", "%v", err)
		}
	}
	if err := rules.CheckShowType(s.Type); err != nil {
		return bad("show.type", "%v", err)
	}
	if err := rules.CheckMedium(s.Medium); err != nil {
		return bad("show.medium", "%v", err)
	}
	if s.GUID != "" {
		// podcast:guid is a UUIDv5 (of the feed URL, unless the show
		// keeps the one it had elsewhere); apps match shows by it.
		u, err := uuid.Parse(s.GUID)
		if err != nil || len(s.GUID) != 36 {
			return bad("show.guid", "%q is not a UUID such as 917393e3-1b1e-5cef-ace4-edaa54e1f810", s.GUID)
		}
		if u.Version() != 5 {
			return bad("show.guid", "%q is a version %d UUID; podcast:guid is version 5", s.GUID, u.Version())
		}
	}
	// The artwork is published as it is: it must be the image its name
	// says, never whatever bytes sit under that name.
	if err := rules.CheckArtworkName(s.Image); err != nil {
		return bad("show.image", "%v", err)
	}
	img, err := os.Open(c.Path(s.Image))
	if err != nil {
		return bad("show.image", "cannot read %s", c.Path(s.Image))
	}
	_, err = rules.ReadArtwork(s.Image, img)
	img.Close()
	if err != nil {
		return bad("show.image", "%v", err)
	}
	if s.Link != "" {
		if err := rules.CheckURL(s.Link); err != nil {
			return bad("show.link", "%v", err)
		}
	}
	for i, h := range s.Hosts {
		at := func(key, format string, args ...any) error {
			return c.errorAt("show.hosts."+key, i, format, args...)
		}
		if err := rules.CheckPersonName(h.Name); err != nil {
			return at("name", "%v", err)
		}
		if h.Group != "" {
			if err := rules.CheckPersonGroup(h.Group); err != nil {
				return at("group", "%v", err)
			}
		}
		for _, u := range []struct{ key, val string }{{"href", h.Href}, {"img", h.Img}} {
			if u.val == "" {
				continue
			}
			if err := rules.CheckURL(u.val); err != nil {
				return at(u.key, "%v", err)
			}
		}
	}
	if f := s.Funding; f != nil {
		if f.URL == "" {
			return bad("show.funding.url", "required key is missing")
		}
		if err := rules.CheckURL(f.URL); err != nil {
			return bad("show.funding.url", "%v", err)
		}
	}
	if l := s.License; l != nil {
		if strings.TrimSpace(l.Name) == "" {
			return bad("show.license.name", "required key is missing (an SPDX identifier such as CC-BY-4.0, or a name)")
		}
		if l.URL != "" {
			if err := rules.CheckURL(l.URL); err != nil {
				return bad("show.license.url", "%v", err)
			}
		}
	}
	if err := rules.CheckURL(c.Publish.BaseURL); err != nil {
		return bad("publish.base_url", "%v", err)
	}
	if err := c.checkFeedTags(); err != nil {
		return err
	}
	// Object keys are appended to it: a query or fragment would end up in
	// the middle of every URL.
	if u, _ := url.Parse(c.Publish.BaseURL); u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || strings.Contains(c.Publish.BaseURL, "#") {
		return bad("publish.base_url", "%q has a query or fragment; give the URL of the storage root, e.g. https://cdn.example.org/show/", c.Publish.BaseURL)
	}
	if k := c.Publish.KeepSuperseded; k != "" {
		if _, err := parseKeep(k); err != nil {
			return bad("publish.keep_superseded", "%v", err)
		}
	}
	if c.Storage.URL == "" {
		return bad("storage.url", "empty: give a directory or s3://bucket/prefix")
	}
	// Credentials come from the AWS chain only: in a URL they would be
	// printed in every message that names the store.
	if strings.Contains(c.Storage.URL, "://") && rules.HasUserinfo(c.Storage.URL) {
		return bad("storage.url", "%s", noCredentials)
	}
	if e := c.Storage.Endpoint; e != "" {
		if rules.HasUserinfo(e) {
			return bad("storage.endpoint", "%s", noCredentials)
		}
		if u, err := url.Parse(e); err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			// Not quoted: a mangled user:pass@ would be in it.
			return bad("storage.endpoint", "not an http(s) URL such as http://127.0.0.1:7070")
		}
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

// noCredentials says why a user name or password in a storage URL is
// refused, without repeating it.
const noCredentials = "has a user name or password in it (user:pass@): remove it; credentials come from the AWS chain only (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)"

// errorAt is an Error about key (dotted; for an array of tables such as
// show.hosts, n is the entry's index, else -1), at the key's line when the
// file sets it, or naming the environment variable that set it.
func (c *Config) errorAt(key string, n int, format string, args ...any) error {
	e := &Error{File: c.File, Key: key, Msg: fmt.Sprintf(format, args...)}
	if v, ok := c.fromEnv[key]; ok {
		e.Key = v + " (" + key + ")"
		return e
	}
	i := strings.LastIndexByte(key, '.')
	e.Line = lineOf(c.src, key[:i], n, key[i+1:])
	if n >= 0 {
		e.Key = fmt.Sprintf("%s[%d].%s", key[:i], n+1, key[i+1:])
	}
	return e
}

// lineOf finds the line that sets name in table (in its n-th entry when
// table is an array of tables, n >= 0); 0 when the file does not set it
// (a missing key has no line), except in an array of tables, where the
// entry's header line tells which entry lacks it.
func lineOf(src []byte, table string, n int, name string) int {
	cur, entry, header := "", -1, 0
	for i, l := range strings.Split(string(src), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "[") {
			if j := strings.IndexByte(l, '#'); j >= 0 {
				l = strings.TrimSpace(l[:j])
			}
			arr := strings.HasPrefix(l, "[[")
			cur = strings.TrimSpace(strings.Trim(l, "[]"))
			if cur == table {
				if arr {
					entry++
				}
				if n >= 0 && entry == n {
					header = i + 1
				}
			}
			continue
		}
		if cur != table || n >= 0 && entry != n {
			continue
		}
		k, _, ok := strings.Cut(l, "=")
		if ok && strings.Trim(strings.TrimSpace(k), `"'`) == name {
			return i + 1
		}
	}
	return header
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
