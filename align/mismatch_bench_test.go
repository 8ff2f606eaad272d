package align

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// benchEpisode is a transcript and its audio.
type benchEpisode struct{ name, md, mp3 string }

// mismatchSet is every episode of the sample show and of the real-speech
// set found beside the repository.
func mismatchSet(t *testing.T) []benchEpisode {
	var out []benchEpisode
	real := realSpeech
	if dir := os.Getenv("REAL_SPEECH"); dir != "" {
		real = dir
	}
	for _, glob := range []string{"../episodes/*.md", filepath.Join(real, "dev-*.md")} {
		mds, _ := filepath.Glob(glob)
		for _, md := range mds {
			mp3 := strings.TrimSuffix(md, ".md") + ".mp3"
			if _, err := os.Stat(mp3); err != nil {
				continue
			}
			name := strings.TrimSuffix(filepath.Base(md), ".md")
			if i := strings.IndexByte(name, '-'); i == 2 {
				name = name[:2] // sample show: the number
			}
			out = append(out, benchEpisode{name, md, mp3})
		}
	}
	if len(out) == 0 {
		t.Skip("no episodes")
	}
	return out
}

// pairResult is one transcript × audio pair's evidence.
type pairResult struct {
	Err   string // the aligner's error, if it refused
	Match matchReport
	Conf  [2]float64 // lowest and highest unit confidence
}

// alignPair aligns the transcript of tr to the audio of au, or takes the
// result from the cache dir (keyed by both files' contents and the
// aligner's version of the test).
func alignPair(t *testing.T, cache string, tr, au benchEpisode) pairResult {
	h := sha256.New()
	fmt.Fprintln(h, mismatchBenchVersion)
	for _, p := range []string{tr.md, au.mp3} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
	}
	file := filepath.Join(cache, hex.EncodeToString(h.Sum(nil))[:24]+".json")
	var res pairResult
	if b, err := os.ReadFile(file); err == nil && json.Unmarshal(b, &res) == nil {
		return res
	}
	src, err := os.ReadFile(tr.md)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := markdown.Parse(tr.md, src)
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Tier: TierTTS})
	err = a.Time(context.Background(), doc, transcript.Audio{Path: au.mp3})
	if err != nil {
		if !errors.Is(err, ErrMismatch) {
			t.Fatalf("%s on %s: %v", tr.name, au.name, err)
		}
		res.Err = err.Error()
	} else {
		res.Conf = [2]float64{1, 0}
		for _, u := range doc.Units {
			res.Conf[0] = min(res.Conf[0], u.Confidence)
			res.Conf[1] = max(res.Conf[1], u.Confidence)
		}
	}
	res.Match = a.match
	b, _ := json.Marshal(res)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return res
}

// mismatchBenchVersion names the evidence the cache holds: change it when
// the aligner's evidence changes.
const mismatchBenchVersion = "content-cues-2"

// TestMismatchMatrix aligns every transcript of the sample show and the
// real-speech set to every audio file (81 pairs, some minutes of CPU the
// first time; results are cached) and prints the evidence for correct
// and wrong pairs. Run it with PODPIPE_MISMATCH_BENCH=1 (scripts/bench-mismatch.sh).
func TestMismatchMatrix(t *testing.T) {
	if os.Getenv("PODPIPE_MISMATCH_BENCH") == "" {
		t.Skip("set PODPIPE_MISMATCH_BENCH=1 to align all transcript × audio pairs")
	}
	if Available() != TierTTS {
		t.Skip("no espeak-ng")
	}
	set := mismatchSet(t)
	if only := os.Getenv("PODPIPE_MISMATCH_ONLY"); only != "" {
		set = slices.DeleteFunc(set, func(e benchEpisode) bool { return !strings.Contains(only, e.name) })
	}
	cache := os.Getenv("PODPIPE_MISMATCH_CACHE")
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			t.Fatal(err)
		}
		cache = filepath.Join(dir, "podpipe", "mismatch")
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	res := make([][]pairResult, len(set))
	for i, tr := range set {
		res[i] = make([]pairResult, len(set))
		for j, au := range set {
			res[i][j] = alignPair(t, cache, tr, au)
			t.Logf("%s on %s: %+v", tr.name, au.name, summary(res[i][j]))
		}
	}
	if out := os.Getenv("PODPIPE_MISMATCH_OUT"); out != "" {
		all := map[string]pairResult{}
		for i, tr := range set {
			for j, au := range set {
				all[tr.name+" "+au.name] = res[i][j]
			}
		}
		b, _ := json.MarshalIndent(all, "", " ")
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Log("\n" + mismatchTable(set, res))
}

