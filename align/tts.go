package align

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/podpipe/podpipe/align/audio"
	"github.com/podpipe/podpipe/align/dtw"
	"github.com/podpipe/podpipe/align/mfcc"
	"github.com/podpipe/podpipe/align/vad"
)

// Tier 2: synthesise the text, warp it onto the audio.

const (
	dtwDecim   = 2                // DTW frames are 20 ms: two feature frames averaged
	bandHalf   = 10 * time.Second // how far the warp may stray from the tier-1 path
	sepFrames  = 15               // 150 ms of silence between synthetic pieces
	snapWindow = 35               // frames (350 ms) a boundary may move to reach a pause
	maxMove    = 200              // frames (2 s) a boundary outside speech may move to reach it
)

// ErrLanguage means espeak-ng has no voice for the transcript's language.
var ErrLanguage = errors.New("no espeak-ng voice for the language")

// Voice returns the espeak-ng voice for a BCP 47 language tag: Mandarin
// (zh, zh-TW, zh-Hant, cmn) is "cmn-latn-pinyin", Cantonese (yue, zh-HK,
// zh-MO) "yue", anything else its primary subtag ("en-GB" → "en").
//
// espeak-ng 1.51's "cmn" voice reads a character missing from its
// dictionary as pinyin spelt out in English ("zhe four"); its
// "cmn-latn-pinyin" voice speaks every character as Mandarin, and so reads
// Latin letters as pinyin too: Latin words inside Chinese text go to
// LatinVoice instead (see ssmlText).
func Voice(lang string) string {
	l := strings.ToLower(strings.ReplaceAll(lang, "_", "-"))
	switch {
	case l == "" || l == "cmn" || strings.HasPrefix(l, "cmn-"):
		return "cmn-latn-pinyin"
	case l == "yue" || strings.HasPrefix(l, "yue-") || strings.HasPrefix(l, "zh-hk") ||
		strings.HasPrefix(l, "zh-mo") || strings.HasPrefix(l, "zh-yue"):
		return "yue"
	case l == "zh" || strings.HasPrefix(l, "zh-"):
		return "cmn-latn-pinyin"
	}
	if i := strings.IndexByte(l, '-'); i > 0 {
		return l[:i]
	}
	return l
}

// LatinVoice is the voice that reads runs of Latin script (names, AI, GPU)
// inside the text of a voice that does not read them itself.
const LatinVoice = "en"

// mixedScript reports whether a voice reads Chinese and needs its Latin
// runs spoken by LatinVoice.
func mixedScript(voice string) bool {
	return strings.HasPrefix(voice, "cmn") || strings.HasPrefix(voice, "yue")
}

// ssmlText returns text as SSML content for voice: escaped, and for a
// Chinese voice cut into runs of Latin script, each read by LatinVoice,
// and runs of everything else, each read by voice. Every run names its
// voice: espeak-ng 1.51 does not return to the outer voice after a
// <voice> element closes.
func ssmlText(voice, text string) string {
	if !mixedScript(voice) {
		return html.EscapeString(text)
	}
	var b strings.Builder
	runs := latinRuns(text)
	for _, r := range runs {
		v := voice
		if r.latin {
			v = LatinVoice
		}
		fmt.Fprintf(&b, `<voice name="%s">%s</voice>`, v, html.EscapeString(r.text))
	}
	return b.String()
}

type run struct {
	text  string
	latin bool
}

