package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/config"
)

//go:embed initshow/config.toml
var initConfig string

//go:embed initshow/episode.md
var initEpisode string

// initAudio is initEpisode spoken (10 s, 24 kbit/s mono), so that every
// aligner tier has speech to time the example against. Remade with:
//
//	go run ./internal/cmd/synth -in cmd/podpipe/initshow/episode.md \
//		-out cmd/podpipe/initshow/episode.mp3 -voices "Your Name=en+f2/60" -kbps 24
//
//go:embed initshow/episode.mp3
var initAudio []byte

// initOptions has no flags: init takes only the folder.
type initOptions struct{}

func newInitCommand(gopts *globalOptions) *cli.Command {
	var opts initOptions
	return &cli.Command{
		Name:      "init",
		Usage:     "start a new show: config.toml, a cover and one example episode",
		ArgsUsage: "[DIR]",
		UsageText: "podpipe init my-show && cd my-show && podpipe publish show",
		Description: `Writes, in DIR (default: the current folder, created when missing),
config.toml with every key explained, cover.jpg (1400×1400) and
episodes/01-welcome.md with its audio, 01-welcome.mp3 (spoken). The show
publishes as it is: replace the example with your own episodes. No file that
is already there is overwritten.`,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runInit(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runInit writes a new show into args[0] (or the current folder) and says
// what to do next on out.
func runInit(ctx context.Context, opts initOptions, gopts globalOptions, args []string, out io.Writer) error {
	if len(args) > 1 {
		return usagef("init: one DIR at most, got %d arguments", len(args))
	}
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	} else if p, ok := config.Find("."); ok {
		// Inside a show already: a second one in its episodes folder
		// is never what was meant.
		return fmt.Errorf("init: this folder is inside the show of %s; give the new show's folder: podpipe init DIR", p)
	}
	date := time.Now().UTC().Format("2006-01-02")
	files := []struct {
		name string
		data func() ([]byte, error)
	}{
		{config.FileName, func() ([]byte, error) { return []byte(initConfig), nil }},
		{"cover.jpg", initCover},
		{filepath.Join("episodes", "01-welcome.md"), func() ([]byte, error) {
			return []byte(strings.Replace(initEpisode, "2026-01-05", date, 1)), nil
		}},
		{filepath.Join("episodes", "01-welcome.mp3"), func() ([]byte, error) { return initAudio, nil }},
	}
	// Check every file first: init writes the whole show or nothing.
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("init: %s already exists; init writes a new show and overwrites nothing (choose another DIR)", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("init: %w", err)
		}
	}
	for _, f := range files {
		data, err := f.data()
		if err != nil {
			return fmt.Errorf("init: %s: %w", f.name, err)
		}
		p := filepath.Join(dir, f.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		if err := writeFileAtomic(p, data); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		fmt.Fprintf(out, "wrote %s\n", p)
	}
	cd := ""
	if dir != "." {
		cd = "cd " + dir + " && "
	}
	fmt.Fprintf(out, "\nnext: %spodpipe publish show && podpipe serve\n", cd)
	fmt.Fprintf(out, "then open http://127.0.0.1:8080/ ; edit config.toml and put your episodes in episodes/\n")
	return nil
}

// initCover is a 1400×1400 JPEG, the smallest square Apple accepts: a
// diagonal gradient with a ring, something to replace rather than a blank.
func initCover() ([]byte, error) {
	const n = 1400
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	c := float64(n) / 2
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			t := float64(x+y) / (2 * n)
			col := color.RGBA{uint8(30 + 60*t), uint8(60 + 80*t), uint8(140 + 90*t), 255}
			dx, dy := float64(x)-c, float64(y)-c
			if r := dx*dx + dy*dy; r > 380*380 && r < 440*440 {
				col = color.RGBA{250, 200, 80, 255}
			}
			img.Set(x, y, col)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
