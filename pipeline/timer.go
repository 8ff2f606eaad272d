package pipeline

import (
	"github.com/podpipe/podpipe/align"
	"github.com/podpipe/podpipe/transcript"
)

// tier is the alignment tier the options ask for, auto resolved to the best
// this machine has, so that the source hash names what really ran.
func (p *Pipeline) tier() align.Tier {
	t, err := align.ParseTier(p.opt.Align)
	if err != nil || t == align.TierAuto {
		return align.Available()
	}
	return t
}

// timer is how the transcript is timed against the audio. The aligner
// falls back on a lower tier, with a warning in the log, when a higher one
// cannot run; it decodes MP3 only, so AAC audio is timed by the estimate.
func (p *Pipeline) timer(l *loaded) transcript.Timer {
	p.lastAligner = nil
	if p.tier() == align.TierNone {
		return transcript.Proportional{}
	}
	if l.ext() != ".mp3" {
		p.logf("warning: %s: the aligner reads MP3 only; times are estimated in proportion to length", p.rel(l.audio))
		return transcript.Proportional{}
	}
	a := align.New(align.Options{Tier: p.tier(), Language: p.cfg.Show.Language, Log: p.opt.Log})
	p.lastAligner = a
	return a
}

// timerName identifies the timing in the source hash, so that a change of
// aligner rebuilds the episode.
func (p *Pipeline) timerName() string { return p.tier().String() }

// timerDescription says in the log how the last episode was timed.
func (p *Pipeline) timerDescription() string {
	if p.lastAligner == nil {
		return "estimated in proportion to length"
	}
	return "aligned to the audio, tier " + p.lastAligner.Tier().String()
}
