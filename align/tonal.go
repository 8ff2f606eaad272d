package align

import (
	"math"

	"github.com/podpipe/podpipe/align/mfcc"
)

// Tonal persistence: a music detector that a noise bed does not blind.
//
// The spectral flatness the voice-activity detector reads sinks under a
// loud, steady noise bed: the noise fills the valleys between music's
// tonal peaks. The peaks themselves still stand well above the noise,
// and music holds them: a chord or a note lasts for a beat or a bar,
// where speech's harmonics glide with its pitch and change with every
// syllable, and noise has no lasting peaks at all. tonalTracker measures,
// every tonalHop frames, the share of the spectrum's strong peaks that
// were already there tonalLag analyses earlier.

const (
	tonalWindow = 1024 // samples at 16 kHz: 64 ms, 15.6 Hz per bin
	tonalHop    = 4    // feature frames (40 ms) between analyses
	tonalLag    = 6    // analyses (240 ms) a peak must have lasted
	tonalLoBin  = 13   // 200 Hz: above mains hum and its first harmonic
	tonalHiBin  = 256  // 4 kHz
	// A peak stands this many dB over the median of the bins around it:
	// noise's chance maxima almost never do.
	tonalPeakDB  = 10
	tonalMinPeak = 3 // fewer peaks than this say nothing
)

// tonalTracker consumes samples and yields one persistence value per
// analysis.
type tonalTracker struct {
	buf    []float32 // samples not yet analysed
	window []float64
	pow    []float64
	ps     *mfcc.PowerSpectrum
	hist   [tonalLag + 1][]bool // peak masks of recent analyses, ring
	n      int                  // analyses done
	out    []float32
}

func newTonalTracker() *tonalTracker {
	t := &tonalTracker{window: make([]float64, tonalWindow),
		pow: make([]float64, tonalWindow/2+1), ps: mfcc.NewPowerSpectrum(tonalWindow)}
	for i := range t.window {
		t.window[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(tonalWindow))
	}
	for i := range t.hist {
		t.hist[i] = make([]bool, tonalHiBin+2)
	}
	return t
}

// write feeds samples; analyses are centred like the feature frames they
// stand for (analysis k covers feature frame k*tonalHop).
func (t *tonalTracker) write(s []float32) {
	t.buf = append(t.buf, s...)
	const step = tonalHop * 160
	for len(t.buf) >= tonalWindow {
		t.analyse(t.buf[:tonalWindow])
		t.buf = t.buf[:copy(t.buf, t.buf[step:])]
	}
}

func (t *tonalTracker) analyse(s []float32) {
	t.ps.PowerWindowed(s, t.window, t.pow)
	// Powers rather than decibels: every test below compares them, and
	// a difference of tonalPeakDB is a ratio (no logarithm per bin).
	var db [tonalHiBin + 9]float64
	for k := range db {
		db[k] = t.pow[k] + 1e-12
	}
	mask := t.hist[t.n%len(t.hist)]
	clear(mask)
	peaks, kept := 0, 0
	prev := t.hist[(t.n+1)%len(t.hist)] // tonalLag analyses ago
	for k := tonalLoBin; k <= tonalHiBin; k++ {
		if db[k] < db[k-1] || db[k] < db[k+1] || db[k] < db[k-2] || db[k] < db[k+2] {
			continue
		}
		if !overMedian(db[k], db[k-8:k+9]) {
			continue
		}
		mask[k] = true
		peaks++
		if t.n >= tonalLag && (prev[k] || prev[k-1] || prev[k+1]) {
			kept++
		}
	}
	v := float32(0)
	if peaks >= tonalMinPeak {
		v = float32(kept) / float32(peaks)
	}
	t.out = append(t.out, v)
	t.n++
}

// perFrame spreads the analyses over n feature frames.
func (t *tonalTracker) perFrame(n int) []float32 {
	out := make([]float32, n)
	// Analysis k's window is centred on sample k*step+512, that is
	// feature frame k*tonalHop+2 (whose 400-sample window is centred on
	// frame*160+200).
	for i := range out {
		k := (i - 2 + tonalHop/2) / tonalHop
		if i < 2 {
			k = 0
		}
		if k < len(t.out) {
			out[i] = t.out[k]
		}
	}
	return out
}

// overMedian reports whether power v stands tonalPeakDB or more over the
// median of the powers near (17 values): whether 9 of them lie that far under it, which is
// the same test without sorting.
func overMedian(v float64, near []float64) bool {
	n := 0
	for _, x := range near {
		if v >= x*peakRatio {
			n++
		}
	}
	return n >= len(near)/2+1
}

// peakRatio is tonalPeakDB as a ratio of powers.
var peakRatio = math.Pow(10, tonalPeakDB/10)
