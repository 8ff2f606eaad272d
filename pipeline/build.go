package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/transcript"
)

// built is one episode as a worker of the build pool left it: its log
// lines, and either what it rendered or that it is unchanged.
type built struct {
	log       syncBuffer
	prev      *manifest.Episode // as published, or nil
	unchanged bool              // sources as published and every object there
	// rehashed is the source hash of an unchanged episode whose
	// manifest's is of an older podpipe (sourceHashOf): the manifest
	// takes it.
	rehashed string
	r        *rendered
	err      error
	done     chan struct{}
}

// builds is a run of the build pool over a publish's episodes.
type builds struct {
	list   []*built
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	first  error // the failure that cancelled the rest
}

// fail records the first build to fail and cancels the others.
func (bs *builds) fail(err error) {
	bs.mu.Lock()
	if bs.first == nil {
		bs.first = err
	}
	bs.mu.Unlock()
	bs.cancel()
}

// wait returns the i-th episode once it is built, or ctx's error.
func (bs *builds) wait(ctx context.Context, i int) (*built, error) {
	b := bs.list[i]
	select {
	case <-b.done:
		if b.err != nil {
			bs.mu.Lock()
			defer bs.mu.Unlock()
			if bs.first != nil {
				// Its own error may only be the cancellation.
				return b, bs.first
			}
		}
		return b, b.err
	case <-ctx.Done():
		return b, ctx.Err()
	}
}

// stop cancels the builds still running and waits for them: their files
// are in the work folder, which the caller removes next.
func (bs *builds) stop() {
	bs.cancel()
	bs.wg.Wait()
	// Staged files are in the store's own folder, not the work folder;
	// those the store took are gone already.
	for _, b := range bs.list {
		if b.r == nil {
			continue
		}
		for _, a := range b.r.artifacts {
			if a.staged {
				os.Remove(a.path)
			}
		}
	}
}

// jobs is how many episodes are built at once: Options.Jobs, else one per
// CPU.
func (p *Pipeline) jobs() int {
	if p.opt.Jobs > 0 {
		return p.opt.Jobs
	}
	return runtime.NumCPU()
}

// buildAll starts building eps, p.jobs() at a time, in their order (steps
// 2 to 5: time, chapters, tag, render); an episode whose sources are as
// old publishes them, with every object still in the store, is not built.
// The first failure cancels the builds not yet finished.
func (p *Pipeline) buildAll(ctx context.Context, eps []*episode, tm timing, inputs showInputs, live map[string]bool, cover sourceFile, work string, old *manifest.Manifest) *builds {
	ctx, cancel := context.WithCancel(ctx)
	bs := &builds{cancel: cancel}
	for range eps {
		bs.list = append(bs.list, &built{done: make(chan struct{})})
	}
	// The live links are decided before any worker starts: keepLiveLinks
	// changes each episode's own transcript only.
	hashes := make([]srcHash, len(eps))
	var hashErr error
	for i, e := range eps {
		siblings := keepLiveLinks(e, live)
		if old.Find(e.slug) == nil || p.opt.Force {
			// Built whatever its hash: tagging hashes the audio as it
			// copies it, rather than reading it once more here.
			hashes[i].later = func(audioSum string) (string, error) { return sourceHash(e, inputs, siblings, audioSum) }
			continue
		}
		// Tagging takes the audio's sum from here, should the episode
		// be built, rather than reading the audio once more.
		if hashes[i].audio, hashErr = hashAudio(e.audio, p.sums); hashErr == nil {
			hashes[i].sum, hashErr = sourceHash(e, inputs, siblings, hashes[i].audio.sum)
		}
		hashes[i].whole = func() (string, error) {
			whole, err := hashAudioWhole(e.audio, p.sums)
			if err != nil {
				return "", err
			}
			return sourceHashOf(e, inputs, siblings, whole.sum)
		}
		if hashErr != nil {
			bs.list[i].err = hashErr
			break
		}
	}
	sem := make(chan struct{}, p.jobs())
	bs.wg.Add(1)
	go func() {
		defer bs.wg.Done()
		for i, e := range eps {
			b := bs.list[i]
			if b.err != nil {
				for _, rest := range bs.list[i:] {
					if rest.err == nil {
						rest.err = hashErr
					}
					close(rest.done)
				}
				return
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for _, rest := range bs.list[i:] {
					rest.err = ctx.Err()
					close(rest.done)
				}
				return
			}
			bs.wg.Add(1)
			go func() {
				defer bs.wg.Done()
				defer func() { <-sem }()
				defer close(b.done)
				b.err = p.buildOne(ctx, b, e, hashes[i], tm, cover, work, old)
				if b.err != nil {
					bs.fail(b.err)
				}
			}()
		}
	}()
	return bs
}

