package main

import (
	"context"
	"io"

	"github.com/urfave/cli/v3"
)

func newFeedCommand(gopts *globalOptions) *cli.Command {
	return &cli.Command{
		Name:  "feed",
		Usage: "build and validate the RSS feed",
		UsageText: "podpipe feed build\n" +
			"podpipe feed validate https://example.org/feed.xml",
		Commands: []*cli.Command{
			newFeedValidateCommand(gopts),
			newFeedBuildCommand(gopts),
			newFeedMovedCommand(gopts),
		},
	}
}

func newFeedBuildCommand(gopts *globalOptions) *cli.Command {
	var opts pipelineOptions
	return &cli.Command{
		Name:      "build",
		Usage:     "rebuild the feed from the manifest and the config alone",
		UsageText: "podpipe feed build",
		Description: "Use it after changing the show's part of config.toml: no episode is\n" +
			"rebuilt, only the feed.",
		Flags: []cli.Flag{newDryRunFlag(&opts.dryRun)},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runFeedBuild(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runFeedBuild rebuilds and uploads the feed alone. Like the command
// before it, it ignores arguments.
func runFeedBuild(ctx context.Context, opts pipelineOptions, gopts globalOptions, _ []string, out io.Writer) error {
	cfg, p, err := openPipeline(ctx, opts, gopts, out)
	if err != nil {
		return err
	}
	res, err := p.BuildFeed(ctx)
	if err != nil {
		return err
	}
	printResult(out, cfg, res)
	return nil
}
