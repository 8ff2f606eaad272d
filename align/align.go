// Package align times an untimed transcript against its audio: a start, an
// end and a confidence for every turn, every sentence of a long turn and
// every cue, with no timestamp typed by hand. Editors' [mm:ss] anchors are
// kept as fixed points.
//
// It works in tiers, each falling back on the one below:
//
//   - TierNone: the proportional estimate (transcript.Proportional).
//   - TierPauses, always available: an energy voice-activity detector finds
//     pauses and music, and a dynamic programme puts every boundary on a
//     pause near where the text's syllable count says it should be, and
//     every cue on music.
//   - TierTTS, when espeak-ng is installed: each sentence is synthesised in
//     the episode's language, and the synthetic and real signals' MFCCs are
//     matched by dynamic time warping in a band around the tier-1 path
//     (the method of aeneas); boundaries are mapped through the warp and
//     snapped to nearby pauses.
//
// Usage:
//
//	a := align.New(align.Options{Tier: align.TierAuto, Log: os.Stderr})
//	err := a.Time(ctx, t, transcript.Audio{Path: "episodes/01-x.mp3"})
//	fmt.Println("aligned with", a.Report().Tier, "low confidence:", a.Report().LowConfidence)
package align

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime/debug"
	"sync"
	"time"

	"github.com/podpipe/podpipe/align/audio"
	"github.com/podpipe/podpipe/align/mfcc"
	"github.com/podpipe/podpipe/align/vad"
	"github.com/podpipe/podpipe/transcript"
)

// Tier is an alignment method.
type Tier uint8

const (
	TierAuto   Tier = iota // the best available
	TierNone               // proportional estimate only
	TierPauses             // tier 1: pauses and music
	TierTTS                // tier 2: synthesised speech and DTW
)

func (t Tier) String() string {
	switch t {
	case TierNone:
		return "none"
	case TierPauses:
		return "pauses"
	case TierTTS:
		return "tts"
	}
	return "auto"
}

// ParseTier reads a tier's name as the --align flag gives it.
func ParseTier(s string) (Tier, error) {
	for _, t := range []Tier{TierAuto, TierNone, TierPauses, TierTTS} {
		if s == t.String() {
			return t, nil
		}
	}
	return TierAuto, fmt.Errorf("align: unknown tier %q (want auto, none, pauses or tts)", s)
}

// LowConfidence is the confidence under which a unit is listed in the
// report for an editor to check (and perhaps anchor).
const LowConfidence = 0.5

var (
	// ErrSilent means the audio holds no sound to align to.
	ErrSilent = errors.New("audio is silent")
	// ErrNoSpeech means the audio holds sound, but none that can be
	// speech: one steady tone, hum or noise.
	ErrNoSpeech = errors.New("no speech found")
	// ErrMismatch means the audio cannot be the reading of the text: far
	// too little or far too much speech for its length, or (tier 2) the
	// text's synthetic reading fits it no better than other text does.
	ErrMismatch = errors.New("audio and text do not match")
)

// Options configure an Aligner.
type Options struct {
	Tier     Tier
	Language string    // BCP 47 language of the text; empty means the transcript's, then zh-TW
	Espeak   string    // espeak-ng program; empty looks it up in PATH
	Log      io.Writer // warnings and progress; nil discards them
	// NoRefuse warns about audio the content test finds is not the
	// reading of the text, instead of refusing it: for measuring the
	// alignment itself.
	NoRefuse bool
	// Progress, when set, is called as the audio is decoded: how much of
	// it is done, of total (0 when unknown).
	Progress func(done, total time.Duration)
}

// Report says how the last Time call went.
type Report struct {
	Tier          Tier          // the tier whose times were kept
	Warnings      []string      // fallbacks and doubts, also written to Options.Log
	LowConfidence []int         // indexes of units whose Confidence < LowConfidence
	Speech        time.Duration // sound the detector found
	Elapsed       time.Duration
}

// Aligner is a transcript.Timer that aligns to the audio.
type Aligner struct {
	opts       Options
	report     Report
	matchScore float64 // see checkMatch
	audioPath  string
	synth      [][]int16   // every piece's synthetic cepstra, from tier 2 (decimated, as mfcc keeps them)
	match      matchReport // see mismatch.go
}

var _ transcript.Timer = (*Aligner)(nil)

// New returns an Aligner.
func New(opts Options) *Aligner {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	return &Aligner{opts: opts}
}

// Report returns the report of the last Time call.
func (a *Aligner) Report() Report { return a.report }

// Tier returns the tier the last Time call used.
func (a *Aligner) Tier() Tier { return a.report.Tier }

// Available returns the best tier this machine can run: TierTTS when
// espeak-ng is on PATH, else TierPauses.
func Available() Tier {
	if _, err := exec.LookPath("espeak-ng"); err == nil {
		return TierTTS
	}
	return TierPauses
}