// srcHash is an episode's source hash and its audio's sum, or how to
// compute it from the audio's sum once tagging has it.
type srcHash struct {
	sum   string
	audio audioSum
	later func(audioSum string) (string, error)
	// whole computes the source hash as podpipes before the audio's
	// tree sum did, from the SHA-256 of the whole audio file.
	whole func() (string, error)
}

// buildOne builds one episode, logging into b's buffer.
func (p *Pipeline) buildOne(ctx context.Context, b *built, e *episode, hash srcHash, tm timing, cover sourceFile, work string, old *manifest.Manifest) (err error) {
	logf := func(format string, args ...any) { fmt.Fprintf(&b.log, format+"\n", args...) }
	b.prev = old.Find(e.slug)
	if hash.later == nil && b.prev != nil && !p.opt.Force {
		same := b.prev.SourceHash == hash.sum
		if !same && !strings.HasPrefix(b.prev.SourceHash, treeHashMark) {
			// Published by an older podpipe, which hashed the audio
			// whole? Its objects are as good as new ones: the
			// manifest takes this publish's hash for the next.
			whole, err := hash.whole()
			if err != nil {
				return err
			}
			if same = b.prev.SourceHash == whole; same {
				b.rehashed = hash.sum
			}
		}
		ok := false
		if same {
			if ok, err = p.allExist(ctx, objectsOf(b.prev)); err != nil {
				return err
			}
		}
		if ok {
			logf("unchanged: %s (sources as published; nothing to upload)", e.slug)
			b.unchanged = true
			return nil
		}
		b.rehashed = ""
	}
	tm.log = &b.log
	how, err := tm.time(ctx, e)
	if err != nil {
		return err
	}
	chs, err := resolveChapters(e, p.cfg.Show.Language)
	if err != nil {
		return err
	}
	if hash.audio.sum == "" && !p.opt.Force {
		// Timing may have read it since (the timing cache's key), or an
		// earlier publish.
		hash.audio = p.sums.audioSum(e.audio.path)
	}
	began := time.Now()
	audio, audioSum, err := tagAudio(e, chs, p.tagging(e, cover), p.audioFile(), p.partSummer(), hash.audio, p.opt.Progress)
	if err != nil {
		return err
	}
	if hash.audio.sum == "" {
		p.sums.remember(audioSum.ver.fi, began, sumTree, audioSum.sum)
	}
	defer func() {
		if err != nil && audio.staged {
			os.Remove(audio.path)
		}
	}()
	if hash.later != nil {
		if hash.sum, err = hash.later(audioSum.sum); err != nil {
			return err
		}
	}
	r, err := render(e, chs, audio, p.pageSite(cover), work)
	if err != nil {
		return err
	}
	for _, w := range concat(how.warnings, chs.warnings, r.warnings) {
		logf("warning: %s", w)
	}
	logf("built: %s (%s, %d chapters from %s, timing: %s)", e.slug, transcript.FormatClock(e.info.Duration.Round(time.Second)), len(chs.list), chs.source, how.description)
	r.episode.SourceHash = hash.sum
	r.episode.BaseURL = p.cfg.URLFor("")
	b.r = r
	return nil
}

// syncBuffer is a bytes.Buffer that the aligner's goroutines may write
// to at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// Bytes returns what was written; call it once the writers are done.
func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Bytes()
}
