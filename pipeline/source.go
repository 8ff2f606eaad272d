// Package pipeline is the steps of a publish: find an episode's sources,
// build every published file from them (tagged audio, transcripts, chapters,
// the HTML page), upload what changed, update the manifest with a
// conditional write and replace the feed last.
//
//	p, err := pipeline.New(ctx, cfg, pipeline.Options{Log: os.Stdout})
//	res, err := p.Publish(ctx, []string{"01-some-slug"})
package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/rules"
)

// Source is where an episode's files are.
type Source struct {
	Slug     string
	Number   int    // from a leading number in the slug; 0 when none
	Markdown string // the transcript
	Audio    string // the audio; may be empty until the front matter names one
	Chapters string // optional chapters file
	Image    string // optional artwork
}

var leadingNumber = regexp.MustCompile(`^(\d+)[-_.]`)

// FindEpisode resolves an EPISODE argument, a slug or a path to the
// episode's Markdown (or audio), to its sources.
func FindEpisode(cfg *config.Config, arg string) (*Source, error) {
	dir := cfg.EpisodesDir()
	slug := arg
	if strings.ContainsAny(arg, `/\`) || filepath.Ext(arg) != "" && fileExists(arg) {
		dir = filepath.Dir(arg)
		base := filepath.Base(arg)
		slug = strings.TrimSuffix(base, filepath.Ext(base))
		slug = strings.TrimSuffix(slug, ".chapters")
	}
	md := filepath.Join(dir, slug+".md")
	if !fileExists(md) {
		return nil, fmt.Errorf("%s: no such episode (looked for %s)", arg, md)
	}
	return sourceIn(dir, slug), nil
}

// ListEpisodes returns every episode in the config's episodes folder, in
// slug order.
func ListEpisodes(cfg *config.Config) ([]*Source, error) {
	dir := cfg.EpisodesDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: episodes folder not found (publish.episodes in %s)", dir, cfg.File)
		}
		return nil, err
	}
	var out []*Source
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || filepath.Ext(name) != ".md" || strings.HasPrefix(name, ".") {
			continue
		}
		out = append(out, sourceIn(dir, strings.TrimSuffix(name, ".md")))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no episodes (*.md) found", dir)
	}
	return out, nil
}

func sourceIn(dir, slug string) *Source {
	s := &Source{Slug: slug, Markdown: filepath.Join(dir, slug+".md")}
	// A leading date (20250924-x) is no episode number: only a number
	// rules take as one becomes itunes:episode.
	if m := leadingNumber.FindStringSubmatch(slug); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && rules.CheckEpisodeNumber(int64(n)) == nil {
			s.Number = n
		}
	}
	s.Audio = firstExisting(dir, slug, ".mp3", ".m4a")
	s.Chapters = firstExisting(dir, slug+".chapters", ".txt", ".json")
	// Cameras and image editors often name files in upper case.
	s.Image = firstExisting(dir, slug, ".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG")
	return s
}

func firstExisting(dir, stem string, exts ...string) string {
	for _, ext := range exts {
		p := filepath.Join(dir, stem+ext)
		if fileExists(p) {
			return p
		}
	}
	return ""
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
