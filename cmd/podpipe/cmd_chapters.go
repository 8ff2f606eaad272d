package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/transcript"
)

func newChaptersCommand(gopts *globalOptions) *cli.Command {
	return &cli.Command{
		Name:  "chapters",
		Usage: "show and regenerate an episode's chapters",
		UsageText: "podpipe chapters show 02-kubernetes-cost\n" +
			"podpipe chapters regenerate 02-kubernetes-cost",
		Commands: []*cli.Command{
			newChaptersShowCommand(gopts),
			newChaptersRegenerateCommand(gopts),
		},
	}
}

func newChaptersShowCommand(gopts *globalOptions) *cli.Command {
	var opts pipelineOptions
	return &cli.Command{
		Name:      "show",
		Usage:     "print an episode's chapters and the source they came from",
		ArgsUsage: "EPISODE",
		UsageText: "podpipe chapters show 02-kubernetes-cost",
		Description: "Chapters come from, in order of precedence: EPISODE.chapters.txt or\n" +
			".chapters.json beside the episode, the transcript's front matter, the\n" +
			"transcript's headings, chapters already embedded in the source MP3.",
		Flags: []cli.Flag{newAlignFlag(&opts.align)},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runChaptersShow(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer, cmd.Root().ErrWriter)
		},
	}
}

// runChaptersShow prints the chapters of the episode args names to out,
// and the warnings met while finding them to errOut.
func runChaptersShow(ctx context.Context, opts pipelineOptions, gopts globalOptions, args []string, out, errOut io.Writer) error {
	if len(args) != 1 {
		return usagef("chapters show: name one EPISODE")
	}
	_, p, err := openPipeline(ctx, opts, gopts, out)
	if err != nil {
		return err
	}
	list, source, warnings, err := p.Chapters(ctx, args[0])
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(errOut, "warning:", w)
	}
	fmt.Fprintf(out, "source: %s\n", source)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "START\tEND\tTITLE")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", transcript.FormatTimestamp(c.Start), transcript.FormatTimestamp(c.End), c.Title)
	}
	return tw.Flush()
}

func newChaptersRegenerateCommand(gopts *globalOptions) *cli.Command {
	var opts pipelineOptions
	return &cli.Command{
		Name:      "regenerate",
		Usage:     "rebuild an episode's chapters, retag its audio and re-upload only what changed",
		ArgsUsage: "EPISODE",
		UsageText: "podpipe chapters regenerate 02-kubernetes-cost",
		Description: "After an edit to the chapters file or the transcript's headings: rebuilds\n" +
			"the chapters JSON and the audio's ID3 chapters, uploads what changed (the\n" +
			"audio and the chapters JSON; the HTML page when its chapter list changed),\n" +
			"then updates the manifest and the feed. Nothing unchanged is uploaded.",
		Flags: []cli.Flag{newDryRunFlag(&opts.dryRun), newAlignFlag(&opts.align)},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runChaptersRegenerate(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runChaptersRegenerate republishes the episode args names; the pipeline
// uploads only what the new chapters changed.
func runChaptersRegenerate(ctx context.Context, opts pipelineOptions, gopts globalOptions, args []string, out io.Writer) error {
	if len(args) != 1 {
		return usagef("chapters regenerate: name one EPISODE")
	}
	return publish(ctx, opts, gopts, args, out)
}
