// Command synth speaks an episode written in the editors' Markdown, to make
// the sample show's audio and the known-truth recordings the alignment
// benchmark measures against. Each speaker turn is read by espeak-ng (or
// flite, for English text) in a voice of its own, turns are separated by
// random pauses, each *(…)* cue becomes a short jingle, and the whole is
// encoded with lame to a small mono MP3. The -truth file records when each
// unit starts and ends.
//
//	go run ./internal/cmd/synth -in episodes/01-x.md -out episodes/01-x.mp3 \
//		-truth internal/cmd/synth/testdata/01-x.truth.tsv -seed 1
//
// Voices: -voices "Name=cmn+m3,Other=cmn+f2/70" maps speakers to an
// espeak-ng voice (or a flite voice such as slt), optionally with a pitch
// after a slash (espeak-ng only). Speakers not named get the next voice of a
// built-in list, in order of first appearance.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/podpipe/podpipe/transcript"
)

type options struct {
	in, out, truth, wav string
	voices              string
	engine              string
	speed               int
	gapMin, gapMax      float64
	cueLen              float64
	seed                uint64
	kbps                int
}

func main() {
	var o options
	flag.StringVar(&o.in, "in", "", "episode Markdown to speak (required)")
	flag.StringVar(&o.out, "out", "", "audio to write: .mp3 (encoded with lame) or .wav (required)")
	flag.StringVar(&o.truth, "truth", "", "write the start/end of every unit as TSV to this file")
	flag.StringVar(&o.wav, "wav", "", "also write the uncompressed mix to this WAV file")
	flag.StringVar(&o.voices, "voices", "", `speaker voices, e.g. "Host=cmn+m3,Guest=cmn+f2/70"`)
	flag.StringVar(&o.engine, "voice-engine", "espeak-ng", "speech engine: espeak-ng or flite")
	flag.IntVar(&o.speed, "speed", 175, "speaking rate in words per minute (espeak-ng's -s; flite is stretched to match)")
	flag.Float64Var(&o.gapMin, "gap-min", 0.3, "shortest pause between units, seconds")
	flag.Float64Var(&o.gapMax, "gap-max", 1.2, "longest pause between units, seconds")
	flag.Float64Var(&o.cueLen, "cue-len", 3, "length of a cue's jingle, seconds")
	flag.Uint64Var(&o.seed, "seed", 1, "seed for pauses and jingles; the same seed gives the same audio")
	flag.IntVar(&o.kbps, "kbps", 32, "MP3 bitrate (CBR)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: synth -in EPISODE.md -out AUDIO.mp3 [-truth FILE.tsv] [flags]\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if o.in == "" || o.out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), o, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, log io.Writer) error {
	if o.gapMin < 0 || o.gapMax < o.gapMin {
		return fmt.Errorf("bad pause range %g..%g", o.gapMin, o.gapMax)
	}
	src, err := os.ReadFile(o.in)
	if err != nil {
		return err
	}
	units, err := Extract(o.in, bytes.NewReader(src))
	if err != nil {
		return err
	}
	eng, err := newEngine(o.engine, o.speed)
	if err != nil {
		return err
	}
	voices, err := assignVoices(o.voices, eng.pool, units)
	if err != nil {
		return err
	}
	mix, spans, err := render(ctx, units, eng, voices, o)
	if err != nil {
		return err
	}
	if o.truth != "" {
		if err := writeFileAtomic(o.truth, func(w io.Writer) error { return writeTruth(w, units, spans) }); err != nil {
			return err
		}
	}
	if o.wav != "" {
		if err := writeFileAtomic(o.wav, func(w io.Writer) error { return writeWAV(w, mix) }); err != nil {
			return err
		}
	}
	if strings.EqualFold(filepath.Ext(o.out), ".wav") {
		err = writeFileAtomic(o.out, func(w io.Writer) error { return writeWAV(w, mix) })
	} else {
		err = encodeMP3(ctx, o.out, mix, o.kbps)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "%s: %d units, %.2f s\n", o.out, len(units), float64(len(mix))/rate)
	return nil
}

// span is where a unit sits in the mix, in seconds.
type span struct{ start, end float64 }

// render speaks every unit and lays them out one after another with pauses
// between them. Half a second of silence opens and closes the episode. A
// unit with an editor's anchor starts exactly at the anchor, so the sample
// audio agrees with its transcript.
func render(ctx context.Context, units []Unit, eng *engine, voices map[string]voice, o options) ([]float64, []span, error) {
	rng := rand.New(rand.NewPCG(o.seed, 0x5eed))
	mix := silence(0.5)
	spans := make([]span, len(units))
	for i, u := range units {
		if i > 0 {
			gap := o.gapMin + rng.Float64()*(o.gapMax-o.gapMin)
			if u.Kind == Speech && units[i-1].Kind == Speech && u.Speaker == units[i-1].Speaker {
				gap = o.gapMin // a continuation paragraph follows closely
			}
			mix = append(mix, silence(gap)...)
		}
		if u.HasAnchor {
			at := u.Anchor.Seconds()
			now := float64(len(mix)) / rate
			if now > at {
				return nil, nil, fmt.Errorf("%s:%d: anchor [%s] is before the audio reaches this unit (%.2f s)", o.in, u.Line, transcript.FormatClock(u.Anchor), now)
			}
			mix = append(mix, silence(at-now)...)
		}
		var clip []float64
		if u.Kind == Cue {
			clip = music(o.cueLen, rng)
		} else {
			v := voices[u.Speaker]
			s, err := eng.speak(ctx, u.Text, v)
			if err != nil {
				return nil, nil, fmt.Errorf("%s:%d: %w", o.in, u.Line, err)
			}
			clip = trim(s)
			if len(clip) == 0 {
				return nil, nil, fmt.Errorf("%s:%d: %s produced no audible speech", o.in, u.Line, eng.name)
			}
		}
		spans[i].start = float64(len(mix)) / rate
		mix = append(mix, clip...)
		spans[i].end = float64(len(mix)) / rate
	}
	mix = append(mix, silence(0.5)...)
	return mix, spans, nil
}

// writeTruth writes one line per unit: start and end in seconds, kind,
// speaker and the first 20 characters of the text, after a header line.
func writeTruth(w io.Writer, units []Unit, spans []span) error {
	var b strings.Builder
	b.WriteString("start\tend\tkind\tspeaker\ttext\n")
	for i, u := range units {
		text := u.Text
		if utf8.RuneCountInString(text) > 20 {
			text = string([]rune(text)[:20])
		}
		fmt.Fprintf(&b, "%.3f\t%.3f\t%s\t%s\t%s\n", spans[i].start, spans[i].end, u.Kind, tsvField(u.Speaker), tsvField(text))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func tsvField(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

// voice is an engine voice and, for espeak-ng, a pitch (0..99; -1 keeps the
// voice's own).
type voice struct {
	name  string
	pitch int
}

type engine struct {
	name  string
	speed int
	pool  []voice // voices handed out to speakers the -voices flag does not name
	speak func(ctx context.Context, text string, v voice) ([]float64, error)
}

func newEngine(name string, speed int) (*engine, error) {
	if speed < 80 || speed > 450 {
		return nil, fmt.Errorf("speed %d out of range 80..450", speed)
	}
	e := &engine{name: name, speed: speed}
	switch name {
	case "espeak-ng":
		e.pool = []voice{{"cmn+m3", 42}, {"cmn+f2", 62}, {"cmn+m7", 30}, {"cmn+f4", 75}}
		e.speak = e.espeak
	case "flite":
		e.pool = []voice{{"slt", -1}, {"rms", -1}, {"awb", -1}, {"kal", -1}}
		e.speak = e.flite
	default:
		return nil, fmt.Errorf("unknown voice engine %q (want espeak-ng or flite)", name)
	}
	if _, err := exec.LookPath(name); err != nil {
		return nil, fmt.Errorf("%s is not installed: %w", name, err)
	}
	return e, nil
}

func (e *engine) espeak(ctx context.Context, text string, v voice) ([]float64, error) {
	args := []string{"-v", v.name, "-s", strconv.Itoa(e.speed), "--stdout", "--stdin"}
	if v.pitch >= 0 {
		args = append(args, "-p", strconv.Itoa(v.pitch))
	}
	cmd := exec.CommandContext(ctx, "espeak-ng", args...)
	cmd.Stdin = strings.NewReader(text)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("espeak-ng: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	s, r, err := readWAV(bytes.NewReader(out))
	if err != nil {
		return nil, fmt.Errorf("espeak-ng: %w", err)
	}
	return resample(s, r), nil
}

// flite speaks English; it cannot write to stdout, so it goes through a
// temporary file.
func (e *engine) flite(ctx context.Context, text string, v voice) ([]float64, error) {
	dir, err := os.MkdirTemp("", "synth-flite-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	txt, wav := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.wav")
	if err := os.WriteFile(txt, []byte(text+"\n"), 0o600); err != nil {
		return nil, err
	}
	// flite has no words-per-minute setting; its default pace is about
	// espeak-ng's 175, so stretch durations by the ratio.
	stretch := strconv.FormatFloat(175/float64(e.speed), 'f', 3, 64)
	cmd := exec.CommandContext(ctx, "flite", "-voice", v.name, "--setf", "duration_stretch="+stretch, "-f", txt, "-o", wav)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("flite: %w: %s", err, strings.TrimSpace(string(out)))
	}
	f, err := os.Open(wav)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, r, err := readWAV(f)
	if err != nil {
		return nil, fmt.Errorf("flite: %w", err)
	}
	return resample(s, r), nil
}

// assignVoices maps every speaker to a voice: first those the flag names,
// then the engine's list in order of first appearance, skipping voices
// already taken so that two speakers never sound the same while any are left.
func assignVoices(spec string, pool []voice, units []Unit) (map[string]voice, error) {
	m := map[string]voice{}
	taken := map[string]bool{}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, vs, ok := strings.Cut(part, "=")
		if !ok || strings.TrimSpace(name) == "" || strings.TrimSpace(vs) == "" {
			return nil, fmt.Errorf("-voices: %q is not Name=voice", part)
		}
		v := voice{name: strings.TrimSpace(vs), pitch: -1}
		if n, p, ok := strings.Cut(v.name, "/"); ok {
			pitch, err := strconv.Atoi(p)
			if err != nil || pitch < 0 || pitch > 99 {
				return nil, fmt.Errorf("-voices: %q: pitch must be 0..99", part)
			}
			v = voice{name: n, pitch: pitch}
		}
		m[strings.TrimSpace(name)] = v
		taken[v.name] = true
	}
	next := 0
	for _, u := range units {
		if u.Kind != Speech {
			continue
		}
		if _, ok := m[u.Speaker]; ok {
			continue
		}
		var v voice
		for tries := 0; tries < len(pool); tries++ {
			v = pool[next%len(pool)]
			next++
			if !taken[v.name] {
				break
			}
		}
		m[u.Speaker] = v
		taken[v.name] = true
	}
	return m, nil
}

// encodeMP3 pipes the mix to lame: mono, constant bitrate, no ID3 tag
// (podpipe writes the tags when it publishes).
func encodeMP3(ctx context.Context, out string, mix []float64, kbps int) error {
	if _, err := exec.LookPath("lame"); err != nil {
		return fmt.Errorf("lame is not installed: %w", err)
	}
	var wav bytes.Buffer
	if err := writeWAV(&wav, mix); err != nil {
		return err
	}
	tmp := out + ".tmp"
	// --resample keeps the mix's rate: at 24 kbps and below lame would
	// otherwise drop to 16 kHz, and the aligner times such audio wrongly.
	cmd := exec.CommandContext(ctx, "lame", "--quiet", "--cbr", "-b", strconv.Itoa(kbps), "-m", "m", "--resample", strconv.FormatFloat(rate/1000.0, 'f', -1, 64), "-", tmp)
	cmd.Stdin = &wav
	if b, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("lame: %w: %s", err, strings.TrimSpace(string(b)))
	}
	return os.Rename(tmp, out)
}

// writeFileAtomic writes through a temporary file so that a failed run never
// leaves a truncated truth or WAV behind.
func writeFileAtomic(name string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
