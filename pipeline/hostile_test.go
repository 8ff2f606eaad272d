package pipeline

import (
	"bytes"
	"context"
	"image/color"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/config"
)

// The sources of an episode are files of the show, whoever wrote them: a
// link to a file elsewhere (/proc/self/environ, /etc/shadow, another
// user's secrets), or something that is not a file, is refused with one
// line naming it, and nothing of it is published.

// secret is what a file outside the show holds; it must appear in no
// output and no published object.
const secret = "AWS_SECRET_ACCESS_KEY=hostile-secret-0123456789"

// outsideFile writes a file outside the show's folder holding the secret
// (and, for the audio, real audio before it) and returns its path.
func outsideFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, append(data, "\n"+secret+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkRefused checks that a publish failed with one line naming the file,
// that neither the error nor the log holds the secret, and that nothing was
// published.
func checkRefused(t *testing.T, cfg *config.Config, err error, log, names, why string) {
	t.Helper()
	msg := ""
	if err == nil {
		t.Errorf("publish succeeded; want it refused")
	} else {
		msg = err.Error()
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error is more than one line: %q", msg)
	}
	if err != nil && (!strings.Contains(msg, names) || !strings.Contains(msg, why)) {
		t.Errorf("err = %q, want one naming %s and saying %q", msg, names, why)
	}
	for _, out := range []string{msg, log} {
		if strings.Contains(out, "hostile-secret") || strings.Contains(out, "PATH=") {
			t.Errorf("the secret is in the output: %q", out)
		}
	}
	checkNothingLeaked(t, cfg)
	if _, err := os.Stat(filepath.Join(cfg.LocalStorageDir(), config.FeedKey)); err == nil {
		t.Errorf("a feed was published despite the error")
	}
}

// checkNothingLeaked reads every published object: none may hold the
// secret or an environment.
func checkNothingLeaked(t *testing.T, cfg *config.Config) {
	t.Helper()
	environ, _ := os.ReadFile("/proc/self/environ")
	root := cfg.LocalStorageDir()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Error(err)
			return nil
		}
		if bytes.Contains(data, []byte("hostile-secret")) {
			t.Errorf("%s holds the secret", p)
		}
		if len(environ) > 0 && bytes.Contains(data, environ) {
			t.Errorf("%s holds the publisher's environment", p)
		}
		return nil
	})
}

func publishLogged(t *testing.T, cfg *config.Config, slug string) (string, error) {
	t.Helper()
	var log bytes.Buffer
	p := NewWithStore(cfg, mustOpen(t, cfg), Options{Log: &log, Align: "none"})
	_, err := p.Publish(context.Background(), []string{slug})
	return log.String(), err
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
}

func TestSourcesOutsideTheShow(t *testing.T) {
	const slug = "01-p99-observability"
	sample := func(t *testing.T, ext string) []byte {
		data, err := os.ReadFile(filepath.Join("..", "episodes", slug+ext))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, cfg *config.Config)
		names string // the file the error names
		why   string
	}{
		{
			name: "artwork linked to /proc/self/environ",
			setup: func(t *testing.T, cfg *config.Config) {
				eps := cfg.EpisodesDir()
				if _, err := os.Stat("/proc/self/environ"); err != nil {
					t.Skip("no /proc/self/environ here")
				}
				symlink(t, "/proc/self/environ", filepath.Join(eps, slug+".jpg"))
			},
			names: slug + ".jpg", why: "outside the show's folder",
		},
		{
			name: "artwork linked to a file elsewhere",
			setup: func(t *testing.T, cfg *config.Config) {
				eps := cfg.EpisodesDir()
				symlink(t, outsideFile(t, "shadow", nil), filepath.Join(eps, slug+".png"))
			},
			names: slug + ".png", why: "outside the show's folder",
		},
		{
			name: "front matter image linked elsewhere",
			setup: func(t *testing.T, cfg *config.Config) {
				eps := cfg.EpisodesDir()
				prependFrontMatter(t, cfg, slug, `image = "art.jpg"`)
				symlink(t, outsideFile(t, "shadow", nil), filepath.Join(eps, "art.jpg"))
			},
			names: "art.jpg", why: "outside the show's folder",
		},
		{
			name: "front matter image above the show",
			setup: func(t *testing.T, cfg *config.Config) {
				eps := cfg.EpisodesDir()
				p := outsideFile(t, "art.png", nil)
				rel, err := filepath.Rel(eps, p)
				if err != nil {
					t.Skip(err)
				}
				prependFrontMatter(t, cfg, slug, `image = "`+filepath.ToSlash(rel)+`"`)
			},
			names: slug + ".md", why: "outside the show's folder",
		},
		{
			name: "front matter image an absolute path",
			setup: func(t *testing.T, cfg *config.Config) {
				prependFrontMatter(t, cfg, slug, `image = "/proc/self/environ"`)
			},
			names: slug + ".md", why: "absolute",
		},
		{
			name: "chapters file linked elsewhere",
			setup: func(t *testing.T, cfg *config.Config) {
				eps := cfg.EpisodesDir()
				// A first line that is not a chapter: a parser would quote it.
				symlink(t, outsideFile(t, "chapters.txt", []byte(secret)), filepath.Join(eps, slug+".chapters.txt"))
			},
			names: slug + ".chapters.txt", why: "outside the show's folder",
		},
		{
			name: "audio linked elsewhere",
			setup: func(t *testing.T, cfg *config.Config) {
				eps := cfg.EpisodesDir()
				target := outsideFile(t, "audio.mp3", sample(t, ".mp3"))
				os.Remove(filepath.Join(eps, slug+".mp3"))
				symlink(t, target, filepath.Join(eps, slug+".mp3"))
			},
			names: slug + ".mp3", why: "outside the show's folder",
		},
		{
			name: "transcript linked elsewhere",
			setup: func(t *testing.T, cfg *config.Config) {
				eps := cfg.EpisodesDir()
				target := outsideFile(t, "episode.md", sample(t, ".md"))
				os.Remove(filepath.Join(eps, slug+".md"))
				symlink(t, target, filepath.Join(eps, slug+".md"))
			},
			names: slug + ".md", why: "outside the show's folder",
		},
		{
			name: "artwork a folder",
			setup: func(t *testing.T, cfg *config.Config) {
				eps := cfg.EpisodesDir()
				if err := os.Mkdir(filepath.Join(eps, slug+".jpg"), 0o755); err != nil {
					t.Fatal(err)
				}
			},
			names: slug + ".jpg", why: "not a regular file",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
			tc.setup(t, cfg)
			log, err := publishLogged(t, cfg, slug)
			checkRefused(t, cfg, err, log, tc.names, tc.why)
			// chapters show reads the same sources.
			_, _, _, err = newPipeline(t, cfg, nil, Options{}).Chapters(context.Background(), slug)
			if err == nil || strings.Contains(err.Error(), "hostile-secret") {
				t.Errorf("chapters show: err = %v, want it refused without the secret", err)
			}
		})
	}
}