// latinRuns cuts text into runs of Latin letters (with the digits,
// spaces and punctuation between them) and runs of anything else. Digits
// and punctuation on their own belong to the run around them.
func latinRuns(text string) []run {
	var out []run
	var cur []rune
	curLatin := false
	flush := func() {
		if strings.TrimSpace(string(cur)) != "" {
			out = append(out, run{string(cur), curLatin})
		} else if len(out) > 0 {
			out[len(out)-1].text += string(cur)
		}
		cur = cur[:0]
	}
	for _, r := range text {
		latin := r < 0x250 && unicode.IsLetter(r)
		han := unicode.IsLetter(r) && !latin
		switch {
		case latin && !curLatin, han && curLatin:
			flush()
			curLatin = latin
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

// speakFeatures runs espeak-ng on text (SSML when ssml is set) and returns
// the features of what it says, computed by x (reset first) as espeak-ng
// writes it.
func speakFeatures(ctx context.Context, x *mfcc.Extractor, prog, voice, text string, ssml bool) (*mfcc.Features, error) {
	args := []string{"-v", voice, "--stdout"}
	if ssml {
		args = append(args, "-m")
	}
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Stdin = strings.NewReader(text)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("espeak-ng: %w", err)
	}
	f, ferr := streamFeatures(x, out)
	io.Copy(io.Discard, out) // what a failed decode left, so espeak-ng can finish
	err = cmd.Wait()
	if msg := strings.TrimSpace(errb.String()); err != nil || strings.Contains(msg, "does not exist") {
		if strings.Contains(msg, "voice does not exist") {
			return nil, fmt.Errorf("%w %q", ErrLanguage, voice)
		}
		if msg == "" && err != nil {
			msg = err.Error()
		}
		return nil, fmt.Errorf("espeak-ng: %s", msg)
	}
	if ferr != nil {
		return nil, fmt.Errorf("espeak-ng output: %w", ferr)
	}
	return f, nil
}

// streamFeatures decodes the WAV or MP3 r and returns its features,
// computed by x (reset first), holding no more of the signal than a
// buffer's worth.
func streamFeatures(x *mfcc.Extractor, r io.Reader) (*mfcc.Features, error) {
	x.Reset()
	ar, err := audio.NewReader(r)
	if err != nil {
		return nil, err
	}
	buf := make([]float32, 4096)
	for {
		n, err := ar.Read(buf)
		x.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	// Pad so the tail shorter than a window still gives a frame.
	x.Write(make([]float32, mfcc.Window-mfcc.Hop))
	return x.Features(), nil
}

// batchSize is how many sentences one espeak-ng run speaks.
const batchSize = 12

// breakFrames is the silence the SSML break between batched sentences
// leaves (1.5 s), less a margin: espeak-ng's own pauses are far shorter.
const breakFrames = 120

// synthBatch speaks several sentences in one espeak-ng run, separated by
// SSML breaks, and cuts the result at the breaks. When the cut does not
// give one piece per sentence (a sentence with nothing to say), it speaks
// them one by one instead. It returns each sentence's sound (see trimmed).
// x is the worker's own extractor.
func synthBatch(ctx context.Context, x *mfcc.Extractor, prog, voice string, texts []string) ([][]int16, error) {
	out := make([][]int16, len(texts))
	if len(texts) > 1 {
		var b strings.Builder
		b.WriteString("<speak>")
		for k, t := range texts {
			if k > 0 {
				b.WriteString(`<break time="1500ms"/>`)
			}
			b.WriteString(ssmlText(voice, t))
		}
		b.WriteString("</speak>")
		f, err := speakFeatures(ctx, x, prog, voice, b.String(), true)
		if err != nil {
			return nil, err
		}
		if pieces := splitAtBreaks(f, len(texts)); pieces != nil {
			return pieces, nil
		}
	}
	for k, t := range texts {
		ssml := mixedScript(voice)
		if ssml {
			t = "<speak>" + ssmlText(voice, t) + "</speak>"
		}
		f, err := speakFeatures(ctx, x, prog, voice, t, ssml)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", t, err)
		}
		out[k] = trimmed(f, 0, f.Len())
	}
	return out, nil
}

// splitAtBreaks cuts f at its silences of breakFrames or more and returns
// the n pieces' trimmed cepstra, or nil when there are not n pieces.
func splitAtBreaks(f *mfcc.Features, n int) [][]int16 {
	var bounds [][2]int // sounding stretches between breaks
	start := -1         // first frame of the current stretch
	silent := 0
	for i, e := range f.Energy {
		if e > silentDB {
			if start < 0 {
				start = i
			} else if silent >= breakFrames {
				bounds = append(bounds, [2]int{start, i - silent})
				start = i
			}
			silent = 0
		} else if start >= 0 {
			silent++
		}
	}
	if start >= 0 {
		bounds = append(bounds, [2]int{start, f.Len() - silent})
	}
	if len(bounds) != n {
		return nil
	}
	out := make([][]int16, n)
	for k, b := range bounds {
		out[k] = trimmed(f, b[0], b[1])
	}
	return out
}

// silentDB is the level under which synthetic speech is silent.
const silentDB = -50

// trimmed returns the cepstra of frames [from, to) without the silence at
// either end, dtwDecim frames averaged into one (see decimate), in a slice
// of their own: the synthetic speech of a whole episode is kept this way,
// a quarter the size of its features.
func trimmed(f *mfcc.Features, from, to int) []int16 {
	first, last := -1, -1
	for i := from; i < to; i++ {
		if f.Energy[i] > silentDB {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	return decimate(f.Coef[first*mfcc.Coeffs:(last+1)*mfcc.Coeffs], dtwDecim)
}

// tts is tier 2. It returns refined spans for the pieces and the frame
// where the warp, before snapping, starts each (-1 for a cue), or an error
// when speech synthesis is not possible (the caller keeps tier 1's spans).
func (a *Aligner) tts(ctx context.Context, an *analysis, ps *pieces, spans []span, lang string) ([]span, []int, error) {
	prog := a.espeak()
	if prog == "" {
		return nil, nil, errors.New("espeak-ng is not installed")
	}
	voice := Voice(lang)
	if lang == "" {
		lang = "zh-TW"
	}
	// Check the voice once, so a missing language fails fast.
	if _, err := speakFeatures(ctx, mfcc.NewExtractor(), prog, voice, "1", false); err != nil {
		return nil, nil, fmt.Errorf("language %s: %w", lang, err)
	}

	began := time.Now()
	// Sentences go to espeak-ng in batches (starting it costs more than
	// speaking a sentence), one batch per worker at a time.
	var speech []int
	for i, p := range ps.list {
		if !p.cue {
			speech = append(speech, i)
		}
	}
	feats := make([][]int16, len(ps.list))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	jobs := make(chan []int)
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := mfcc.NewExtractor()
			for batch := range jobs {
				texts := make([]string, len(batch))
				for k, i := range batch {
					texts[k] = ps.list[i].text
				}
				out, err := synthBatch(ctx, x, prog, voice, texts)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					continue
				}
				for k, i := range batch {
					feats[i] = out[k]
				}
			}
		}()
	}
	for k := 0; k < len(speech); k += batchSize {
		jobs <- speech[k:min(k+batchSize, len(speech))]
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if firstErr != nil {
		return nil, nil, firstErr
	}

	a.synth = feats // for the content test of judgeMatch
	a.logf("synthesised %d sentences with espeak-ng voice %s in %s", len(ps.list), voice, since(began))
	began = time.Now()

	// The synthetic episode, in DTW frames: pieces with short silences
	// between them, and for each cue silence as long as tier 1 found it.
	// Positions below are in feature frames (dtwDecim DTW frames each).
	silence := mfcc.Compute(make([]float32, mfcc.Window))
	syn := &synthSeq{sil: silence.MFCC(0)}
	starts := make([]int, len(ps.list)) // synthetic frame where piece i's sound starts
	ends := make([]int, len(ps.list))
	// Synthetic frame → real frame anchors for the band's centre.
	var anchorsX, anchorsY []float64
	pad := func(k int) { syn.n += (k + dtwDecim - 1) / dtwDecim }
	// Silence stands for whatever comes before the first piece and after
	// the last (intro music, a cold open), so both ends of the warp are
	// pinned to both ends of the audio.
	lead := max(int(spans[0].start/frameDur)-sepFrames, 0)
	pad(lead)
	anchorsX = append(anchorsX, 0)
	anchorsY = append(anchorsY, 0)
	for i, p := range ps.list {
		pad(sepFrames)
		starts[i] = syn.n * dtwDecim
		if p.cue {
			pad(int((spans[i].end - spans[i].start) / frameDur))
		} else if len(feats[i]) > 0 {
			syn.parts = append(syn.parts, synPart{at: syn.n, coef: feats[i]})
			syn.n += len(feats[i]) / mfcc.Coeffs
		}
		ends[i] = syn.n * dtwDecim
		anchorsX = append(anchorsX, float64(starts[i]), float64(ends[i]))
		anchorsY = append(anchorsY, float64(spans[i].start/frameDur), float64(spans[i].end/frameDur))
	}
	pad(max(an.f.Len()-int(spans[len(spans)-1].end/frameDur), sepFrames))
	anchorsX = append(anchorsX, float64(syn.n*dtwDecim))
	anchorsY = append(anchorsY, float64(an.f.Len()))

	rec := &realFrames{f: an.f}
	normalise(syn)
	normalise(rec)
	n, m := syn.Len(), rec.Len()
	half := int(bandHalf / frameDur / dtwDecim)
	lo, hi := make([]int32, n), make([]int32, n)
	for x := range lo {
		c := int(interp(anchorsX, anchorsY, float64(x*dtwDecim)) / dtwDecim)
		l, h := c-half, c+half
		if x > 0 {
			l, h = max(l, int(lo[x-1])), max(h, int(hi[x-1]))
		}
		lo[x], hi[x] = int32(min(max(l, 0), m-1)), int32(min(max(h, 0), m-1))
	}
	path, err := dtw.AlignSeq(syn, rec, lo, hi)
	if err != nil {
		return nil, nil, err
	}
	a.logf("warped %d synthetic frames onto %d in a band of ±%s in %s", n, m, bandHalf, since(began))
	toReal := func(x int) int {
		xd := min(x/dtwDecim, n-1)
		return int(path[xd])*dtwDecim + x%dtwDecim
	}

	out := make([]span, len(spans))
	copy(out, spans)
	at := make([]int, len(spans))
	for i, p := range ps.list {
		at[i] = -1
		if p.cue {
			continue // music detection placed it better than silence can be matched
		}
		at[i] = toReal(starts[i])
		s, okS := an.snapOnset(toReal(starts[i]))
		e, okE := an.snapOffset(toReal(max(ends[i]-1, starts[i])) + 1)
		start, end := an.onsetTime(s, s-25), offsetTime(e)
		if !okS {
			start = spans[i].start // the warp put a first syllable in silence or music
		}
		if !okE {
			end = spans[i].end
		}
		d := (start - spans[i].start).Seconds()
		out[i] = span{start: start, end: max(end, start+time.Millisecond)}
		out[i].conf = 0.35 + 0.35*math.Exp(-d*d/2) + 0.3*spans[i].conf
		if !okS {
			out[i].conf = min(out[i].conf, 0.5)
		}
	}
	return out, at, nil
}

// snapOnset moves a frame to the nearest onset of speech after a pause
// within reach, or leaves it. A frame outside speech (the warp may match
// a sentence's first syllable to the silence or music before it) moves
// forward to the next onset.
//
// It reports false when the frame is outside speech and no onset is in
// reach: the warp went astray there.
func (an *analysis) snapOnset(f int) (int, bool) {
	l := an.v.Labels
	f = min(max(f, 0), len(l)-1)
	if l[f] != vad.Speech {
		for k := f + 1; k < len(l) && k <= f+maxMove; k++ {
			if l[k] == vad.Speech && pauseBefore(l, k) {
				return k, true
			}
		}
		return f, false
	}
	best, bd := f, snapWindow+1
	for k := max(f-snapWindow, 1); k <= f+snapWindow && k < len(l); k++ {
		if l[k] == vad.Speech && l[k-1] != vad.Speech && pauseBefore(l, k) {
			if d := abs(k - f); d < bd {
				best, bd = k, d
			}
		}
	}
	return best, true
}

// snapOffset moves a frame to the nearest end of speech before a pause;
// from outside speech, back to the last end of speech.
func (an *analysis) snapOffset(f int) (int, bool) {
	l := an.v.Labels
	f = min(max(f, 1), len(l)-1)
	if l[f-1] != vad.Speech {
		for k := f - 1; k > 0 && k >= f-maxMove; k-- {
			if l[k-1] == vad.Speech && pauseAfter(l, k) {
				return k, true
			}
		}
		return f, false
	}
	best, bd := f, snapWindow+1
	for k := max(f-snapWindow, 1); k <= f+snapWindow && k < len(l); k++ {
		if l[k] != vad.Speech && l[k-1] == vad.Speech && pauseAfter(l, k) {
			if d := abs(k - f); d < bd {
				best, bd = k, d
			}
		}
	}
	return best, true
}

// pauseBefore reports whether at least minGapFrames of non-speech precede k.
func pauseBefore(l []vad.Class, k int) bool {
	n := 0
	for j := k - 1; j >= 0 && l[j] != vad.Speech && n < minGapFrames; j-- {
		n++
	}
	return n >= minGapFrames || n == k
}

func pauseAfter(l []vad.Class, k int) bool {
	n := 0
	for j := k; j < len(l) && l[j] != vad.Speech && n < minGapFrames; j++ {
		n++
	}
	return n >= minGapFrames || k+n == len(l)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// decimate averages every k consecutive frames of c (in Features.Coef's
// fixed point).
func decimate(c []int16, k int) []int16 {
	n := len(c) / mfcc.Coeffs
	return appendDecimated(make([]int16, 0, (n+k-1)/k*mfcc.Coeffs), c, k)
}

// appendDecimated appends decimate(c, k) to out.
func appendDecimated(out, c []int16, k int) []int16 {
	n := len(c) / mfcc.Coeffs
	for x := 0; x < n; x += k {
		var acc [mfcc.Coeffs]float32
		cnt := min(k, n-x)
		for j := x; j < x+cnt; j++ {
			for d := 0; d < mfcc.Coeffs; d++ {
				acc[d] += float32(c[j*mfcc.Coeffs+d]) / mfcc.CoefScale
			}
		}
		for d := range acc {
			out = append(out, mfcc.Quantize(acc[d]/float32(cnt)))
		}
	}
	return out
}

// normSeq is a dtw.Seq whose frames are normalised as they are read.
type normSeq interface {
	dtw.Seq
	raw(i int, dst []float32)
	setNorm(mean, sd [mfcc.Coeffs]float64)
}

// normalise gives every coefficient of s zero mean and unit variance over
// the sequence, so two voices and two recordings become comparable.
func normalise(s normSeq) {
	n := s.Len()
	if n == 0 {
		return
	}
	var m momentSum
	var c [mfcc.Coeffs]float32
	for x := 0; x < n; x++ {
		s.raw(x, c[:])
		m.add(c[:])
	}
	s.setNorm(m.moments())
}

// momentSum sums every coefficient and its square over the frames added.
type momentSum struct {
	n     int
	s, ss [mfcc.Coeffs]float64
}

// add adds one frame of mfcc.Coeffs coefficients.
func (m *momentSum) add(frame []float32) {
	for d, v := range frame[:mfcc.Coeffs] {
		m.s[d] += float64(v)
		m.ss[d] += float64(v) * float64(v)
	}
	m.n++
}

// moments returns every coefficient's mean and standard deviation (0 and
// 1 when no frame was added).
func (m *momentSum) moments() (mean, sd [mfcc.Coeffs]float64) {
	for d := range mean {
		mean[d], sd[d] = 0, 1
		if m.n > 0 {
			mean[d] = m.s[d] / float64(m.n)
			sd[d] = math.Sqrt(max(m.ss[d]/float64(m.n)-mean[d]*mean[d], 1e-9))
		}
	}
	return mean, sd
}

// norm holds a sequence's normalisation.
type norm struct {
	mean, sd [mfcc.Coeffs]float64
	set      bool
}

func (n *norm) setNorm(mean, sd [mfcc.Coeffs]float64) { n.mean, n.sd, n.set = mean, sd, true }

func (n *norm) apply(dst []float32) {
	if !n.set {
		return
	}
	for d, v := range dst {
		dst[d] = float32((float64(v) - n.mean[d]) / n.sd[d])
	}
}

// applyFrames normalises every frame of c, frame after frame.
func (n *norm) applyFrames(c []float32) {
	for x := 0; x+mfcc.Coeffs <= len(c); x += mfcc.Coeffs {
		n.apply(c[x : x+mfcc.Coeffs])
	}
}

// realFrames is the episode's features in DTW frames: dtwDecim feature
// frames averaged, computed as the warp reads them.
type realFrames struct {
	f *mfcc.Features
	norm
}

func (r *realFrames) Len() int { return (r.f.Len() + dtwDecim - 1) / dtwDecim }
func (r *realFrames) Dim() int { return mfcc.Coeffs }

func (r *realFrames) raw(x int, dst []float32) {
	var acc [mfcc.Coeffs]float32
	first := x * dtwDecim
	cnt := min(dtwDecim, r.f.Len()-first)
	for j := first; j < first+cnt; j++ {
		for d, q := range r.f.Coef[j*mfcc.Coeffs : (j+1)*mfcc.Coeffs] {
			acc[d] += float32(q) / mfcc.CoefScale
		}
	}
	for d := range acc {
		dst[d] = acc[d] / float32(cnt)
	}
}

func (r *realFrames) Frame(x int, dst []float32) {
	r.raw(x, dst)
	r.apply(dst)
}

// synthSeq is the synthetic episode in DTW frames: the pieces' speech
// where they are, silence everywhere else.
type synthSeq struct {
	sil   [mfcc.Coeffs]float32
	parts []synPart // in order
	n     int
	at    int // the part last read, where the next read most likely is
	norm
}

// synPart is a piece's speech starting at DTW frame at.
type synPart struct {
	at   int
	coef []int16
}

func (s *synthSeq) Len() int { return s.n }
func (s *synthSeq) Dim() int { return mfcc.Coeffs }

func (s *synthSeq) raw(x int, dst []float32) {
	ps := s.parts
	k := s.at
	switch {
	case k < len(ps) && x >= ps[k].at && (k+1 == len(ps) || x < ps[k+1].at):
	case k+1 < len(ps) && x >= ps[k+1].at && (k+2 == len(ps) || x < ps[k+2].at):
		k++
	default:
		k = sort.Search(len(ps), func(j int) bool { return ps[j].at > x }) - 1
	}
	if k >= 0 {
		s.at = k
		if p := ps[k]; x < p.at+len(p.coef)/mfcc.Coeffs {
			for d, q := range p.coef[(x-p.at)*mfcc.Coeffs : (x-p.at+1)*mfcc.Coeffs] {
				dst[d] = float32(q) / mfcc.CoefScale
			}
			return
		}
	}
	copy(dst, s.sil[:])
}

func (s *synthSeq) Frame(x int, dst []float32) {
	s.raw(x, dst)
	s.apply(dst)
}

// interp evaluates the piecewise-linear function through (xs, ys) at x;
// xs is non-decreasing.
func interp(xs, ys []float64, x float64) float64 {
	if x <= xs[0] {
		return ys[0] + (x - xs[0])
	}
	for i := 1; i < len(xs); i++ {
		if x <= xs[i] {
			if xs[i] == xs[i-1] {
				return ys[i]
			}
			return ys[i-1] + (ys[i]-ys[i-1])*(x-xs[i-1])/(xs[i]-xs[i-1])
		}
	}
	return ys[len(ys)-1] + (x - xs[len(xs)-1])
}
