package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/podpipe/podpipe/align"
	"github.com/podpipe/podpipe/progress"
	"github.com/podpipe/podpipe/transcript"
)

// timing is how transcripts are timed against their audio (step 2, time).
type timing struct {
	tier     align.Tier // auto already resolved to the best this machine has
	language string     // show.language, for an episode that does not say its own
	log      io.Writer  // the aligner's progress and warnings
	cache    timingCache
	progress progress.Reporter // how far the aligner has decoded
}

// resolveTier is the tier the --align option asks for, auto resolved to
// the best this machine has, so that the source hash names what really
// runs.
func resolveTier(option string) align.Tier {
	t, err := align.ParseTier(option)
	if err != nil || t == align.TierAuto {
		return align.Available()
	}
	return t
}

// timed says how an episode was timed, for the log.
type timed struct {
	description string // "aligned to the audio, tier tts", "estimated in proportion to length"
	warnings    []string
}

// time times the episode's transcript against its audio, in place (the
// transcript.Timer contract). The aligner falls back on a lower tier, with
// a warning in the log, when a higher one cannot run; it decodes MP3 only,
// so AAC audio is timed by the estimate. An alignment is kept in the
// timing cache, keyed by what it was computed from, and taken from there
// the next time: showing or regenerating the chapters of an unchanged
// episode then takes milliseconds instead of an alignment.
func (tm timing) time(ctx context.Context, e *episode) (timed, error) {
	var res timed
	if !hasSpeech(e.t) {
		// Show notes only: no alignment, no estimate.
		res.description = noTranscript
		return res, nil
	}
	var timer transcript.Timer = transcript.Proportional{}
	var aligner *align.Aligner
	switch {
	case tm.tier == align.TierNone:
	case e.audio.ext() != ".mp3":
		res.warnings = append(res.warnings, e.audio.name+": the aligner reads MP3 only; times are estimated in proportion to length")
	default:
		// The episode's own language first: a show may hold episodes
		// in several.
		lang := cmp.Or(e.t.Language, tm.language)
		key := tm.cache.key(e, tm.tier, lang)
		if tier, warnings, ok := tm.cache.load(key, e.t); ok {
			for _, w := range warnings {
				fmt.Fprintln(tm.log, "align: warning:", w)
			}
			res.description = "aligned to the audio, tier " + tier + " (cached)"
			return res, nil
		}
		name := filepath.Base(e.md.name)
		var st progress.Stage // begun at the first report, which knows the total
		read := false         // the audio is read: st is the timing itself
		defer func() {
			if st != nil {
				st.Done()
			}
		}()
		aligner = align.New(align.Options{Tier: tm.tier, Language: lang, Log: tm.log,
			Progress: func(done, total time.Duration) {
				if read {
					return
				}
				if st == nil {
					st = progress.Start(tm.progress, "reading the audio of "+name, progress.Time, int64(total))
				}
				st.Set(int64(done))
				if total > 0 && done >= total {
					read = true
					// Read: the rest cannot say how far it is.
					st.Done()
					st = progress.Start(tm.progress, "timing "+name+" to its audio", progress.Time, 0)
				}
			}})
		timer = aligner
		defer func() {
			if res.description != "" {
				tm.cache.store(key, e.t, aligner.Tier().String(), aligner.Report().Warnings)
			}
		}()
	}
	if err := timer.Time(ctx, e.t, transcript.Audio{Path: e.audio.path, Duration: e.info.Duration}); err != nil {
		var ns *align.NoSpeechError
		if errors.As(err, &ns) {
			// About the audio alone, named as the show names it; the
			// transcript can still be published, untimed by the audio.
			named := *ns
			named.Path = e.audio.name
			return res, fmt.Errorf("%w; to publish it anyway, with the transcript timed in proportion to its length: --align none", &named)
		}
		if errors.Is(err, align.ErrMismatch) {
			err = fmt.Errorf("%w; --align none publishes it without aligning", err)
		}
		return res, timingError(e.md.name, e.audio, err)
	}
	res.description = "estimated in proportion to length"
	if aligner != nil {
		res.description = "aligned to the audio, tier " + aligner.Tier().String()
	}
	return res, nil
}

// noTranscript is how the log says an episode of show notes only was
// timed.
const noTranscript = "no transcript to time"

// hasSpeech says whether the transcript has speaker turns. An episode
// without (show notes only) is published with its audio, page, notes and
// chapters from a chapters file, the front matter or the audio, but no
// timing, no suggested chapters and no transcript files.
func hasSpeech(t *transcript.Transcript) bool {
	return slices.ContainsFunc(t.Units, func(u transcript.Unit) bool { return u.Kind == transcript.Speech })
}

// timingError names the transcript in an error of its timing: the timer
// does not know the file, so a problem at a line ("line 49: anchor …")
// becomes "episodes/x.md:49: anchor …", the form of every other bad input.
// The aligner names the audio by the path it opened; the message names it
// as the show does, like every other message about the episode's files.
func timingError(md string, audio sourceFile, err error) error {
	if audio.path != audio.name && strings.Contains(err.Error(), audio.path) {
		err = &renamed{err: err, msg: strings.ReplaceAll(err.Error(), audio.path, audio.name)}
	}
	return transcript.InFile(md, fmt.Errorf("timing: %w", err))
}

// renamed is err with another message, for errors.Is and As to see
// through.
type renamed struct {
	err error
	msg string
}

func (r *renamed) Error() string { return r.msg }
func (r *renamed) Unwrap() error { return r.err }