// A link to another file of the show is the show's file: it is published.
func TestSourceLinkedInsideTheShow(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	const slug = "01-p99-observability"
	sum := writePNG(t, filepath.Join(cfg.Dir, "art", "shared.png"), color.RGBA{0, 0, 255, 255})
	symlink(t, filepath.Join("..", "art", "shared.png"), filepath.Join(cfg.EpisodesDir(), slug+".png"))
	log, err := publishLogged(t, cfg, slug)
	if err != nil {
		t.Fatalf("%v\nlog:\n%s", err, log)
	}
	e := readManifest(t, mustOpen(t, cfg)).Find(slug)
	if e == nil || e.Image == nil || e.Image.SHA256 != sum {
		t.Errorf("episode image = %+v, want the linked picture (sha256 %s)", e, sum)
	}
}

// The show's cover, like an episode's artwork, is a file of the show.
func TestShowCoverOutsideTheShow(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	cover := filepath.Join(cfg.Dir, "cover.jpg")
	os.Remove(cover)
	symlink(t, outsideFile(t, "cover.jpg", nil), cover)
	var log bytes.Buffer
	_, err := NewWithStore(cfg, mustOpen(t, cfg), Options{Log: &log, Align: "none"}).BuildFeed(context.Background())
	checkRefused(t, cfg, err, log.String(), "cover.jpg", "outside the show's folder")
}

// An absolute front matter audio path is refused for what it is, not
// reported as a missing file.
func TestFrontMatterAudioAbsolute(t *testing.T) {
	cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
	const slug = "01-p99-observability"
	abs, err := filepath.Abs(filepath.Join(cfg.EpisodesDir(), slug+".mp3"))
	if err != nil {
		t.Fatal(err)
	}
	prependFrontMatter(t, cfg, slug, `audio = "`+filepath.ToSlash(abs)+`"`)
	log, err := publishLogged(t, cfg, slug)
	checkRefused(t, cfg, err, log, slug+".md", "absolute")
	if strings.Contains(err.Error(), "no such file") {
		t.Errorf("err = %q, which blames a missing file", err)
	}
}

// A slug names the episode's objects: ".", ".." and hidden names are
// refused (with "..", the objects would land at the store's root).
func TestHiddenSlugs(t *testing.T) {
	for _, slug := range []string{".", "..", ".hidden"} {
		t.Run(slug, func(t *testing.T) {
			cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
			for _, ext := range []string{".md", ".mp3"} {
				data, err := os.ReadFile(filepath.Join(cfg.EpisodesDir(), "03-edge-ai-inference"+ext))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(cfg.EpisodesDir(), slug+ext), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			log, err := publishLogged(t, cfg, slug)
			checkRefused(t, cfg, err, log, slug, "slug")
			entries, _ := os.ReadDir(cfg.LocalStorageDir())
			for _, e := range entries {
				t.Errorf("published %s", e.Name())
			}
		})
	}
}