// mismatchTable prints the content test's t for every pair (rows:
// transcript, columns: audio), what the aligner decides, and the
// distributions for correct and wrong pairs.
func mismatchTable(set []benchEpisode, res [][]pairResult) string {
	var b strings.Builder
	b.WriteString("content test t (rows: transcript, columns: audio; * own audio;\n" +
		"R refused on the speech rate, X refused on content, M refused on weak content and a cue off music,\n" +
		"? warned, - too few sentences)\n")
	fmt.Fprintf(&b, "%-10s", "")
	for _, au := range set {
		fmt.Fprintf(&b, " %9s", au.name)
	}
	b.WriteString("\n")
	var good, bad []float64
	var refusedRate, refusedContent, refusedMusic, warned, accepted, unknown [2]int // [correct, wrong]
	for i, tr := range set {
		fmt.Fprintf(&b, "%-10s", tr.name)
		for j := range set {
			r := res[i][j]
			w := 1
			if i == j {
				w = 0
			}
			var cell string
			if r.Err != "" && len(r.Match.Content.Margins) == 0 {
				cell = "R"
				refusedRate[w]++
			} else {
				t := r.Match.Content.T()
				cell = fmt.Sprintf("%.1f", t)
				switch r.Match.verdict() {
				case matchWrong:
					cell += "X"
					refusedContent[w]++
				case matchOffMusic:
					cell += "M"
					refusedMusic[w]++
				case matchDoubtful:
					cell += "?"
					warned[w]++
				case matchUnknown:
					cell += "-"
					unknown[w]++
				default:
					accepted[w]++
				}
				if w == 0 {
					good = append(good, t)
				} else {
					bad = append(bad, t)
				}
			}
			if w == 0 {
				cell = "*" + cell
			}
			fmt.Fprintf(&b, " %9s", cell)
		}
		b.WriteString("\n")
	}
	slices.Sort(good)
	slices.Sort(bad)
	fmt.Fprintf(&b, "correct pairs: t = %s\n", floats(good))
	fmt.Fprintf(&b, "wrong pairs:   t = %s\n", floats(bad))
	// Sentences read where they were placed (margin over matchStrong):
	// rare under a wrong audio, which sets matchStrongRate.
	var strongGood []string
	strongBad, sentBad, worstBad := 0, 0, ""
	for i := range set {
		for j := range set {
			c := res[i][j].Match.Content
			if len(c.Margins) == 0 {
				continue
			}
			if i == j {
				strongGood = append(strongGood, fmt.Sprintf("%d/%d", c.strong(), len(c.Margins)))
				continue
			}
			strongBad += c.strong()
			sentBad += len(c.Margins)
			if c.someRead() {
				worstBad += fmt.Sprintf(" %s on %s (%d/%d)", set[i].name, set[j].name, c.strong(), len(c.Margins))
			}
		}
	}
	fmt.Fprintf(&b, "sentences over a margin of %.1f: correct pairs %s; wrong pairs %d of %d (%.1f %%); wrong pairs with more than chance:%s\n",
		matchStrong, strings.Join(strongGood, " "), strongBad, sentBad, 100*float64(strongBad)/float64(max(sentBad, 1)), cmp.Or(worstBad, " none"))
	// The refusal line for a short episode: drawn at random, 8 or more
	// of a correct pair's sentences should rarely fall under it.
	rng := rand.New(rand.NewPCG(1, 2))
	worst, worstAt := 0.0, ""
	var each []string
	for i, tr := range set {
		m := res[i][i].Match.Content.Margins
		mine, mineAt := 0.0, 0
		for n := matchMinRanked; n <= len(m); n++ {
			under := 0
			const draws = 500
			for range draws {
				sub := slices.Clone(m)
				rng.Shuffle(len(sub), func(a, b int) { sub[a], sub[b] = sub[b], sub[a] })
				if (matchReport{Content: contentMatch{Margins: sub[:n]}}).verdict() == matchWrong {
					under++
				}
			}
			if share := float64(under) / draws; share > mine {
				mine, mineAt = share, n
			}
		}
		if mine > worst {
			worst, worstAt = mine, fmt.Sprintf("%d of %s's %d sentences", mineAt, tr.name, len(m))
		}
		if mine > 0 {
			each = append(each, fmt.Sprintf("%s %.1f %% (%d)", tr.name, 100*mine, mineAt))
		} else if len(m) >= matchMinRanked {
			each = append(each, tr.name+" 0")
		}
	}
	fmt.Fprintf(&b, "correct pairs' sentences drawn at random: at most %.1f %% of draws refused (%s); each pair's worst size: %s\n",
		100*worst, worstAt, strings.Join(each, ", "))
	b.WriteString(cueSummary(set, res))
	for k, name := range []string{"correct", "wrong"} {
		fmt.Fprintf(&b, "%s pairs: %d refused on the speech rate, %d refused on content, %d refused on weak content and a cue off music, %d warned, %d accepted, %d undecided\n",
			name, refusedRate[k], refusedContent[k], refusedMusic[k], warned[k], accepted[k], unknown[k])
	}
	return b.String()
}

