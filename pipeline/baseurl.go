package pipeline

import (
	"fmt"
	"strings"

	"github.com/podpipe/podpipe/manifest"
)

// noteBaseURL says, before any work, what a new publish.base_url costs:
// an MP3's tag holds its episode's page URL (WXXX), so every episode
// built under another base URL gets a new MP3, uploaded again in full.
// eps are the episodes this publish builds; old is the manifest, which
// records the base URL each published episode was built under.
func (p *Pipeline) noteBaseURL(eps []*episode, old *manifest.Manifest) {
	base := p.cfg.URLFor("")
	from := map[string]bool{}
	batch := map[string]bool{}
	again := 0 // episodes of this publish whose audio is uploaded again
	for _, e := range eps {
		batch[e.slug] = true
		if prev := old.Find(e.slug); prev != nil && builtElsewhere(prev, base) && e.audio.ext() == ".mp3" {
			again++
			from[prev.BaseURL] = true
		}
	}
	later := 0 // published episodes left with the old URL in their tags
	for i := range old.Episodes {
		if prev := &old.Episodes[i]; !batch[prev.Slug] && builtElsewhere(prev, base) && prev.Audio.ContentType == "audio/mpeg" {
			later++
			from[prev.BaseURL] = true
		}
	}
	if again == 0 && later == 0 {
		return
	}
	was := strings.Join(sortedKeys(from), " and ")
	verb := "will be"
	if p.opt.DryRun {
		verb = "would be"
	}
	msg := fmt.Sprintf("note: base_url changed from %s to %s: ", was, base)
	if again > 0 {
		msg += fmt.Sprintf("the audio of %s %s uploaded again (the page URL is in each MP3's tags)", countEpisodes(again), verb)
		if later > 0 {
			msg += fmt.Sprintf("; %d other published %s the old page URL in %s tags until published again", later, plural(later, "episode keeps", "episodes keep"), plural(later, "its", "their"))
		}
	} else {
		msg += fmt.Sprintf("%d published %s the old page URL in the MP3's tags until published again, which uploads the audio again", later, plural(later, "episode keeps", "episodes keep"))
	}
	p.logf("%s", msg)
}

// builtElsewhere says whether the published episode was built under a
// base URL other than base; a manifest older than version 3 does not say.
func builtElsewhere(e *manifest.Episode, base string) bool {
	return e.BaseURL != "" && e.BaseURL != base
}

// recordBaseURL fills in the base URL of the published episodes of
// slugs that the manifest does not say (written before version 3): they
// are unchanged, so built under the base URL of this publish, which their
// source hash includes.
func recordBaseURL(m *manifest.Manifest, slugs []string, base string) {
	for _, s := range slugs {
		if e := m.Find(s); e != nil && e.BaseURL == "" {
			e.BaseURL = base
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func countEpisodes(n int) string { return fmt.Sprintf("%d %s", n, plural(n, "episode", "episodes")) }
