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
	// A bare file name of a source, 03-x.md or 03-x.mp3, names its slug.
	slug := strings.TrimSuffix(arg, ".chapters.txt")
	for _, ext := range []string{".md", ".mp3", ".m4a", ".chapters.json"} {
		slug = strings.TrimSuffix(slug, ext)
	}
	if strings.ContainsAny(arg, `/\`) || filepath.Ext(arg) != "" && isFile(arg) {
		dir = filepath.Dir(arg)
		base := filepath.Base(arg)
		slug = strings.TrimSuffix(base, filepath.Ext(base))
		slug = strings.TrimSuffix(slug, ".chapters")
	}
	md := filepath.Join(dir, slug+".md")
	if !exists(md) {
		// A path to the transcript names the file looked for already.
		where := ""
		if a := filepath.Clean(arg); a != filepath.Clean(md) && a != rel(md) {
			where = fmt.Sprintf(" (looked for %s)", rel(md))
		}
		if near := nearSlugs(dir, slug); len(near) > 0 {
			return nil, fmt.Errorf("%s: no such episode%s; did you mean %s?", arg, where, strings.Join(near, " or "))
		}
		return nil, fmt.Errorf("%s: no such episode%s", arg, where)
	}
	if err := checkSlug(slug); err != nil {
		return nil, fmt.Errorf("%s: %w", rel(md), err)
	}
	return sourceIn(dir, slug), nil
}

// nearSlugs lists the slugs in dir that slug may have meant: those that
// start with it or contain it, or share its episode number.
func nearSlugs(dir, slug string) []string {
	slugs, _ := slugsIn(dir)
	num := leadingNumber.FindString(slug)
	var near []string
	for _, s := range slugs {
		if slug != "" && strings.Contains(s, slug) || num != "" && strings.HasPrefix(s, num) {
			near = append(near, s)
		}
	}
	return near
}

// checkSlug refuses a slug that cannot name an episode's objects in
// storage: with "..", they would land at the store's root; a slug starting
// with "." would hide them, and ListEpisodes skips it.
func checkSlug(slug string) error {
	if slug == "" || strings.HasPrefix(slug, ".") {
		return fmt.Errorf("%q cannot be an episode's slug: the slug names the episode's objects in storage, and may not be empty or start with \".\"", slug)
	}
	return nil
}

// ListEpisodes returns every episode in the config's episodes folder, in
// slug order.
func ListEpisodes(cfg *config.Config) ([]*Source, error) {
	dir := cfg.EpisodesDir()
	slugs, err := slugsIn(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: episodes folder not found (publish.episodes in %s)", dir, cfg.File)
		}
		return nil, err
	}
	if len(slugs) == 0 {
		return nil, fmt.Errorf("%s: no episodes (*.md) found", dir)
	}
	var out []*Source
	for _, slug := range slugs {
		out = append(out, sourceIn(dir, slug))
	}
	return out, nil
}

// slugsIn lists the slugs of the episodes in dir, in order; hidden files
// are none.
func slugsIn(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || filepath.Ext(name) != ".md" || strings.HasPrefix(name, ".") {
			continue
		}
		out = append(out, strings.TrimSuffix(name, ".md"))
	}
	sort.Strings(out)
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

// firstExisting is the first of the names that exists, whatever it is: a
// link to nothing or a FIFO under an episode's name is its source too, and
// is refused when it is read rather than passed over in silence.
func firstExisting(dir, stem string, exts ...string) string {
	for _, ext := range exts {
		p := filepath.Join(dir, stem+ext)
		if exists(p) {
			return p
		}
	}
	return ""
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