func (a *Aligner) warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	a.report.Warnings = append(a.report.Warnings, msg)
	fmt.Fprintln(a.opts.Log, "align: warning:", msg)
}

// Time implements transcript.Timer. It reads the audio at au.Path (MP3 or
// WAV); au.Duration is used only for the proportional estimate. A source
// timed transcript is left alone.
func (a *Aligner) Time(ctx context.Context, t *transcript.Transcript, au transcript.Audio) error {
	began := time.Now()
	a.report = Report{}
	a.audioPath = au.Path
	a.synth, a.match = nil, matchReport{}
	defer func() { a.report.Elapsed = time.Since(began) }()
	defer dropTables()
	if t.Timing == transcript.Source {
		a.report.Tier = TierNone
		return nil
	}
	tier := a.opts.Tier
	if tier == TierAuto {
		tier = TierPauses
		if a.espeak() != "" {
			tier = TierTTS
		}
	}
	if tier == TierNone {
		return a.proportional(ctx, t, au)
	}
	defer lowerGC()()
	if len(t.Units) == 0 {
		return fmt.Errorf("align: %w", transcript.ErrNoSpeech)
	}
	if au.Path == "" {
		return errors.New("align: no audio file to align to")
	}
	an, err := analyse(ctx, au.Path, au.Duration, a.warnf, a.opts.Progress)
	if err != nil {
		return err
	}
	a.logf("decoded %s (%s) in %s", au.Path, transcript.FormatClock(time.Duration(an.f.Len())*mfcc.FrameDuration), since(began))
	if an.v.Silent() {
		return noSpeech(au.Path, an)
	}
	pieces := newPieces(t)
	spans, tier1, err := a.pauses(an, t, pieces, nil)
	dropTables()
	if err != nil {
		return fmt.Errorf("align: %s: %w", au.Path, err)
	}
	a.report.Tier = TierPauses
	a.logf("placed %d units on pauses at %s", len(t.Units), since(began))
	if tier == TierTTS {
		lang := a.opts.Language
		if lang == "" {
			lang = t.Language
		}
		if refined, at, err := a.tts(ctx, an, pieces, spans, lang); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			a.warnf("speech synthesis: %v; keeping the pause-based times", err)
		} else if again, _, err := a.pauses(an, t, pieces, &warp{refined, tier1, at}); err == nil {
			dropTables()
			// One search weighs the warp with the pauses, the voice
			// changes and the lengths; where the warp and that search
			// disagree, the confidence drops.
			for i := range again {
				d := (again[i].start - refined[i].start).Seconds() / 0.6
				again[i].conf *= 0.4 + 0.6*math.Exp(-0.5*d*d)
			}
			spans = again
			a.report.Tier = TierTTS
		}
	}
	if err := a.judgeMatch(an, pieces, spans); err != nil {
		return fmt.Errorf("align: %s: %w", au.Path, err)
	}
	apply(t, pieces, spans)
	for i, u := range t.Units {
		if u.Confidence < LowConfidence {
			a.report.LowConfidence = append(a.report.LowConfidence, i)
		}
	}
	return nil
}

// NoSpeechError is audio the detector found no speech in, and why. It
// wraps ErrSilent or ErrNoSpeech. A caller that names the file otherwise
// than by the path it read sets Path.
type NoSpeechError struct {
	Path   string
	Reason string // what the audio holds instead: "the audio is silent (…)"
	silent bool
}

func (e *NoSpeechError) Error() string {
	return fmt.Sprintf("align: no speech found in %s: %s", e.Path, e.Reason)
}

func (e *NoSpeechError) Unwrap() error {
	if e.silent {
		return ErrSilent
	}
	return ErrNoSpeech
}

// noSpeech says why the detector found nothing but silence in the audio at
// path: real silence, or one steady sound the detector cannot take for
// speech, which is no silence.
func noSpeech(path string, an *analysis) error {
	v := an.v
	if d := time.Duration(an.f.Len()) * mfcc.FrameDuration; d < time.Second {
		// Too little to tell silence from sound: what the headers
		// promise did not decode.
		return fmt.Errorf("align: %s: only %s of audio could be decoded", path, d)
	}
	if v.Quiet() {
		return &NoSpeechError{Path: path, silent: true,
			Reason: fmt.Sprintf("the audio is silent (nothing above %.0f dB)", float32(vad.QuietDB))}
	}
	if v.Steady() {
		return &NoSpeechError{Path: path,
			Reason: fmt.Sprintf("the audio is one steady sound at %.0f dB, such as a tone, a hum or noise (its level varies by less than %d dB)", v.Peak, vad.SteadyDB)}
	}
	return &NoSpeechError{Path: path, Reason: "no sound in it lasts long enough to be speech (clicks only)"}
}

