package pipeline

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/podpipe/podpipe/internal/testtool"
)

// TestPublishM4A publishes an episode whose audio is AAC in MPEG-4: it goes
// out as it is, as audio/x-m4a, with the duration of its movie header.
func TestPublishM4A(t *testing.T) {
	ffmpeg := testtool.Need(t, "ffmpeg")
	cfg := sampleShow(t, "public", "", "http://127.0.0.1:8080/")
	eps := cfg.EpisodesDir()
	src := filepath.Join(eps, "03-edge-ai-inference")
	out, err := exec.Command(ffmpeg, "-v", "error", "-i", src+".mp3", "-c:a", "aac", "-b:a", "32k", src+".m4a").CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	if err := os.Remove(src + ".mp3"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p := newPipeline(t, cfg, nil, Options{Align: "pauses"})
	if _, err := p.Publish(ctx, []string{"03-edge-ai-inference"}); err != nil {
		t.Fatal(err)
	}
	e := readManifest(t, p.store).Find("03-edge-ai-inference")
	if e == nil {
		t.Fatal("episode not in the manifest")
	}
	if e.Audio.ContentType != "audio/x-m4a" || filepath.Ext(e.Audio.Key) != ".m4a" {
		t.Errorf("audio = %+v, want an .m4a as audio/x-m4a", e.Audio)
	}
	if math.Abs(e.Duration-67.5) > 1 {
		t.Errorf("duration = %.2f s, want about 67.5", e.Duration)
	}
	checkFeedResolves(t, cfg, p.store)
}
