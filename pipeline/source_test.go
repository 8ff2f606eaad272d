package pipeline

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFindEpisode: an episode is found by slug or by path, with its
// optional files beside it, whatever the case of their extension.
func TestFindEpisode(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	eps := cfg.EpisodesDir()
	if err := os.WriteFile(filepath.Join(eps, "02-kubernetes-cost.JPG"), []byte("jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{"02-kubernetes-cost", filepath.Join(eps, "02-kubernetes-cost.md")} {
		s, err := FindEpisode(cfg, arg)
		if err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		if s.Slug != "02-kubernetes-cost" || s.Number != 2 {
			t.Errorf("%s: slug %q number %d", arg, s.Slug, s.Number)
		}
		if filepath.Base(s.Audio) != "02-kubernetes-cost.mp3" || filepath.Base(s.Chapters) != "02-kubernetes-cost.chapters.txt" {
			t.Errorf("%s: audio %q chapters %q", arg, s.Audio, s.Chapters)
		}
		if filepath.Base(s.Image) != "02-kubernetes-cost.JPG" {
			t.Errorf("%s: image %q, want the .JPG beside it", arg, s.Image)
		}
	}
	if _, err := FindEpisode(cfg, "99-none"); err == nil {
		t.Error("FindEpisode found an episode that does not exist")
	}
	all, err := ListEpisodes(cfg)
	if err != nil || len(all) != 3 {
		t.Fatalf("ListEpisodes = %d episodes, %v; want the sample's 3", len(all), err)
	}
}
