package align

import (
	"github.com/podpipe/podpipe/align/mfcc"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// talkLayout is a layout of islands of sound between pauses, as a talk
// show of n turns gives, with the turns to place on it: each turn takes
// 3 to 30 islands and speaks at its own pace.
func talkLayout(n int, seed uint64) ([]item, *layout) {
	rng := rand.New(rand.NewPCG(seed, 1))
	l := &layout{}
	var items []item
	at := 0
	addGap := func(frames int) {
		l.gaps = append(l.gaps, gap{start: at, end: at + frames})
		at += frames
	}
	addGap(0)
	for u := 0; u < n; u++ {
		islands := 3 + rng.IntN(28)
		sound := 0.0
		for k := 0; k < islands; k++ {
			f := 40 + rng.IntN(200)
			at += f
			sound += float64(f) / 100
			if k < islands-1 {
				addGap(8 + rng.IntN(25))
			} else {
				addGap(40 + rng.IntN(80)) // the turn's end: a longer pause
			}
		}
		rate := 0.18 + 0.08*rng.Float64()
		items = append(items, item{syl: sound / rate, rate: 0.22, speaker: string(rune('A' + u%3))})
	}
	G := len(l.gaps)
	l.speech = make([]float64, G)
	l.music = make([]float64, G+1)
	l.change = make([]float64, G)
	for g := 1; g < G; g++ {
		l.speech[g] = l.speech[g-1] + float64(l.gaps[g].start-l.gaps[g-1].end)/100
	}
	return items, l
}

// Searching in a band finds the placement the whole table finds, even for
// turns whose pace puts them far from where the text's length says.
func TestSearchBand(t *testing.T) {
	defer func(c int) { searchCells = c }(searchCells)
	items, l := talkLayout(120, 3)
	searchCells = 1 << 30
	want, wantCost := search(items, l, false, true)
	if want == nil {
		t.Fatal("no placement")
	}
	for _, cells := range []int{1 << 16, 1 << 15} {
		searchCells = cells
		if b := newSearchBand(items, l); b.full {
			t.Fatalf("%d cells: the band is the whole table", cells)
		}
		got, cost := search(items, l, false, true)
		if got == nil || cost != wantCost {
			t.Fatalf("%d cells: cost %v, the whole table's %v", cells, cost, wantCost)
		}
		for u := range want {
			if got[u] != want[u] {
				t.Errorf("%d cells: item %d placed %+v, the whole table %+v", cells, u, got[u], want[u])
			}
		}
	}
}

// TestSearchBandKept: items tier 1 kept on a gap and hinted by the warp
// there, searched in a band: the band places each where the whole table
// does.
func TestSearchBandKept(t *testing.T) {
	items, l := talkLayout(120, 3)
	defer func(c int) { searchCells = c }(searchCells)
	searchCells = 1 << 30
	want, _ := search(items, l, false, true)
	if want == nil {
		t.Fatal("no placement")
	}
	for u := range items {
		g := want[u].first
		items[u].hinted, items[u].hint = true, time.Duration(l.gaps[g].end)*10*time.Millisecond
		items[u].kept, items[u].keep = true, g
	}
	searchCells = 1 << 14
	got, _ := search(items, l, false, true)
	if got == nil {
		t.Fatal("no placement in a band")
	}
	off := 0
	for u := range want {
		if got[u].first != want[u].first {
			off++
		}
	}
	if off > 0 {
		t.Errorf("%d of %d items placed off the gaps they were kept and hinted on", off, len(want))
	}
}

// The search's memory does not grow with the episode's length: four times
// as many turns allocate less than twice as much, all of it within a small
// multiple of searchCells.
func TestSearchMemoryFlat(t *testing.T) {
	defer func(c int) { searchCells = c }(searchCells)
	searchCells = 1 << 16
	alloc := func(n int) uint64 {
		items, l := talkLayout(n, 4)
		dropTables() // the last search's, which a search reuses
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if p, _ := search(items, l, false, true); p == nil {
			t.Fatalf("%d turns: no placement", n)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	short, long := alloc(150), alloc(600)
	// Unbanded, 600 turns on about 10,000 gaps would take 120 MB.
	if long > 2*short || long > 48*uint64(searchCells) {
		t.Errorf("150 turns allocated %d bytes, 600 turns %d bytes", short, long)
	}
}

// Alignments lower the collector's target while any of them runs, and
// leave a lower one alone.
func TestLowerGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	outer := lowerGC()
	inner := lowerGC()
	if got := debug.SetGCPercent(alignGCPercent); got != alignGCPercent {
		t.Errorf("while aligning: GOGC %d, want %d", got, alignGCPercent)
	}
	inner()
	if got := debug.SetGCPercent(alignGCPercent); got != alignGCPercent {
		t.Errorf("one alignment still running: GOGC %d, want %d", got, alignGCPercent)
	}
	outer()
	if got := debug.SetGCPercent(20); got != 100 {
		t.Errorf("after: GOGC %d, want 100 back", got)
	}
	lowerGC()()
	if got := debug.SetGCPercent(20); got != 20 {
		t.Errorf("a lower GOGC became %d", got)
	}
}

// contentEpisode is an episode of n sentences of 3 s each, back to back,
// for the content test: random cepstra on both sides.
func contentEpisode(n int) (*analysis, *pieces, [][]int16, []span) {
	rng := rand.New(rand.NewPCG(uint64(n), 2))
	const per = 300 // feature frames a sentence
	f := &mfcc.Features{Energy: make([]float32, n*per), Coef: make([]int16, n*per*mfcc.Coeffs)}
	for i := range f.Coef {
		f.Coef[i] = int16(rng.IntN(4000) - 2000)
	}
	ps := &pieces{}
	synth := make([][]int16, n)
	spans := make([]span, n)
	for i := range n {
		ps.list = append(ps.list, piece{unit: i, text: "x"})
		// Lengths vary, so that every sentence has controls of about its own.
		frames := (per - 60 + rng.IntN(120)) / dtwDecim
		synth[i] = make([]int16, frames*mfcc.Coeffs)
		for k := range synth[i] {
			synth[i][k] = int16(rng.IntN(4000) - 2000)
		}
		spans[i] = span{start: time.Duration(i*per) * frameDur, end: time.Duration((i+1)*per) * frameDur}
	}
	return &analysis{f: f}, ps, synth, spans
}

// The content test ranks at most matchSentences sentences whatever the
// episode's length, and holds no copy of the episode's features: three
// times the episode allocates about as much, far less than its features.
func TestMatchContentMemory(t *testing.T) {
	alloc := func(n int) (uint64, int) {
		an, ps, synth, spans := contentEpisode(n)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c := matchContent(an, ps, synth, spans)
		runtime.ReadMemStats(&after)
		if len(c.Margins) < matchSentences/2 {
			t.Fatalf("%d sentences: %d ranked", n, len(c.Margins))
		}
		return after.TotalAlloc - before.TotalAlloc, len(an.f.Coef) * 2
	}
	short, _ := alloc(1200)    // 1 hour
	long, feats := alloc(3600) // 3 hours, 28 MB of cepstra
	t.Logf("1 hour allocated %d bytes, 3 hours %d bytes", short, long)
	if long > short*3/2 || long > uint64(feats)/4 {
		t.Errorf("1 hour allocated %d bytes, 3 hours %d bytes (its cepstra are %d bytes)", short, long, feats)
	}
}
