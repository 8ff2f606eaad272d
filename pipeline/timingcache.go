package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/podpipe/podpipe/align"
	"github.com/podpipe/podpipe/transcript"
)

// timingVersion changes whenever what is cached, or how it is keyed,
// changes; entries of another version are never read.
const timingVersion = "1"

// timingCache keeps the alignments of episodes, one file per alignment
// named by a hash of everything it was computed from: the transcript's and
// the audio's content, the tier and language asked for, the podpipe
// binary and, for tier tts, the espeak-ng it ran. An entry is never
// updated, only written whole under its name (atomically) or not at all,
// so two publishes at once at worst both align. A cache that cannot be
// read or written is no error: the episode is aligned as without one.
type timingCache struct {
	dir  string   // "" when there is none
	sums sumCache // the audio's sum, when read before
}

// withSums is c taking the audio's sum from sums, and keeping it there.
func (c timingCache) withSums(sums sumCache) timingCache {
	c.sums = sums
	return c
}

// defaultTimingCache is the user's cache folder's podpipe/timing
// ($XDG_CACHE_HOME or ~/.cache on Linux), or none when it has none.
func defaultTimingCache() timingCache {
	dir, err := os.UserCacheDir()
	if err != nil {
		return timingCache{}
	}
	return timingCache{dir: filepath.Join(dir, "podpipe", "timing")}
}

// timingEntry is one cached alignment: the times of every unit and
// section of the transcript, which must have as many of each.
type timingEntry struct {
	Version  string         `json:"version"`
	Tier     string         `json:"tier"` // the tier that ran
	Warnings []string       `json:"warnings,omitempty"`
	Timing   uint8          `json:"timing"`
	Units    []timedUnit    `json:"units"`
	Sections []sectionStart `json:"sections"`
}

type timedUnit struct {
	Start      time.Duration     `json:"start"`
	End        time.Duration     `json:"end"`
	Confidence float64           `json:"confidence"`
	Sentences  []transcript.Span `json:"sentences,omitempty"`
}

type sectionStart struct {
	Start time.Duration `json:"start"`
}

// key names the alignment of e at tier in lang; "" when something it
// depends on cannot be read (then nothing is cached).
func (c timingCache) key(e *episode, tier align.Tier, lang string) string {
	if c.dir == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "podpipe timing %s\ntier %s\nlanguage %s\nduration %d\n", timingVersion, tier, lang, e.info.Duration)
	mdSum, _, err := hashFile(e.md.path)
	if err != nil {
		return ""
	}
	audio, err := hashAudio(e.audio, c.sums)
	if err != nil {
		return ""
	}
	fmt.Fprintf(h, "%s\n%s\n", mdSum, audio.sum)
	// The code that aligns and the synthesiser it runs: a new build of
	// either may time differently. podpipe's own build is known by its
	// content, so that the same code run again (go run builds it anew each
	// time, elsewhere) finds its timing; the synthesiser, a system tool, by
	// its size and time.
	exe := executableSum()
	if exe == "" {
		return ""
	}
	fmt.Fprintf(h, "podpipe %s\n", exe)
	if tier == align.TierTTS {
		if p, err := exec.LookPath("espeak-ng"); err == nil {
			fi, err := os.Stat(p)
			if err != nil {
				return ""
			}
			fmt.Fprintf(h, "tool %s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c timingCache) path(key string) string { return filepath.Join(c.dir, key+".json") }

// load times t from the entry under key, and returns the tier that ran
// and the aligner's warnings then; ok is false when there is no entry for
// t (or it does not fit t's units and sections), t then untouched.
func (c timingCache) load(key string, t *transcript.Transcript) (tier string, warnings []string, ok bool) {
	if key == "" {
		return "", nil, false
	}
	b, err := os.ReadFile(c.path(key))
	if err != nil {
		return "", nil, false
	}
	var en timingEntry
	if json.Unmarshal(b, &en) != nil || en.Version != timingVersion || len(en.Units) != len(t.Units) || len(en.Sections) != len(t.Sections) {
		return "", nil, false
	}
	for i, u := range en.Units {
		t.Units[i].Start, t.Units[i].End, t.Units[i].Confidence, t.Units[i].Sentences = u.Start, u.End, u.Confidence, u.Sentences
	}
	for i, s := range en.Sections {
		t.Sections[i].Start = s.Start
	}
	t.Timing = transcript.Timing(en.Timing)
	return en.Tier, en.Warnings, true
}

// store keeps t's times under key, written to a temporary file and
// renamed into place.
func (c timingCache) store(key string, t *transcript.Transcript, tier string, warnings []string) {
	if key == "" {
		return
	}
	en := timingEntry{Version: timingVersion, Tier: tier, Warnings: warnings, Timing: uint8(t.Timing)}
	for _, u := range t.Units {
		en.Units = append(en.Units, timedUnit{Start: u.Start, End: u.End, Confidence: u.Confidence, Sentences: u.Sentences})
	}
	for _, s := range t.Sections {
		en.Sections = append(en.Sections, sectionStart{Start: s.Start})
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(c.dir, ".tmp-*")
	if err != nil {
		return
	}
	defer os.Remove(tmp.Name())
	err = json.NewEncoder(tmp).Encode(en)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		os.Rename(tmp.Name(), c.path(key))
	}
}

// executableSum is the SHA-256 of the running podpipe, "" when it cannot
// be read; worked out once a run.
var executableSum = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	sum, _, err := hashFile(exe)
	if err != nil {
		return ""
	}
	return sum
})
