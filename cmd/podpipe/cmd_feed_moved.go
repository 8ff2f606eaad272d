package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v3"
)

type feedMovedOptions struct {
	out string
}

func newFeedMovedCommand(gopts *globalOptions) *cli.Command {
	var o feedMovedOptions
	return &cli.Command{
		Name:      "moved",
		Usage:     "write the final feed for an earlier address of the show",
		UsageText: "podpipe feed moved https://old.example.org/feed.xml [-o FILE]",
		Description: "The URL must be one of publish.previous_urls. The feed written is the whole\n" +
			"feed, with itunes:new-feed-url pointing at the current address: serve it\n" +
			"at the old URL (or redirect that URL with HTTP 301) until apps and\n" +
			"directories have moved.",
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:        "output",
				Aliases:     []string{"o"},
				Usage:       "write to `FILE` instead of stdout",
				Sources:     cli.EnvVars("PODPIPE_OUTPUT"),
				Destination: &o.out,
			},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runFeedMoved(ctx, o, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runFeedMoved writes the final feed for one of publish.previous_urls.
func runFeedMoved(ctx context.Context, o feedMovedOptions, gopts globalOptions, args []string, out io.Writer) error {
	if len(args) != 1 {
		return usagef("feed moved: give one earlier feed URL")
	}
	cfg, p, err := openPipeline(ctx, pipelineOptions{}, gopts, io.Discard)
	if err != nil {
		return err
	}
	if !slices.Contains(cfg.Publish.PreviousURLs, args[0]) {
		return usagef("feed moved: %s is not in publish.previous_urls of %s", args[0], cfg.File)
	}
	var buf bytes.Buffer
	if err := p.WriteMovedFeed(ctx, args[0], &buf); err != nil {
		return err
	}
	if o.out == "" {
		_, err := out.Write(buf.Bytes())
		return err
	}
	// Atomic: a half-written final feed would strand every subscriber.
	tmp, err := os.CreateTemp(filepath.Dir(o.out), ".feed-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), o.out)
}
