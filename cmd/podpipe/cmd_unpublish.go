package main

import (
	"context"
	"io"

	"github.com/urfave/cli/v3"
)

type unpublishOptions struct {
	pipelineOptions
	delete bool
}

func newUnpublishCommand(gopts *globalOptions) *cli.Command {
	return &cli.Command{
		Name:      "unpublish",
		Usage:     "take an episode out of the feed, recorded as unpublished",
		UsageText: "podpipe unpublish episode 01-some-slug",
		Commands:  []*cli.Command{newUnpublishEpisodeCommand(gopts)},
	}
}

func newUnpublishEpisodeCommand(gopts *globalOptions) *cli.Command {
	var opts unpublishOptions
	return &cli.Command{
		Name:      "episode",
		Usage:     "take an episode out of the feed; with --delete also delete its objects",
		ArgsUsage: "EPISODE",
		UsageText: "podpipe unpublish episode 01-some-slug\npodpipe unpublish episode --delete 01-some-slug",
		Description: "The manifest records the episode as unpublished: publish show passes it\n" +
			"over, and only publish episode brings it back (with the guid it had). The\n" +
			"pages that link it (previous/next) are rebuilt without the link. Its\n" +
			"objects stay in storage unless --delete, which deletes them at once.\n" +
			"Rebuilding a page times its transcript as publish does (--align).",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "delete", Usage: "also delete the episode's published objects", Sources: cli.EnvVars("PODPIPE_DELETE"), Destination: &opts.delete},
			newDryRunFlag(&opts.dryRun),
			// The pages rebuilt without the link are timed like a publish.
			newAlignFlag(&opts.align),
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runUnpublishEpisode(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runUnpublishEpisode removes the episode named in args from the feed.
func runUnpublishEpisode(ctx context.Context, opts unpublishOptions, gopts globalOptions, args []string, out io.Writer) error {
	if len(args) != 1 {
		return usagef("unpublish episode: name one EPISODE")
	}
	cfg, p, err := openPipeline(ctx, opts.pipelineOptions, gopts, out)
	if err != nil {
		return err
	}
	res, err := p.Unpublish(ctx, args[0], opts.delete)
	if err != nil {
		return err
	}
	printResult(out, cfg, res)
	return nil
}
