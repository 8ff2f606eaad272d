package main

import (
	"context"
	"io"

	"github.com/urfave/cli/v3"
)

func newGCCommand(gopts *globalOptions) *cli.Command {
	var opts pipelineOptions
	return &cli.Command{
		Name:      "gc",
		Usage:     "delete superseded objects whose grace period has passed, and what interrupted runs left",
		UsageText: "podpipe gc\npodpipe gc --dry-run",
		Description: "Objects a publish no longer links (an edited episode's old audio, say) stay\n" +
			"in storage for publish.keep_superseded (a week by default), since apps may\n" +
			"still hold the feed that links them; every publish then deletes those whose\n" +
			"time has passed, and so does gc. It also removes what runs killed more than\n" +
			"a day ago left behind: work folders, temporary files in a local store and\n" +
			"incomplete multipart uploads.",
		Flags: []cli.Flag{newDryRunFlag(&opts.dryRun)},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runGC(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runGC deletes what has expired and what interrupted runs left.
func runGC(ctx context.Context, opts pipelineOptions, gopts globalOptions, args []string, out io.Writer) error {
	if len(args) != 0 {
		return usagef("gc takes no arguments")
	}
	cfg, p, err := openPipeline(ctx, opts, gopts, out)
	if err != nil {
		return err
	}
	res, err := p.GC(ctx)
	if err != nil {
		return err
	}
	printResult(out, cfg, res)
	return nil
}
