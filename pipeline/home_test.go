package pipeline

import (
	"fmt"
	"testing"
	"time"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/feed"
	"github.com/podpipe/podpipe/manifest"
)

// TestHomeOfNewest: the home page of a big show lists its newest
// homeEpisodes episodes, newest first, whatever the manifest's order, and
// counts the rest, which the feed lists; a small show's lists them all.
func TestHomeOfNewest(t *testing.T) {
	cfg := &config.Config{Publish: config.Publish{BaseURL: "https://cdn.example.org/show/"}}
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{3, homeEpisodes, homeEpisodes + 57} {
		m := &manifest.Manifest{}
		for i := range n {
			// Out of order: 7 is prime to every n here.
			k := i * 7 % n
			m.Episodes = append(m.Episodes, manifest.Episode{
				Slug: fmt.Sprintf("ep-%03d", k), Title: fmt.Sprintf("Episode %d", k), Number: k,
				Date: day.AddDate(0, 0, k), Page: manifest.Object{Key: fmt.Sprintf("episodes/ep-%03d.html", k)},
			})
		}
		s, err := homeOf(cfg, m, feed.Episodes(m.Episodes))
		if err != nil {
			t.Fatal(err)
		}
		listed := min(n, homeEpisodes)
		if len(s.Episodes) != listed || s.Earlier != n-listed {
			t.Fatalf("%d episodes: %d listed, %d earlier; want %d and %d", n, len(s.Episodes), s.Earlier, listed, n-listed)
		}
		for j, e := range s.Episodes {
			if want := fmt.Sprintf("Episode %d", n-1-j); e.Title != want {
				t.Fatalf("%d episodes: entry %d is %q, want %q", n, j, e.Title, want)
			}
		}
	}
}
