package pipeline

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Artwork is published as it is: bytes that are not the JPEG or PNG their
// name claims are refused with the file's name, before anything is
// published, whether they are an episode's picture or the show's cover.
func TestArtworkNotAnImage(t *testing.T) {
	const slug = "01-p99-observability"
	for _, tc := range []struct {
		name, file, want string
		png              bool // write a real PNG instead of text
	}{
		{"text as jpg", "art/p99.jpg", "art/p99.jpg: not a JPEG or PNG image", false},
		{"text as png", "art/p99.png", "art/p99.png: not a JPEG or PNG image", false},
		{"png as jpg", "art/p99.jpg", "art/p99.jpg: is a PNG image named as a JPEG one", true},
	} {
		t.Run("episode "+tc.name, func(t *testing.T) {
			cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
			prependFrontMatter(t, cfg, slug, `image = "`+tc.file+`"`)
			p := filepath.Join(cfg.EpisodesDir(), tc.file)
			if tc.png {
				writePNG(t, p, color.White)
			} else {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("<?php echo 1; ?>"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := newPipeline(t, cfg, nil, Options{}).Publish(context.Background(), []string{slug})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one with %q", err, tc.want)
			}
			if _, _, err := mustOpen(t, cfg).Get(context.Background(), "feed.xml"); err == nil {
				t.Errorf("a feed was published despite the error")
			}
		})
	}
	t.Run("show cover", func(t *testing.T) {
		cfg := sampleShow(t, "public", "", "https://cdn.example.com/show/")
		if err := os.WriteFile(filepath.Join(cfg.Dir, "fake.png"), []byte("not a picture"), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg.Show.Image = "fake.png"
		_, err := newPipeline(t, cfg, nil, Options{}).BuildFeed(context.Background())
		if err == nil || !strings.Contains(err.Error(), "show.image: ") || !strings.Contains(err.Error(), "fake.png: not a JPEG or PNG image") {
			t.Fatalf("err = %v, want one naming show.image and fake.png", err)
		}
	})
}