// cueSummary says how much of every cue's span is music in the correct
// pairs (all of it, if the cue evidence holds), and how many wrong pairs
// the content test left in doubt have a cue off music.
func cueSummary(set []benchEpisode, res [][]pairResult) string {
	cues, least := 0, math.Inf(1)
	offGood, doubtful, doubtfulOff := 0, 0, 0
	for i := range set {
		for j := range set {
			m := res[i][j].Match
			if i == j {
				for _, c := range m.Cues {
					cues++
					if c.Span > 0 {
						least = min(least, float64(c.Music)/float64(c.Span))
					} else {
						least = 0
					}
				}
				if len(m.offMusic()) > 0 {
					offGood++
				}
				continue
			}
			c := m.Content
			if t := c.T(); len(c.Margins) >= matchMinRanked && t >= refuseUnder(len(c.Margins)) && t < musicUnder(len(c.Margins)) {
				doubtful++
				if len(m.offMusic()) > 0 {
					doubtfulOff++
				}
			}
		}
	}
	return fmt.Sprintf("music cues of the correct pairs: %d, the least musical span %.0f %% music, %d pairs with a cue off music; "+
		"wrong pairs the content test leaves in doubt: %d, %d of them with a cue off music\n",
		cues, 100*least, offGood, doubtful, doubtfulOff)
}

func floats(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprintf("%.1f", x)
	}
	return strings.Join(s, " ")
}

func summary(r pairResult) string {
	if r.Err != "" {
		return "refused: " + r.Err
	}
	m := r.Match
	return fmt.Sprintf("rate %.3f shuffle %.1f content t %.1f (%d sentences, %d strong) conf %.2f–%.2f, %d of %d cues off music",
		m.Rate, m.Shuffle, nanz(m.Content.T()), len(m.Content.Margins), m.Content.strong(), r.Conf[0], r.Conf[1],
		len(m.offMusic()), len(m.Cues))
}

func nanz(x float64) float64 {
	if math.IsNaN(x) {
		return -1
	}
	return x
}