// alignGCPercent is the collector's target while aligning. The heap is
// then mostly the episode's features and the warp's arrays, which hold no
// pointers and cost a collection next to nothing; but at the default
// target (100) garbage may pile up to as much again as what is live
// before a collection runs: a 7-hour episode peaked at 245–296 MB (its
// phases' garbage landing on different sides of a collection) where
// about 130 MB were live, and at 229–243 MB with a target of 50; at 25,
// 202 MB, in the same CPU time (315 s against 321 s).
const alignGCPercent = 25

var gcScope struct {
	sync.Mutex
	n, prev int
}

// lowerGC sets the collector's target to alignGCPercent, unless it is
// lower already (GOGC, or off), until the returned func is called by the
// last of the alignments running at once.
func lowerGC() (restore func()) {
	gcScope.Lock()
	defer gcScope.Unlock()
	if gcScope.n == 0 {
		gcScope.prev = debug.SetGCPercent(alignGCPercent)
		if gcScope.prev < alignGCPercent {
			debug.SetGCPercent(gcScope.prev)
		}
	}
	gcScope.n++
	return func() {
		gcScope.Lock()
		defer gcScope.Unlock()
		if gcScope.n--; gcScope.n == 0 {
			debug.SetGCPercent(gcScope.prev)
		}
	}
}

// logf writes progress to the log.
func (a *Aligner) logf(format string, args ...any) {
	fmt.Fprintf(a.opts.Log, "align: "+format+"\n", args...)
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

func (a *Aligner) espeak() string {
	if a.opts.Espeak != "" {
		return a.opts.Espeak
	}
	p, _ := exec.LookPath("espeak-ng")
	return p
}

// proportional times t with transcript.Proportional, finding the duration
// from the audio when the caller did not give it.
func (a *Aligner) proportional(ctx context.Context, t *transcript.Transcript, au transcript.Audio) error {
	a.report.Tier = TierNone
	if au.Duration <= 0 && au.Path != "" {
		d, err := probeDuration(au.Path)
		if err != nil {
			return err
		}
		au.Duration = d
	}
	return transcript.Proportional{}.Time(ctx, t, au)
}

// probeDuration measures the audio at path from its headers, without
// decoding it.
func probeDuration(path string) (time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("align: %w", err)
	}
	defer f.Close()
	d, err := audio.Duration(f)
	if err != nil {
		return 0, fmt.Errorf("align: %s: %w", path, err)
	}
	return d, nil
}

// analyse decodes the audio and computes its features, streaming: only the
// features (12 MB an hour, 9 MB after the labels are found) are kept.
func analyse(ctx context.Context, path string, duration time.Duration, warnf func(string, ...any), progress func(done, total time.Duration)) (*analysis, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("align: %w", err)
	}
	defer f.Close()
	r, err := audio.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("align: %s: %w", path, err)
	}
	// Decoding and feature extraction each take one core: run them side
	// by side, handing over second-long chunks.
	type chunk struct {
		s   []float32
		err error
	}
	full := make(chan chunk, 4)
	free := make(chan []float32, 6)
	for range 6 {
		free <- make([]float32, audio.Rate)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(full)
		for {
			var buf []float32
			select {
			case buf = <-free:
			case <-stop:
				return
			}
			n, err := r.Read(buf)
			select {
			case full <- chunk{buf[:n], err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	x := mfcc.NewExtractor()
	// The features are kept for the whole episode: size them once from
	// the probed duration rather than by repeated doubling, which would
	// hold old and new copies at once.
	if duration <= 0 {
		duration, _ = probeDuration(path) // 0 when unknown: grow as decoded
	}
	x.Grow(int(duration/mfcc.FrameDuration) + 1)
	tonal := newTonalTracker()
	decoded := 0 // samples
	for c := range full {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		x.Write(c.s)
		tonal.write(c.s)
		if decoded += len(c.s); progress != nil {
			progress(time.Duration(decoded)*time.Second/audio.Rate, duration)
		}
		free <- c.s[:cap(c.s)]
		if c.err == io.EOF {
			break
		}
		if c.err != nil {
			got := x.Features().Len()
			if got < 100 {
				return nil, fmt.Errorf("align: %s: %w", path, c.err)
			}
			warnf("%s: decoding stopped at %s: %v; aligning what was decoded", path,
				transcript.FormatClock(time.Duration(got)*mfcc.FrameDuration), c.err)
			break
		}
	}
	x.Write(make([]float32, mfcc.Window-mfcc.Hop))
	feat := x.Features()
	if feat.Len() == 0 {
		return nil, fmt.Errorf("align: %s: %w", path, ErrSilent)
	}
	v := vad.DetectTonal(feat, tonal.perFrame(feat.Len()))
	// Only the detector reads the flatness: 10 MB less for a 7-hour
	// episode from here on.
	feat.Flatness = nil
	return &analysis{f: feat, v: v}, nil
}
