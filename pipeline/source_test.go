package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
	if err != nil || len(all) != 4 {
		t.Fatalf("ListEpisodes = %d episodes, %v; want the sample's 4", len(all), err)
	}
}

// TestEpisodeType: episode_type in the front matter reaches the feed's
// itunes:episodeType; without it an episode is "full".
func TestEpisodeType(t *testing.T) {
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	md := filepath.Join(cfg.EpisodesDir(), "03-edge-ai-inference.md")
	src, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(md, append([]byte("+++\nepisode_type = \"bonus\"\n+++\n"), src...), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newPipeline(t, cfg, nil, Options{})
	if _, err := p.PublishAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, p.store)
	for _, e := range m.Episodes {
		want := "full"
		if e.Slug == "03-edge-ai-inference" {
			want = "bonus"
		}
		if e.EpisodeType != want {
			t.Errorf("%s: episodeType %q, want %q", e.Slug, e.EpisodeType, want)
		}
	}
	feed, err := os.ReadFile(filepath.Join(cfg.LocalStorageDir(), "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(feed), "<itunes:episodeType>bonus</itunes:episodeType>"); n != 1 {
		t.Errorf("feed has %d bonus episodes, want 1", n)
	}
}
